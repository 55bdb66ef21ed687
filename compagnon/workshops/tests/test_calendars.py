"""The .ics files, parsed back with icalendar: zones, UIDs, SEQUENCE, status, privacy."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from compagnon.members.tests.factories import BaseFactory, PersonFactory
from compagnon.workshops.calendars import (
    calendar_feed_for,
    calendar_feed_rotate,
    person_feed_ics,
    workshop_ics,
)
from compagnon.workshops.models import (
    Audience,
    Registration,
    RegistrationStatus,
    Workshop,
    WorkshopStatus,
)
from compagnon.workshops.tests.factories import RegistrationFactory, WorkshopFactory

pytestmark = pytest.mark.django_db
NEW_YORK = ZoneInfo("America/New_York")


def parse(body: bytes) -> Calendar:
    return Calendar.from_ical(body)


@pytest.fixture
def series():
    """Two sessions in New York, one of them on each side of the DST change (Nov 2027)."""
    first = dt.datetime(2027, 10, 30, 9, 0, tzinfo=NEW_YORK)  # EDT, UTC-4
    second = dt.datetime(2027, 11, 13, 9, 0, tzinfo=NEW_YORK)  # EST, UTC-5
    base = BaseFactory(name="New York", city="New York", country="US", time_zone="America/New_York")
    return WorkshopFactory(
        title="Causal inference series",
        base=base,
        room="Room 12",
        time_zone="America/New_York",
        hybrid=True,
        sessions=[
            (first, first + dt.timedelta(hours=3)),
            (second, second + dt.timedelta(hours=3)),
        ],
    )


def test_one_event_per_session_in_the_workshop_zone(series):
    calendar = parse(workshop_ics(series))
    timezones = calendar.walk("VTIMEZONE")
    assert [str(tz["TZID"]) for tz in timezones] == ["America/New_York"]
    assert {part.name for part in timezones[0].subcomponents} == {"STANDARD", "DAYLIGHT"}
    events = calendar.walk("VEVENT")
    assert len(events) == 2
    starts = [event.decoded("dtstart") for event in events]
    assert [start.astimezone(dt.UTC).hour for start in starts] == [13, 14]
    assert [str(event["dtstart"].params["TZID"]) for event in events] == ["America/New_York"] * 2
    assert [start.replace(tzinfo=None).hour for start in starts] == [9, 9]
    assert all(str(event["status"]) == "CONFIRMED" for event in events)
    assert "(1)" in str(events[0]["summary"]) and "(2)" in str(events[1]["summary"])


def test_uids_are_stable_and_sequence_grows_on_change(series):
    before = parse(workshop_ics(series)).walk("VEVENT")
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=5)):
        series.room = "Room 14"
        series.save()
    after = parse(workshop_ics(series)).walk("VEVENT")
    assert [str(e["uid"]) for e in before] == [str(e["uid"]) for e in after]
    assert len({str(e["uid"]) for e in after}) == 2
    assert int(after[0]["sequence"]) > int(before[0]["sequence"])


def test_place_and_video_link_only_for_seat_holders(series):
    public = parse(workshop_ics(series)).walk("VEVENT")[0]
    assert "location" not in public
    assert "meet.example.org" not in str(public.get("description", ""))
    private = parse(workshop_ics(series, with_private=True)).walk("VEVENT")[0]
    assert "Room 12" in str(private["location"])
    assert "meet.example.org" in str(private["description"])


def test_a_cancelled_workshop_is_a_cancelled_event(series):
    series.status = WorkshopStatus.CANCELLED
    series.save()
    events = parse(workshop_ics(series, with_private=True)).walk("VEVENT")
    assert {str(e["status"]) for e in events} == {"CANCELLED"}
    assert "location" not in events[0]


def test_the_personal_feed_lists_registrations_with_their_status(series, member_a):
    confirmed = RegistrationFactory(workshop=series, person=member_a, seat="remote")
    waiting = RegistrationFactory(person=member_a, status=RegistrationStatus.WAITING)
    cancelled = RegistrationFactory(
        person=member_a, status=RegistrationStatus.CANCELLED, cancelled_at=timezone.now()
    )
    cancelled_workshop = RegistrationFactory(person=member_a)
    Workshop.objects.filter(pk=cancelled_workshop.workshop_id).update(
        status=WorkshopStatus.CANCELLED
    )
    RegistrationFactory(person=PersonFactory(with_account=True))  # someone else's
    RegistrationFactory(person=member_a, workshop=WorkshopFactory(draft=True))  # not listed
    calendar = parse(person_feed_ics(member_a))
    by_workshop: dict[int, list] = {}
    for event in calendar.walk("VEVENT"):
        workshop_id = int(str(event["uid"]).split("-")[1])
        by_workshop.setdefault(workshop_id, []).append(event)
    assert set(by_workshop) == {
        series.pk,
        waiting.workshop_id,
        cancelled.workshop_id,
        cancelled_workshop.workshop_id,
    }
    assert {str(e["status"]) for e in by_workshop[series.pk]} == {"CONFIRMED"}
    assert "meet.example.org" in str(by_workshop[series.pk][0]["description"])
    assert str(by_workshop[waiting.workshop_id][0]["status"]) == "TENTATIVE"
    assert "location" not in by_workshop[waiting.workshop_id][0]
    assert str(by_workshop[cancelled.workshop_id][0]["status"]) == "CANCELLED"
    assert str(by_workshop[cancelled_workshop.workshop_id][0]["status"]) == "CANCELLED"
    times = [e.decoded("dtstart") for e in by_workshop[series.pk]]
    assert times[0] == dt.datetime(2027, 10, 30, 13, 0, tzinfo=dt.UTC)
    assert str(by_workshop[series.pk][0]["dtstart"].params["TZID"]) == "America/New_York"
    assert confirmed.pk  # the seat holder's row exists


def test_the_feed_sequence_grows_when_the_registration_is_cancelled(member_a):
    registration = RegistrationFactory(person=member_a)
    before = parse(person_feed_ics(member_a)).walk("VEVENT")[0]
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=2)):
        Registration.objects.get(pk=registration.pk).save()  # bumps updated_at
        registration.refresh_from_db()
        registration.status = RegistrationStatus.CANCELLED
        registration.save()
    after = parse(person_feed_ics(member_a)).walk("VEVENT")[0]
    assert str(after["uid"]) == str(before["uid"])
    assert int(after["sequence"]) > int(before["sequence"])
    assert str(after["status"]) == "CANCELLED"


def test_an_empty_feed_still_parses(member_a):
    calendar = parse(person_feed_ics(member_a))
    assert calendar.walk("VEVENT") == []


def test_feed_url_rotation(client, member_a):
    feed = calendar_feed_for(member_a)
    assert calendar_feed_for(member_a).token == feed.token
    url = reverse("workshops:calendar_feed", kwargs={"token": feed.token})
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert parse(response.content)["prodid"]
    rotated = calendar_feed_rotate(person=member_a)
    assert rotated.token != feed.token
    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("workshops:calendar_feed", kwargs={"token": "nope"})).status_code == 404
    )
    assert (
        client.get(reverse("workshops:calendar_feed", kwargs={"token": rotated.token})).status_code
        == 200
    )


def test_workshop_ics_download_is_an_attachment_and_hides_the_room(client, client_of, member_a):
    workshop = WorkshopFactory(audience=Audience.PUBLIC, room="Secret room")
    response = client.get(reverse("workshops:workshop_ics", kwargs={"pk": workshop.pk}))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"Secret room" not in response.content
    RegistrationFactory(workshop=workshop, person=member_a)
    response = client_of(member_a).get(
        reverse("workshops:workshop_ics", kwargs={"pk": workshop.pk})
    )
    assert b"Secret room" in response.content
    members_only = WorkshopFactory()
    client.logout()
    assert (
        client.get(reverse("workshops:workshop_ics", kwargs={"pk": members_only.pk})).status_code
        == 404
    )
