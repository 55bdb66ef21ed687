"""Background work for learning: the weekly cohort reminders (keyed emails: idempotent)."""

from __future__ import annotations

from django_tasks import task

from compagnon.learning.services import cohort_reminders_send


@task()
def learning_tick() -> int:
    """Queue today's cohort reminders; safe to run many times a day."""
    return cohort_reminders_send()
