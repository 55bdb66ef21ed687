"""Workshop emails: each event is queued once, under a key naming the event, sent after commit.

The key of every email names the event it tells about (the confirmation at that
moment, the offer with that deadline, the reminder of that session at that start
time), so queueing it again (a double click, a retried task, a second sweep)
sends nothing more, while a new event (registering again after cancelling, a
moved session) gets its own email.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.db.models import prefetch_related_objects
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext, gettext_noop

from compagnon.core.email import Attachment, email_queue
from compagnon.members.selectors import person_language
from compagnon.workshops.calendars import workshop_ics
from compagnon.workshops.models import (
    ACTIVE,
    Registration,
    RegistrationStatus,
    Session,
    Workshop,
)
from compagnon.workshops.timeplace import clock_of, workshop_place, workshop_time_with_place

ICS_MIMETYPE = "text/calendar; charset=utf-8; method=PUBLISH"


def _stamp(value: dt.datetime | None) -> str:
    return value.strftime("%Y%m%dT%H%M%S") if value is not None else "-"


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def workshop_url(workshop: Workshop) -> str:
    return _absolute(workshop.get_absolute_url())


def workshop_time(workshop: Workshop, value: dt.datetime) -> str:
    """`value` as a date and time on the workshop's own clock (its zone, not the reader's)."""
    with timezone.override(workshop.time_zone):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def _when(workshop: Workshop, value: dt.datetime | None) -> str:
    if value is None:
        return ""
    return workshop_time_with_place(workshop, value)


def _sessions_lines(workshop: Workshop) -> list[str]:
    lines = []
    with timezone.override(workshop.time_zone):
        for session in workshop.sessions.all():
            start = timezone.localtime(session.starts_at)
            end = timezone.localtime(session.ends_at)
            lines.append(
                f"{formats.date_format(start, 'DATETIME_FORMAT')} - "
                f"{formats.time_format(end, 'TIME_FORMAT')}, "
                f"{clock_of(workshop_place(workshop))}"
                + (f" ({session.title})" if session.title else "")
            )
    return lines


def _ics_attachment(registration: Registration) -> Attachment:
    workshop = registration.workshop
    return Attachment(
        filename=f"workshop-{workshop.pk}.ics",
        content=workshop_ics(
            workshop,
            with_private=registration.status == RegistrationStatus.CONFIRMED,
            registration=registration,
        ).decode("utf-8"),
        mimetype=ICS_MIMETYPE,
    )


def _send(
    registration: Registration,
    *,
    template: str,
    subject: str,
    key: str,
    extra: dict | None = None,
    with_ics: bool = False,
) -> None:
    """Render in the person's language and queue (`subject` is a msgid with %(title)s)."""
    person = registration.person
    workshop = registration.workshop
    visitor_url = ""
    if person.user_id is None:
        # No account to sign in with: a signed link to cancel (or take an offered seat).
        from compagnon.workshops.visitors import visitor_manage_url

        visitor_url = visitor_manage_url(registration)
    with translation.override(person_language(person)):
        context = {
            "visitor_url": visitor_url,
            "person": person,
            "workshop": workshop,
            "registration": registration,
            "workshop_url": workshop_url(workshop),
            "sessions": _sessions_lines(workshop),
            "holds_seat": registration.status == RegistrationStatus.CONFIRMED,
            "site_name": settings.SITE_NAME,
            "site_url": settings.SITE_URL,
            **(extra or {}),
        }
        text = render_to_string(f"workshops/email/{template}.txt", context)
        line = gettext(subject) % {"title": workshop.title}
    email_queue(
        to=[person.email],
        subject=line,
        text=text,
        key=key,
        attachments=[_ics_attachment(registration)] if with_ics else None,
    )


# --- one person's registration -----------------------------------------------------------------


def registration_confirmed_email(*, registration: Registration) -> None:
    _send(
        registration,
        template="confirmed",
        subject=gettext_noop("Your seat is confirmed: %(title)s"),
        key=f"workshop-confirmed:{registration.pk}:{_stamp(registration.confirmed_at)}",
        with_ics=True,
    )


