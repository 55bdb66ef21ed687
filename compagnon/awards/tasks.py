"""Emails rendered after the commit; each is keyed, so a retried task sends nothing more."""

from __future__ import annotations

from django_tasks import task

from compagnon.awards.emails import (
    application_confirmation_render,
    juror_invitation_render,
    vote_confirmation_render,
)


@task(queue_name="email")
def application_confirmation_send(*, application_id: int) -> bool:
    return application_confirmation_render(application_id=application_id)


@task(queue_name="email")
def juror_invitation_send(*, juror_id: int) -> bool:
    return juror_invitation_render(juror_id=juror_id)


@task(queue_name="email")
def vote_confirmation_send(*, vote_id: int) -> bool:
    return vote_confirmation_render(vote_id=vote_id)
