"""A person's schedule at a recruitment session, as an iCalendar file.

One event per booked slot, with a stable UID (one per booking), so a calendar that
imports the file again updates the meeting instead of copying it.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from compagnon.careers.models import RecruitmentSession, SlotBooking

PRODID = "-//compagnon//careers//EN"


def booking_uid(booking: SlotBooking) -> str:
    domain = urlsplit(settings.SITE_URL).hostname or "compagnon"
    return f"careers-booking-{booking.pk}@{domain}"


def schedule_ics(
    session: RecruitmentSession, bookings: Iterable[SlotBooking], *, for_candidate: bool
) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", session.title)
    stamp = timezone.now()
    for booking in bookings:
        slot = booking.slot
        event = Event()
        event.add("uid", booking_uid(booking))
        event.add("dtstamp", stamp)
        event.add("dtstart", slot.starts_at)
        event.add("dtend", slot.ends_at)
        other = slot.organisation.name if for_candidate else booking.candidate.person.full_name
        event.add("summary", f"{session.title}: {other}")
        if session.place:
            event.add("location", session.place)
        calendar.add_component(event)
    return calendar.to_ical()
