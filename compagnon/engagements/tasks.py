"""Emails rendered after the commit, and the weekly reminder; each is keyed, so a retried
task sends nothing more."""

from __future__ import annotations

from django_tasks import task

from compagnon.engagements.emails import (
    engagement_started_render,
    entry_disputed_render,
    entry_logged_render,
)


@task()
def engagement_started_send(*, engagement_id: int) -> bool:
    return engagement_started_render(engagement_id=engagement_id)


@task()
def entry_logged_send(*, entry_id: int) -> bool:
    return entry_logged_render(entry_id=entry_id)


@task()
def entry_disputed_send(*, entry_id: int) -> bool:
    return entry_disputed_render(entry_id=entry_id)


@task()
def entry_reminders_task() -> int:
    """The weekly reminders, for a scheduler that runs tasks rather than `engagements_tick`."""
    from compagnon.engagements.services import entry_reminders_send

    return entry_reminders_send()
