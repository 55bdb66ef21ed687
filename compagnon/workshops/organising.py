"""What organisers do around a workshop: create it with its sessions, duplicate a past one,
let participants show themselves in "who's going", and write to the participants.

Services like those of `services.py`: keyword-only, one transaction each, a
refusal a person should read is a `ValidationError`, emails are rows queued
after commit (`core.email`), each with a key so a retry sends nothing twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from compagnon.accounts.models import User
from compagnon.core.email import email_queue
from compagnon.members.selectors import person_language
from compagnon.workshops import services
from compagnon.workshops.models import (
    AttendeeMessage,
    Registration,
    RegistrationStatus,
    Session,
    Workshop,
    WorkshopStatus,
)

logger = logging.getLogger(__name__)

SUBJECT_MAX = AttendeeMessage._meta.get_field("subject").max_length or 200
BODY_MAX = AttendeeMessage._meta.get_field("body").max_length or 10_000


@dataclass(frozen=True)
class SessionRow:
    """One session as typed in the form: a date and two times on the workshop's clock."""

    day: dt.date
    starts: dt.time
    ends: dt.time
    title: str = ""

    def span(self, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
        start = dt.datetime.combine(self.day, self.starts, tzinfo=zone)
        end = dt.datetime.combine(self.day, self.ends, tzinfo=zone)
        return start, end


def workshop_create_with_sessions(
    *, by: User | None, sessions: list[SessionRow], **fields: Any
) -> Workshop:
    """A draft workshop and its sessions, all or nothing.

    Session times are read on the workshop's clock (its base's zone, or the zone
    chosen for a remote workshop). A session that ends before it starts, or that
    overlaps another, refuses the whole creation: the error names the row.
    """
    with transaction.atomic():
        workshop = services.workshop_create(by=by, **fields)
        zone = ZoneInfo(workshop.time_zone)
        for number, row in enumerate(sessions, start=1):
            starts_at, ends_at = row.span(zone)
            try:
                services.session_add(
                    workshop=workshop, starts_at=starts_at, ends_at=ends_at, title=row.title
                )
            except ValidationError as error:
                raise ValidationError(
                    [
                        _("Session %(number)d: %(problem)s")
                        % {"number": number, "problem": message}
                        for message in error.messages
                    ],
                    code="session",
                ) from None
    return workshop


def workshop_duplicate(*, workshop: Workshop, by: User | None, first_day: dt.date) -> Workshop:
    """A new draft like `workshop`, its sessions moved so that the first falls on `first_day`.

    Copied: the description, place, seats, audience, language, hosts, topics and
    excluded organisations; each session keeps its time of day on the workshop's
    clock. Not copied: registrations, invitees, materials, feedback, the case it
    came from, and the registration window (it belonged to the old dates).
    """
    if by is None or not by.is_staff:
        raise PermissionDenied("Only staff duplicate workshops.")
    source = (
        Workshop.objects.prefetch_related("hosts", "tags", "excluded_organisations")
        .select_related("base")
        .get(pk=workshop.pk)
    )
    sessions = list(Session.objects.filter(workshop=source).order_by("starts_at", "pk"))
    zone = ZoneInfo(source.time_zone)
    fields = {name: getattr(source, name) for name in services.WORKSHOP_FIELDS}
    fields.update(
        registration_opens_at=None,
        registration_closes_at=None,
        hosts=list(source.hosts.all()),
        tags=list(source.tags.all()),
        excluded_organisations=list(source.excluded_organisations.all()),
    )
    with transaction.atomic():
        copy = services.workshop_create(by=by, **fields)
        if sessions:
            shift = first_day - timezone.localtime(sessions[0].starts_at, zone).date()
            for session in sessions:
                start = timezone.localtime(session.starts_at, zone)
                end = timezone.localtime(session.ends_at, zone)
                # Same wall-clock times on the new days (a change of daylight saving included).
                services.session_add(
                    workshop=copy,
                    starts_at=dt.datetime.combine(start.date() + shift, start.time(), tzinfo=zone),
                    ends_at=dt.datetime.combine(end.date() + shift, end.time(), tzinfo=zone),
                    title=session.title,
                )
    logger.info("workshop %s duplicated as %s by %s", source.pk, copy.pk, by.pk)
    return copy


def registration_show_in_attendees(*, registration: Registration, shown: bool) -> Registration:
    """The participant chooses whether their name appears in the workshop's "who's going"."""
    with transaction.atomic():
        fresh = Registration.objects.select_for_update().get(pk=registration.pk)
        if shown and fresh.status != RegistrationStatus.CONFIRMED:
            raise ValidationError(
                _("Only people with a confirmed seat appear in the list of participants."),
                code="not_confirmed",
            )
        fresh.shown_in_attendees = shown
        fresh.full_clean()
        fresh.save(update_fields=["shown_in_attendees", "updated_at"])
    registration.shown_in_attendees = fresh.shown_in_attendees
    return fresh


def _recipients(workshop: Workshop, include_waiting: bool) -> list[Registration]:
    statuses = [RegistrationStatus.CONFIRMED, RegistrationStatus.OFFERED]
    if include_waiting:
        statuses.append(RegistrationStatus.WAITING)
    return list(
        Registration.objects.filter(workshop=workshop, status__in=statuses)
        .select_related("person__user")
        .order_by("pk")
    )


def workshop_message_attendees(
    *,
    workshop: Workshop,
    by: User,
    subject: str,
    body: str,
    include_waiting: bool = False,
) -> AttendeeMessage:
    """Email the people registered (and, if asked, those waiting); the message is logged.

    Call it for staff or a host only (the page checks with `workshop_for_editor`).
    Each email has a key naming the message and the registration, so a retried
    task sends nobody the same message twice.
    """
    subject = " ".join((subject or "").split())
    body = (body or "").strip()
    errors: dict[str, list[str]] = {}
    if not subject:
        errors["subject"] = [_("Give the message a subject.")]
    elif len(subject) > SUBJECT_MAX:
        errors["subject"] = [
            _("The subject is limited to %(limit)d characters.") % {"limit": SUBJECT_MAX}
        ]
    if not body:
        errors["body"] = [_("Write the message.")]
    elif len(body) > BODY_MAX:
        errors["body"] = [
            _("The message is limited to %(limit)d characters.") % {"limit": BODY_MAX}
        ]
    if errors:
        raise ValidationError(errors)
    if workshop.status == WorkshopStatus.CANCELLED:
        raise ValidationError(_("This workshop was cancelled: its participants were told."))
    with transaction.atomic():
        recipients = _recipients(workshop, include_waiting)
        if not recipients:
            raise ValidationError(_("Nobody is registered yet: there is no one to write to."))
        message = AttendeeMessage(
            workshop=workshop,
            sent_by=by,
            subject=subject,
            body=body,
            include_waiting=include_waiting,
            recipients=len(recipients),
        )
        message.full_clean()
        message.save()
        sender = getattr(getattr(by, "person", None), "full_name", "") or settings.SITE_NAME
        for registration in recipients:
            person = registration.person
            with translation.override(person_language(person)):
                text = render_to_string(
                    "workshops/email/attendee_message.txt",
                    {
                        "person": person,
                        "workshop": workshop,
                        "body": body,
                        "sender": sender,
                        "workshop_url": settings.SITE_URL + workshop.get_absolute_url(),
                        "site_name": settings.SITE_NAME,
                    },
                )
                email_subject = f"[{workshop.title}] {subject}"
            email_queue(
                to=[person.email],
                subject=email_subject,
                text=text,
                key=f"workshop-message:{message.pk}:{registration.pk}",
            )
    logger.info("workshop %s: message %s to %d people", workshop.pk, message.pk, len(recipients))
    return message