def registration_waiting_email(*, registration: Registration) -> None:
    _send(
        registration,
        template="waiting",
        subject=gettext_noop("You are on the waiting list: %(title)s"),
        key=f"workshop-waiting:{registration.pk}:{_stamp(registration.queued_at)}",
    )


def offer_confirm_path(registration: Registration) -> str:
    return reverse("workshops:offer_confirm", kwargs={"pk": registration.pk})


def registration_offer_email(*, registration: Registration) -> None:
    workshop = registration.workshop
    _send(
        registration,
        template="offer",
        subject=gettext_noop("A seat is free for you: %(title)s"),
        key=f"workshop-offer:{registration.pk}:{_stamp(registration.offer_expires_at)}",
        extra={
            "confirm_url": _absolute(offer_confirm_path(registration)),
            "deadline": _when(workshop, registration.offer_expires_at),
        },
    )


def registration_offer_expired_email(*, registration: Registration) -> None:
    _send(
        registration,
        template="offer_expired",
        subject=gettext_noop("Your offer expired: %(title)s"),
        key=f"workshop-offer-expired:{registration.pk}:{_stamp(registration.queued_at)}",
    )


def registration_cancelled_email(*, registration: Registration) -> None:
    _send(
        registration,
        template="registration_cancelled",
        subject=gettext_noop("Your registration is cancelled: %(title)s"),
        key=f"workshop-unregistered:{registration.pk}:{_stamp(registration.cancelled_at)}",
    )


def reminder_email(*, registration: Registration, session: Session, offset: str) -> None:
    """A reminder before a session; the key holds the start, so a moved session gets a new one."""
    workshop = registration.workshop
    _send(
        registration,
        template="reminder",
        subject=gettext_noop("Reminder: %(title)s"),
        key=(
            f"workshop-reminder:{registration.pk}:{session.pk}:{_stamp(session.starts_at)}:{offset}"
        ),
        extra={"session_start": _when(workshop, session.starts_at), "session": session},
        with_ics=True,
    )


# --- the whole workshop (called by the workshop pages' services, inside their transaction) ----


def _audience(workshop: Workshop) -> list[Registration]:
    """Everyone registered or waiting, each given `workshop` itself: its sessions and base
    are read once for all the emails, not once per person."""
    prefetch_related_objects([workshop], "sessions")
    registrations = list(
        Registration.objects.filter(workshop=workshop, status__in=ACTIVE)
        .select_related("person")
        .order_by("pk")
    )
    for registration in registrations:
        registration.workshop = workshop
    return registrations


def workshop_changed_notify(*, workshop: Workshop, changes: list[str]) -> int:
    """Tell everyone registered or waiting what changed, with the updated .ics for seat holders.

    `changes` are short lines already translated for the reader ("The room is now B12.").
    Call it inside the transaction that saves the change, after saving the workshop and
    its sessions. Returns how many emails were queued.
    """
    if not changes:
        return 0
    digest = hashlib.sha256("\n".join(changes).encode()).hexdigest()[:12]
    count = 0
    for registration in _audience(workshop):
        _send(
            registration,
            template="changed",
            subject=gettext_noop("Change to the workshop: %(title)s"),
            key=f"workshop-changed:{registration.pk}:{_stamp(workshop.updated_at)}:{digest}",
            extra={"changes": changes},
            with_ics=registration.status == RegistrationStatus.CONFIRMED,
        )
        count += 1
    return count


def workshop_cancelled_notify(*, workshop: Workshop) -> int:
    """Tell everyone registered or waiting that the workshop is cancelled (.ics: CANCELLED).

    Call it inside the transaction that cancels the workshop, after setting its status
    and `cancelled_at`, and before changing the registrations themselves (they are
    found by their active status). Returns how many emails were queued.
    """
    count = 0
    for registration in _audience(workshop):
        _send(
            registration,
            template="workshop_cancelled",
            subject=gettext_noop("Workshop cancelled: %(title)s"),
            key=f"workshop-cancelled:{registration.pk}:{_stamp(workshop.cancelled_at)}",
            extra={"reason": workshop.cancellation_reason},
            with_ics=True,
        )
        count += 1
    return count
