"""Bad input a person sees a clear message for (and nothing half-written), and query counts
that must not grow with the number of people or workshops."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from compagnon.core.models import OutboundEmail
from compagnon.members.tests.factories import BaseFactory, PersonFactory, TagFactory
from compagnon.workshops import emails, services
from compagnon.workshops.feedback import feedback_submit
from compagnon.workshops.models import (
    Attendance,
    Feedback,
    Material,
    Registration,
    RegistrationStatus,
    Workshop,
    WorkshopStatus,
)
from compagnon.workshops.reminders import reminders_send_due
from compagnon.workshops.tests.factories import RegistrationFactory, WorkshopFactory

pytestmark = pytest.mark.django_db


def _past(**kwargs) -> Workshop:
    start = timezone.now() - dt.timedelta(days=2)
    return WorkshopFactory(sessions=[(start, start + dt.timedelta(hours=4))], **kwargs)


# --- bad input ----------------------------------------------------------------------------------


def test_create_form_closing_before_opening_is_refused(client_of, staff_user):
    response = client_of(staff_user).post(
        "/workshops/new/",
        {
            "title": "Backwards",
            "format": "half_day",
            "mode": "onsite",
            "base": BaseFactory().pk,
            "audience": "members",
            "language": "fr",
            "registration_opens_at": "2031-05-10T10:00",
            "registration_closes_at": "2031-05-01T10:00",
            "sessions-TOTAL_FORMS": "1",
            "sessions-INITIAL_FORMS": "0",
            "sessions-0-day": "2031-06-02",
            "sessions-0-starts": "09:00",
            "sessions-0-ends": "12:00",
        },
    )
    assert "Registration must close after it opens." in response.content.decode()
    assert not Workshop.objects.exists()


def test_create_on_site_without_a_base_is_refused(staff_user):
    with pytest.raises(ValidationError) as error:
        services.workshop_create(by=staff_user, title="Nowhere", mode="onsite")
    assert error.value.message_dict["base"] == ["Choose the base where the workshop takes place."]
    assert not Workshop.objects.exists()


def test_material_with_a_link_and_a_file_is_refused(client_of, staff_user):
    workshop = WorkshopFactory(base=BaseFactory())
    response = client_of(staff_user).post(
        f"/workshops/{workshop.pk}/materials/add/",
        {
            "title": "Both",
            "kind": "other",
            "url": "https://example.org/notebook",
            "file": SimpleUploadedFile("n.ipynb", b"{}"),
        },
    )
    assert response.status_code == 400
    assert "Give a link or a file, not both." in response.content.decode()
    assert not Material.objects.exists()


def test_editing_a_cancelled_workshop_is_refused(staff_user):
    workshop = WorkshopFactory(base=BaseFactory(), status=WorkshopStatus.CANCELLED)
    with pytest.raises(ValidationError) as error:
        services.workshop_update(workshop=workshop, by=staff_user, title="Renamed")
    assert error.value.messages == ["A cancelled or finished workshop can no longer be edited."]
    workshop.refresh_from_db()
    assert workshop.title != "Renamed"


def test_an_impossible_status_move_says_so_and_changes_nothing(client_of, staff_user):
    workshop = WorkshopFactory(base=BaseFactory(), status=WorkshopStatus.CANCELLED)
    response = client_of(staff_user).post(
        f"/workshops/{workshop.pk}/status/", {"action": "publish"}, follow=True
    )
    assert "A workshop cannot go from “Cancelled” to “Published”." in response.content.decode()
    workshop.refresh_from_db()
    assert workshop.status == WorkshopStatus.CANCELLED


def test_publishing_a_remote_workshop_without_its_link_is_refused(staff_user):
    workshop = WorkshopFactory(remote=True, draft=True, video_url="")
    with pytest.raises(ValidationError) as error:
        services.workshop_publish(workshop=workshop, by=staff_user)
    assert error.value.messages == ["A remote workshop needs its video link before publishing."]
    workshop.refresh_from_db()
    assert workshop.status == WorkshopStatus.DRAFT


@pytest.mark.parametrize(
    ("rating", "levels", "message"),
    [
        (6, {}, "Give a rating from 1 to 5."),
        (4, "own", "Levels go from 1 to 4."),
    ],
)
def test_feedback_out_of_range_is_refused(member_a, rating, levels, message):
    tag = TagFactory(slug="causal")
    workshop = _past(base=BaseFactory(), tags=[tag])
    RegistrationFactory(workshop=workshop, person=member_a, attendance=Attendance.PRESENT)
    with pytest.raises(ValidationError) as error:
        feedback_submit(
            workshop=workshop,
            person=member_a,
            rating=rating,
            levels={tag.pk: (0, 5)} if levels == "own" else levels,
        )
    assert error.value.messages == [message]
    assert not Feedback.objects.exists()


def test_cancelling_without_a_registration_says_so(client_of, member_a):
    workshop = WorkshopFactory(base=BaseFactory())
    response = client_of(member_a).post(f"/workshops/{workshop.pk}/cancel/", follow=True)
    assert "You are not registered for this workshop." in response.content.decode()
    assert not Registration.objects.exists()


def test_confirming_when_no_seat_is_offered_says_so(client_of, member_a):
    registration = RegistrationFactory(
        workshop=WorkshopFactory(base=BaseFactory()),
        person=member_a,
        status=RegistrationStatus.WAITING,
    )
    response = client_of(member_a).post(f"/workshops/registrations/{registration.pk}/confirm/")
    assert "There is no seat waiting for your confirmation." in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.WAITING


# --- query counts -------------------------------------------------------------------------------


def _queries(action) -> int:
    with CaptureQueriesContext(connection) as context:
        action()
    return len(context.captured_queries)


def test_cancelling_tells_everyone_in_a_fixed_number_of_queries(staff_user):
    def cancel_with(people: int) -> int:
        workshop = WorkshopFactory(base=BaseFactory())
        for _index in range(people):
            RegistrationFactory(workshop=workshop)
        # Each email is one lookup of its key and one insert; the rest must not grow.
        return _queries(lambda: emails.workshop_cancelled_notify(workshop=workshop)) - 2 * people

    assert cancel_with(1) == cancel_with(5)


def test_reminders_in_a_fixed_number_of_queries_per_session():
    def remind(people: int) -> int:
        OutboundEmail.objects.all().delete()
        Workshop.objects.all().delete()
        start = timezone.now() + dt.timedelta(hours=1)
        workshop = WorkshopFactory(
            base=BaseFactory(), sessions=[(start, start + dt.timedelta(hours=2))]
        )
        for _index in range(people):
            RegistrationFactory(
                workshop=workshop, confirmed_at=timezone.now() - dt.timedelta(days=5)
            )
        count = 0

        def send():
            nonlocal count
            count = reminders_send_due()

        queries = _queries(send)
        assert count == people
        # Each email: its key, its insert and the savepoint pair of its transaction.
        return queries - 4 * people

    assert remind(1) == remind(4)


def test_my_workshops_page_does_not_query_per_past_workshop(client_of, member_a):
    client = client_of(member_a)
    client.get("/workshops/mine/")  # the session and the viewer, cached from here

    def page_with(workshops: int) -> int:
        for _index in range(workshops):
            RegistrationFactory(workshop=_past(base=BaseFactory()), person=member_a)
        return _queries(lambda: client.get("/workshops/mine/"))

    assert page_with(1) == page_with(4)
    assert client.get("/workshops/mine/").content.decode().count("Give feedback") == 5


def test_my_workshops_page_offers_feedback_to_the_present_only(client_of, member_a):
    taken = _past(base=BaseFactory(), title="Attendance taken")
    RegistrationFactory(workshop=taken, person=member_a, attendance=Attendance.NO_SHOW)
    RegistrationFactory(workshop=taken, person=PersonFactory(), attendance=Attendance.PRESENT)
    untaken = _past(base=BaseFactory(), title="No attendance taken")
    RegistrationFactory(workshop=untaken, person=member_a)
    page = client_of(member_a).get("/workshops/mine/").content.decode()
    assert page.count("Give feedback") == 1
    assert f"/workshops/{untaken.pk}/feedback/" in page
    assert f"/workshops/{taken.pk}/feedback/" not in page
