"""The workshops admin writes through the services: a seat moves under the workshop's lock."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from compagnon.workshops.models import Registration, RegistrationStatus, WorkshopStatus
from compagnon.workshops.tests.factories import RegistrationFactory, WorkshopFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client_of, staff_user):
    assert not staff_user.is_superuser  # club staff: the mixin, no per-model grants
    return client_of(staff_user)


def test_club_staff_open_the_workshops_admin(staff):
    registration = RegistrationFactory()
    for url in (
        reverse("admin:workshops_workshop_changelist"),
        reverse("admin:workshops_workshop_change", args=[registration.workshop_id]),
        reverse("admin:workshops_registration_changelist"),
        reverse("admin:workshops_registration_change", args=[registration.pk]),
    ):
        assert staff.get(url).status_code == 200, url


def test_a_registration_cannot_be_edited_or_deleted_in_the_admin(staff):
    registration = RegistrationFactory()
    url = reverse("admin:workshops_registration_change", args=[registration.pk])

    staff.post(url, {"status": RegistrationStatus.CANCELLED, "seat": "remote"})

    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED
    assert staff.get(reverse("admin:workshops_registration_add")).status_code == 403
    delete = reverse("admin:workshops_registration_delete", args=[registration.pk])
    assert staff.get(delete).status_code == 403


def test_cancelling_from_the_admin_offers_the_seat_to_the_next_person(staff, member_b):
    workshop = WorkshopFactory(onsite_seats=1)
    seat = RegistrationFactory(workshop=workshop)
    waiting = RegistrationFactory(
        workshop=workshop, person=member_b, status=RegistrationStatus.WAITING
    )

    response = staff.post(
        reverse("admin:workshops_registration_changelist"),
        {"action": "cancel_for_person", ACTION_CHECKBOX_NAME: [seat.pk]},
        follow=True,
    )

    assert response.status_code == 200
    seat.refresh_from_db()
    waiting.refresh_from_db()
    assert seat.status == RegistrationStatus.CANCELLED
    assert waiting.status == RegistrationStatus.OFFERED


def test_a_refused_action_says_why_and_changes_nothing(staff):
    workshop = WorkshopFactory(draft=True, sessions=0)

    response = staff.post(
        reverse("admin:workshops_workshop_changelist"),
        {"action": "publish", ACTION_CHECKBOX_NAME: [workshop.pk]},
        follow=True,
    )

    workshop.refresh_from_db()
    assert workshop.status == WorkshopStatus.DRAFT
    assert "Add at least one session before publishing." in response.content.decode()


def test_the_workshop_form_saves_through_the_service(staff):
    workshop = WorkshopFactory(title="Old title", remote=True)
    url = reverse("admin:workshops_workshop_change", args=[workshop.pk])
    page = staff.get(url)
    data = {
        key: value
        for key, value in page.context["adminform"].form.initial.items()
        if value is not None and not isinstance(value, list)
    }
    data.update(
        {
            "title": "New title",
            "hosts": [],
            "invitees": [],
            "tags": [],
            "excluded_organisations": [],
            "sessions-TOTAL_FORMS": "1",
            "sessions-INITIAL_FORMS": "1",
            "materials-TOTAL_FORMS": "0",
            "materials-INITIAL_FORMS": "0",
        }
    )
    data["sessions-0-id"] = workshop.sessions.get().pk
    data["sessions-0-workshop"] = workshop.pk

    response = staff.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    workshop.refresh_from_db()
    assert workshop.title == "New title"
    assert Registration.objects.count() == 0
