"""Background work for workshops: the periodic sweep (reminders, expired offers)."""

from __future__ import annotations

from django_tasks import task

from compagnon.workshops.feedback import feedback_last_calls_send_due
from compagnon.workshops.registration import (
    registration_email_render,
    registration_offers_expire,
    registrations_fill,
)
from compagnon.workshops.reminders import reminders_send_due
from compagnon.workshops.visitors import visitor_requests_purge


def workshops_tick_run() -> dict[str, int]:
    """Expire overdue offers (seats pass on), fill freed seats, then send due reminders.

    Also forgets visitors' requests whose link expired unconfirmed.
    """
    expired = registration_offers_expire()
    offered = registrations_fill()
    reminders = reminders_send_due()
    feedback_reminders = feedback_last_calls_send_due()
    visitor_requests_purged = visitor_requests_purge()
    return {
        "expired": expired,
        "offered": offered,
        "reminders": reminders,
        "feedback_reminders": feedback_reminders,
        "visitor_requests_purged": visitor_requests_purged,
    }


@task()
def workshops_tick() -> dict[str, int]:
    """The same sweep as a task; idempotent (every email is keyed), safe to run twice."""
    return workshops_tick_run()


@task(queue_name="email")
def registration_email_send(*, registration_id: int, event: str) -> bool:
    """Render and queue one registration email after the registration committed (keyed: idempotent)."""
    return registration_email_render(registration_id=registration_id, event=event)
