"""iCalendar files: one per workshop, and each person's feed of registrations.

Events carry stable UIDs (one per session), times in the workshop's own time zone
with its VTIMEZONE, a SEQUENCE that grows when the workshop or the registration
changes, and STATUS:CANCELLED once cancelled, so calendar apps update in place.
The room and the video link are only written for people who hold a seat.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from icalendar import Calendar, Event, Timezone

from compagnon.members.models import Person
from compagnon.workshops.models import (
    CalendarFeed,
    Registration,
    RegistrationStatus,
    Workshop,
    WorkshopStatus,
)

PRODID = "-//compagnon//workshops//EN"
# The feed shows registrations for workshops that ended less than this long ago.
FEED_HISTORY = dt.timedelta(days=365)


def _zone(workshop: Workshop) -> ZoneInfo:
    try:
        return ZoneInfo(workshop.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


def _domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "compagnon"


def session_uid(workshop_id: int, session_id: int) -> str:
    return f"workshop-{workshop_id}-session-{session_id}@{_domain()}"


def _sequence(*stamps: dt.datetime | None, since: dt.datetime) -> int:
    """Seconds from creation to the latest change: grows on every change, never goes back."""
    latest = max((stamp for stamp in stamps if stamp is not None), default=since)
    return max(int((latest - since).total_seconds()), 0)


def _new_calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    return calendar


def _location(workshop: Workshop) -> str:
    parts = [workshop.room] if workshop.room else []
    if workshop.base_id is not None:
        base = workshop.base
        assert base is not None  # base_id is set
        parts.append(base.name)
        if base.address:
            parts.append(" ".join(base.address.split()))
    return ", ".join(parts)


def _events(
    workshop: Workshop,
    *,
    with_private: bool,
    registration: Registration | None = None,
    now: dt.datetime,
) -> Iterable[Event]:
    zone = _zone(workshop)
    url = settings.SITE_URL + workshop.get_absolute_url()
    cancelled = workshop.status == WorkshopStatus.CANCELLED or (
        registration is not None
        and registration.status in (RegistrationStatus.CANCELLED, RegistrationStatus.EXPIRED)
    )
    if cancelled:
        status = "CANCELLED"
    elif registration is not None and registration.status != RegistrationStatus.CONFIRMED:
        status = "TENTATIVE"
    else:
        status = "CONFIRMED"
    sequence = _sequence(
        workshop.updated_at,
        registration.updated_at if registration is not None else None,
        since=workshop.created_at,
    )
    sessions = list(workshop.sessions.all())
    for index, session in enumerate(sessions, start=1):
        event = Event()
        event.add("uid", session_uid(workshop.pk, session.pk))
        summary = workshop.title
        if len(sessions) > 1:
            summary = f"{workshop.title} ({session.title or index})"
        event.add("summary", summary)
        event.add("dtstamp", now)
        event.add("dtstart", session.starts_at.astimezone(zone))
        event.add("dtend", session.ends_at.astimezone(zone))
        event.add("sequence", sequence)
        event.add("status", status)
        event.add("url", url)
        description = [workshop.summary.strip(), url]
        if with_private and not cancelled:
            location = _location(workshop) if workshop.has_onsite else ""
            if workshop.video_url:
                description.insert(1, workshop.video_url)
                if not location:
                    location = workshop.video_url
            if location:
                event.add("location", location)
        event.add("description", "\n\n".join(part for part in description if part))
        yield event


@lru_cache(maxsize=256)
def _vtimezone(tzid: str, first_year: int, last_year: int) -> Timezone | None:
    """The VTIMEZONE for these years, built once: icalendar's default (1970-2038) is large
    and slow to compute, and a calendar only needs the transitions around its events."""
    try:
        return Timezone.from_tzid(
            tzid, first_date=dt.date(first_year, 1, 1), last_date=dt.date(last_year + 1, 1, 1)
        )
    except ValueError:
        return None


def _serialise(calendar: Calendar) -> bytes:
    events = calendar.walk("VEVENT")
    if events:
        years = [event.decoded(name).year for event in events for name in ("dtstart", "dtend")]
        timezones = [
            _vtimezone(tzid, min(years), max(years))
            for tzid in sorted(calendar.get_missing_tzids())
        ]
        calendar.subcomponents[0:0] = [tz for tz in timezones if tz is not None]
    return calendar.to_ical()


def workshop_ics(
    workshop: Workshop,
    *,
    with_private: bool = False,
    registration: Registration | None = None,
    now: dt.datetime | None = None,
) -> bytes:
    """The workshop's .ics: one VEVENT per session; place and link only when `with_private`."""
    calendar = _new_calendar(workshop.title)
    for event in _events(
        workshop, with_private=with_private, registration=registration, now=now or timezone.now()
    ):
        calendar.add_component(event)
    return _serialise(calendar)


def person_feed_ics(person: Person, *, now: dt.datetime | None = None) -> bytes:
    """A person's registrations as one calendar (cancelled ones as CANCELLED events)."""
    now = now or timezone.now()
    registrations = (
        Registration.objects.filter(person=person)
        .filter(workshop__ends_at__gte=now - FEED_HISTORY)
        .exclude(workshop__status=WorkshopStatus.DRAFT)
        .select_related("workshop", "workshop__base")
        .prefetch_related("workshop__sessions")
        .order_by("workshop__starts_at", "pk")
    )
    calendar = _new_calendar(f"{settings.SITE_NAME}: {person.full_name}")
    for registration in registrations:
        workshop = registration.workshop
        holds_seat = registration.status == RegistrationStatus.CONFIRMED
        for event in _events(workshop, with_private=holds_seat, registration=registration, now=now):
            calendar.add_component(event)
    return _serialise(calendar)


# --- the secret feed address ------------------------------------------------------------------


def _token() -> str:
    return secrets.token_urlsafe(32)


def calendar_feed_for(person: Person) -> CalendarFeed:
    """The person's feed, made on first use."""
    feed = CalendarFeed.objects.filter(person=person).first()
    if feed is not None:
        return feed
    with transaction.atomic():
        feed, _created = CalendarFeed.objects.get_or_create(
            person=person, defaults={"token": _token()}
        )
    return feed


def calendar_feed_rotate(*, person: Person) -> CalendarFeed:
    """A new secret address; the old one stops working at once."""
    with transaction.atomic():
        feed = CalendarFeed.objects.select_for_update().filter(person=person).first()
        if feed is None:
            return CalendarFeed.objects.create(person=person, token=_token())
        feed.token = _token()
        feed.save(update_fields=["token"])
    return feed
