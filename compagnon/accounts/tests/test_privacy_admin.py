"""Staff erase, export and delete people from the admin, through `accounts.privacy`."""

import io
import zipfile

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from compagnon.accounts.models import User
from compagnon.members.models import Person
from compagnon.workshops.models import RegistrationStatus
from compagnon.workshops.tests.factories import RegistrationFactory, WorkshopFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client_of, staff_user):
    return client_of(staff_user)


def _people_url() -> str:
    return reverse("admin:members_person_changelist")


def test_erasing_from_the_admin_asks_first_then_erases(staff, member_a):
    first = staff.post(
        _people_url(), {"action": "erase_personal_data", ACTION_CHECKBOX_NAME: [member_a.pk]}
    )

    assert first.status_code == 200
    assert "Ada Martin" in first.content.decode()
    member_a.refresh_from_db()
    assert not member_a.is_erased  # nothing yet: a confirmation page

    staff.post(
        _people_url(),
        {"action": "erase_personal_data", ACTION_CHECKBOX_NAME: [member_a.pk], "post": "yes"},
    )

    member_a.refresh_from_db()
    assert member_a.is_erased
    assert not User.objects.get(pk=member_a.user_id).is_active


def test_staff_download_a_persons_data(staff, member_a):
    response = staff.post(
        _people_url(), {"action": "export_personal_data", ACTION_CHECKBOX_NAME: [member_a.pk]}
    )

    assert response["Content-Type"] == "application/zip"
    profile = zipfile.ZipFile(io.BytesIO(response.content)).read("profile.json").decode()
    assert "ada@alpha.example" in profile


def test_deleting_a_person_in_the_admin_leaves_no_active_login(staff, member_a, member_b):
    workshop = WorkshopFactory(onsite_seats=1)
    RegistrationFactory(workshop=workshop, person=member_a)
    waiting = RegistrationFactory(
        workshop=workshop, person=member_b, status=RegistrationStatus.WAITING
    )
    user_id = member_a.user_id

    staff.post(reverse("admin:members_person_delete", args=[member_a.pk]), {"post": "yes"})

    assert not Person.objects.filter(pk=member_a.pk).exists()
    assert not User.objects.get(pk=user_id).is_active
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.OFFERED


def test_bulk_delete_closes_every_account(staff, member_a, member_b):
    staff.post(
        _people_url(),
        {
            "action": "delete_selected",
            ACTION_CHECKBOX_NAME: [member_a.pk, member_b.pk],
            "post": "yes",
        },
    )

    assert not Person.objects.filter(pk__in=[member_a.pk, member_b.pk]).exists()
    assert not User.objects.filter(
        pk__in=[member_a.user_id, member_b.user_id], is_active=True
    ).exists()


def test_closing_an_account_from_the_user_admin(staff, member_a):
    staff.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "close_accounts", ACTION_CHECKBOX_NAME: [member_a.user_id]},
    )

    user = User.objects.get(pk=member_a.user_id)
    assert not user.is_active and not user.has_usable_password()
