"""Organisers: the new-workshop form with its sessions, finding people, duplicating,
"who's going", and writing to the participants."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from compagnon.core.models import OutboundEmail
from compagnon.members.models import Visibility
from compagnon.members.tests.factories import BaseFactory, PersonFactory
from compagnon.workshops.models import (
    AttendeeMessage,
    RegistrationStatus,
    Session,
    Workshop,
    WorkshopStatus,
)
from compagnon.workshops.organising import (
    SessionRow,
    registration_show_in_attendees,
    workshop_create_with_sessions,
    workshop_duplicate,
    workshop_message_attendees,
)
from compagnon.workshops.tests.factories import RegistrationFactory, WorkshopFactory

pytestmark = pytest.mark.django_db

NEXT_MONDAY = dt.date(2031, 3, 3)


def _form(base, *rows, **extra) -> dict:
    data = {
        "title": "Causal inference clinic",
        "format": "one_day",
        "mode": "onsite",
        "base": base.pk if base else "",
        "onsite_seats": "12",
        "audience": "members",
        "language": "fr",
        "time_zone": "Europe/Paris",
        "sessions-TOTAL_FORMS": "3",
        "sessions-INITIAL_FORMS": "0",
        "sessions-MIN_NUM_FORMS": "1",
        "sessions-MAX_NUM_FORMS": "10",
        **extra,
    }
    for index, (day, starts, ends) in enumerate(rows):
        data[f"sessions-{index}-day"] = day.isoformat()
        data[f"sessions-{index}-starts"] = starts
        data[f"sessions-{index}-ends"] = ends
    return data


# --- the new-workshop form: sessions inline ---------------------------------------------------------


def test_a_workshop_is_created_with_its_sessions_on_its_bases_clock(client_of, staff_user):
    base = BaseFactory(name="New York", city="New York", time_zone="America/New_York")
    response = client_of(staff_user).post(
        "/workshops/new/",
        _form(
            base,
            (NEXT_MONDAY, "09:00", "12:30"),
            (NEXT_MONDAY + dt.timedelta(days=1), "14:00", "17:00"),
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    workshop = Workshop.objects.get()
    assert workshop.time_zone == "America/New_York"
    first, second = workshop.sessions.order_by("starts_at")
    zone = ZoneInfo("America/New_York")
    assert first.starts_at.astimezone(zone).time() == dt.time(9, 0)
    assert second.ends_at.astimezone(zone).time() == dt.time(17, 0)
    assert workshop.starts_at == first.starts_at and workshop.ends_at == second.ends_at


def test_a_remote_workshop_runs_on_the_clock_chosen(client_of, staff_user):
    data = _form(
        None,
        (NEXT_MONDAY, "10:00", "12:00"),
        mode="remote",
        remote_seats="30",
        onsite_seats="",
        video_url="https://meet.example.org/x",
        time_zone="Africa/Casablanca",
    )
    response = client_of(staff_user).post("/workshops/new/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Workshop.objects.get().time_zone == "Africa/Casablanca"


def test_a_session_ending_before_it_starts_is_refused_and_nothing_is_written(client_of, staff_user):
    base = BaseFactory()
    response = client_of(staff_user).post(
        "/workshops/new/", _form(base, (NEXT_MONDAY, "14:00", "09:00"))
    )
    assert response.status_code == 400
    assert "The session must end after it starts." in response.content.decode()
    assert not Workshop.objects.exists() and not Session.objects.exists()


def test_a_form_without_any_session_asks_for_one(client_of, staff_user):
    response = client_of(staff_user).post("/workshops/new/", _form(BaseFactory()))
    assert response.status_code == 400
    assert not Workshop.objects.exists()


def test_overlapping_sessions_name_the_row_and_write_nothing(staff_user):
    base = BaseFactory()
    rows = [
        SessionRow(day=NEXT_MONDAY, starts=dt.time(9), ends=dt.time(12)),
        SessionRow(day=NEXT_MONDAY, starts=dt.time(11), ends=dt.time(13)),
    ]
    with pytest.raises(ValidationError) as caught:
        workshop_create_with_sessions(
            by=staff_user, sessions=rows, title="Overlap", base=base, onsite_seats=5
        )
    assert "Session 2:" in caught.value.messages[0]
    assert not Workshop.objects.exists() and not Session.objects.exists()


# --- finding hosts and invitees ---------------------------------------------------------------------


def _search(client, q: str, field: str = "hosts"):
    return client.get("/workshops/people/search/", {"field": field, f"{field}_q": q})


def test_staff_find_people_by_name_or_organisation(client_of, staff_user, member_a, member_b):
    client = client_of(staff_user)
    page = _search(client, "ada").content.decode()
    assert member_a.full_name in page and member_b.full_name not in page
    page = _search(client, "beta", field="invitees").content.decode()
    assert member_b.full_name in page and 'name="invitees"' in page
    assert 'data-testid="picker-option"' not in _search(client, "a").content.decode()


def test_a_host_does_not_find_hidden_people(client_of, manager_a, org_b):
    WorkshopFactory(hosts=[manager_a])
    PersonFactory(organisation=org_b, first_name="Hidden", directory_visibility=Visibility.HIDDEN)
    page = _search(client_of(manager_a), "hidden").content.decode()
    assert "0 people found" in page


def test_a_member_who_hosts_nothing_cannot_search(client_of, member_a):
    assert _search(client_of(member_a), "ada").status_code == 403


def test_the_search_answers_in_a_fixed_number_of_queries(client_of, staff_user, org_a):
    client = client_of(staff_user)
    PersonFactory(organisation=org_a, first_name="Zed")
    _search(client, "zed")
    with CaptureQueriesContext(connection) as one:
        _search(client, "zed")
    for name in ("Zed two", "Zed three"):
        PersonFactory(organisation=org_a, first_name=name)
    with CaptureQueriesContext(connection) as three:
        page = _search(client, "zed").content.decode()
    assert page.count('data-testid="picker-option"') == 3
    assert len(three) == len(one)


def test_the_edit_form_shows_the_chosen_hosts_as_ticked_boxes(client_of, staff_user, manager_a):
    workshop = WorkshopFactory(base=BaseFactory(), hosts=[manager_a])
    page = client_of(staff_user).get(f"/workshops/{workshop.pk}/edit/").content.decode()
    assert 'data-testid="picker-chosen"' in page
    assert manager_a.full_name in page
    assert 'hx-get="/workshops/people/search/?field=hosts"' in page


# --- duplicating --------------------------------------------------------------------------------


def test_a_past_workshop_is_duplicated_to_a_new_date(staff_user, manager_a, member_b):
    paris = ZoneInfo("Europe/Paris")
    start = dt.datetime(2026, 10, 13, 9, 30, tzinfo=paris)  # summer time
    source = WorkshopFactory(
        base=BaseFactory(),
        hosts=[manager_a],
        status=WorkshopStatus.DONE,
        sessions=[
            (start, start + dt.timedelta(hours=3)),
            (start + dt.timedelta(days=1), start + dt.timedelta(days=1, hours=3)),
        ],
    )
    RegistrationFactory(workshop=source, person=member_b)
    copy = workshop_duplicate(workshop=source, by=staff_user, first_day=dt.date(2027, 1, 12))
    assert copy.status == WorkshopStatus.DRAFT and copy.pk != source.pk
    assert list(copy.hosts.all()) == [manager_a]
    assert not copy.registrations.exists()
    first, second = copy.sessions.order_by("starts_at")
    # Winter time now, same wall-clock time: 09:30 in Paris.
    assert first.starts_at.astimezone(paris) == dt.datetime(2027, 1, 12, 9, 30, tzinfo=paris)
    assert second.starts_at.astimezone(paris).date() == dt.date(2027, 1, 13)


def test_only_staff_duplicate(manager_a):
    source = WorkshopFactory(base=BaseFactory(), hosts=[manager_a])
    with pytest.raises(PermissionDenied):
        workshop_duplicate(workshop=source, by=manager_a.user, first_day=NEXT_MONDAY)


def test_duplicating_from_the_page_opens_the_copy(client_of, staff_user):
    source = WorkshopFactory(base=BaseFactory(), status=WorkshopStatus.DONE)
    client = client_of(staff_user)
    assert client.post(f"/workshops/{source.pk}/duplicate/", {}).status_code == 400
    response = client.post(f"/workshops/{source.pk}/duplicate/", {"first_day": "2031-03-04"})
    copy = Workshop.objects.exclude(pk=source.pk).get()
    assert response["Location"] == f"/workshops/{copy.pk}/edit/"


# --- who's going ----------------------------------------------------------------------------------


def test_a_participant_chooses_to_appear_in_whos_going(client_of, member_a, member_b):
    workshop = WorkshopFactory(base=BaseFactory())
    RegistrationFactory(workshop=workshop, person=member_a)
    RegistrationFactory(workshop=workshop, person=member_b)
    page = client_of(member_b).get(workshop.get_absolute_url()).content.decode()
    assert member_a.full_name not in page
    assert "2 participants so far" in page
    client = client_of(member_a)
    client.post(f"/workshops/{workshop.pk}/whos-going/", {"shown": "1"})
    page = client_of(member_b).get(workshop.get_absolute_url()).content.decode()
    assert member_a.full_name in page and "and 1 other participant" in page
    client_of(member_a).post(f"/workshops/{workshop.pk}/whos-going/", {"shown": "0"})
    assert (
        member_a.full_name
        not in client_of(member_b).get(workshop.get_absolute_url()).content.decode()
    )


def test_someone_waiting_cannot_appear(member_a):
    workshop = WorkshopFactory(base=BaseFactory())
    waiting = RegistrationFactory(
        workshop=workshop, person=member_a, status=RegistrationStatus.WAITING
    )
    with pytest.raises(ValidationError, match="confirmed seat"):
        registration_show_in_attendees(registration=waiting, shown=True)
    waiting.refresh_from_db()
    assert not waiting.shown_in_attendees


def test_visitors_never_see_whos_going(client, member_a):
    from compagnon.workshops.models import Audience

    workshop = WorkshopFactory(base=BaseFactory(), audience=Audience.PUBLIC)
    registration = RegistrationFactory(workshop=workshop, person=member_a)
    registration_show_in_attendees(registration=registration, shown=True)
    page = client.get(workshop.get_absolute_url()).content.decode()
    assert 'data-testid="whos-going"' not in page and member_a.full_name not in page


# --- writing to the participants -------------------------------------------------------------------


def test_a_host_writes_to_the_participants_and_the_message_is_logged(
    client_of, manager_a, member_a, member_b
):
    workshop = WorkshopFactory(base=BaseFactory(), hosts=[manager_a])
    RegistrationFactory(workshop=workshop, person=member_a)
    RegistrationFactory(workshop=workshop, person=member_b, status=RegistrationStatus.WAITING)
    client = client_of(manager_a)
    response = client.post(
        f"/workshops/{workshop.pk}/message/",
        {"subject": "Bring a laptop", "body": "With Python 3.12, please."},
    )
    assert response.status_code == 302
    message = AttendeeMessage.objects.get()
    assert message.recipients == 1 and message.sent_by == manager_a.user
    email = OutboundEmail.objects.get()
    assert email.to == [member_a.email]
    assert "Bring a laptop" in email.subject and "With Python 3.12" in email.body_text
    page = client.get(f"/workshops/{workshop.pk}/message/").content.decode()
    assert "Bring a laptop" in page and 'data-testid="message-log"' in page


def test_the_waiting_list_is_written_to_only_when_asked(staff_user, member_a, member_b):
    workshop = WorkshopFactory(base=BaseFactory())
    RegistrationFactory(workshop=workshop, person=member_a)
    RegistrationFactory(workshop=workshop, person=member_b, status=RegistrationStatus.WAITING)
    message = workshop_message_attendees(
        workshop=workshop,
        by=staff_user,
        subject="Room change",
        body="Room 4.",
        include_waiting=True,
    )
    assert message.recipients == 2
    assert OutboundEmail.objects.count() == 2


def test_a_message_without_subject_or_body_is_refused_and_nothing_sent(
    client_of, staff_user, member_a
):
    workshop = WorkshopFactory(base=BaseFactory())
    RegistrationFactory(workshop=workshop, person=member_a)
    response = client_of(staff_user).post(
        f"/workshops/{workshop.pk}/message/", {"subject": "  ", "body": ""}
    )
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not AttendeeMessage.objects.exists() and not OutboundEmail.objects.exists()


def test_no_participant_no_message(staff_user):
    workshop = WorkshopFactory(base=BaseFactory())
    with pytest.raises(ValidationError, match="Nobody is registered yet"):
        workshop_message_attendees(workshop=workshop, by=staff_user, subject="Hi", body="Hello")
    assert not AttendeeMessage.objects.exists()


def test_a_member_who_is_not_a_host_cannot_write(client_of, member_a):
    workshop = WorkshopFactory(base=BaseFactory())
    response = client_of(member_a).post(
        f"/workshops/{workshop.pk}/message/", {"subject": "Spam", "body": "Spam"}
    )
    assert response.status_code == 403
    assert not AttendeeMessage.objects.exists()


def test_the_session_times_on_the_page_name_their_city(client_of, member_a):
    base = BaseFactory(name="Base NY", city="New York", time_zone="America/New_York")
    start = timezone.now() + dt.timedelta(days=5)
    workshop = WorkshopFactory(
        base=base, time_zone="America/New_York", sessions=[(start, start + dt.timedelta(hours=2))]
    )
    page = client_of(member_a).get(workshop.get_absolute_url()).content.decode()
    assert "New York time" in page and "America/New_York" not in page


def _queries(client, url: str) -> int:
    client.get(url)  # warm the caches (sessions, content types)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_whos_going_costs_the_same_at_one_and_three_names(client_of, member_b, org_a):
    workshop = WorkshopFactory(base=BaseFactory())
    client = client_of(member_b)

    def shown_participant(name):
        person = PersonFactory(organisation=org_a, first_name=name)
        registration = RegistrationFactory(workshop=workshop, person=person)
        registration_show_in_attendees(registration=registration, shown=True)

    shown_participant("One")
    one = _queries(client, workshop.get_absolute_url())
    shown_participant("Two")
    shown_participant("Three")
    three = _queries(client, workshop.get_absolute_url())
    assert three == one


def test_the_message_log_costs_the_same_at_one_and_three_messages(client_of, staff_user, member_a):
    workshop = WorkshopFactory(base=BaseFactory())
    RegistrationFactory(workshop=workshop, person=member_a)
    client = client_of(staff_user)
    url = f"/workshops/{workshop.pk}/message/"
    workshop_message_attendees(workshop=workshop, by=staff_user, subject="1", body="One")
    one = _queries(client, url)
    for n in ("2", "3"):
        workshop_message_attendees(workshop=workshop, by=staff_user, subject=n, body="More")
    three = _queries(client, url)
    assert three == one
