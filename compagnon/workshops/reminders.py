"""Reminders before each session, sent by a sweep that cron runs every few minutes.

`WORKSHOP_REMINDERS` lists the offsets ("48h,2h", also "30m" or "2d"). For each
confirmed registration and each coming session, only the tightest offset already
reached is sent: someone who registers 3 hours before gets the 2-hour reminder,
not a late 48-hour one too. The email key holds the session's start, so a moved
session gets a fresh reminder and a retried sweep none.
"""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from compagnon.workshops import emails
from compagnon.workshops.models import Registration, RegistrationStatus, Session, WorkshopStatus

DEFAULT_REMINDERS = "48h,2h"
_OFFSET = re.compile(r"^\s*(\d+)\s*([mhd])\s*$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


def parse_offsets(value: str) -> list[tuple[str, dt.timedelta]]:
    """ "48h,2h" -> [("48h", 48 hours), ("2h", 2 hours)], largest first."""
    offsets = []
    for part in (value or "").split(","):
        if not part.strip():
            continue
        match = _OFFSET.match(part)
        if match is None:
            raise ImproperlyConfigured(
                f"WORKSHOP_REMINDERS: {part.strip()!r} is not like 48h, 30m or 2d."
            )
        amount, unit = int(match[1]), match[2]
        offsets.append((f"{amount}{unit}", dt.timedelta(**{_UNITS[unit]: amount})))
    return sorted(offsets, key=lambda pair: pair[1], reverse=True)


def reminder_offsets() -> list[tuple[str, dt.timedelta]]:
    return parse_offsets(getattr(settings, "WORKSHOP_REMINDERS", DEFAULT_REMINDERS))


def reminders_send_due(now: dt.datetime | None = None) -> int:
    """Queue the reminders due now; returns how many were queued (or already were)."""
    now = now or timezone.now()
    offsets = reminder_offsets()
    if not offsets:
        return 0
    horizon = now + offsets[0][1]
    sessions = list(
        Session.objects.filter(
            starts_at__gt=now,
            starts_at__lte=horizon,
            workshop__status__in=(WorkshopStatus.PUBLISHED, WorkshopStatus.CLOSED),
        )
        # Each workshop's sessions and base are read here once, not once per email.
        .select_related("workshop", "workshop__base")
        .prefetch_related("workshop__sessions")
        .order_by("starts_at", "pk")
    )
    count = 0
    for session in sessions:
        left = session.starts_at - now
        label, offset = min(
            ((label, offset) for label, offset in offsets if left <= offset),
            key=lambda pair: pair[1],
        )
        window_opened = session.starts_at - offset
        registrations = Registration.objects.filter(
            workshop_id=session.workshop_id, status=RegistrationStatus.CONFIRMED
        ).select_related("person")
        for registration in registrations:
            registration.workshop = session.workshop
            if registration.confirmed_at is not None and registration.confirmed_at > window_opened:
                continue  # they registered inside this window: the confirmation was enough
            with transaction.atomic():
                emails.reminder_email(registration=registration, session=session, offset=label)
            count += 1
    return count
