"""The challenges admin saves through `challenge_update` and moves status by actions."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone

from compagnon.challenges.models import ChallengeStatus
from compagnon.challenges.tests.factories import ChallengeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client_of, staff_user):
    return client_of(staff_user)


def _form_data(page, **changes):
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        if hasattr(value, "isoformat"):
            local = timezone.localtime(value)
            data[f"{name}_0"], data[f"{name}_1"] = (
                local.date().isoformat(),
                local.strftime("%H:%M:%S"),
            )
            continue
        data[name] = value
    data.update({"data_files-TOTAL_FORMS": "0", "data_files-INITIAL_FORMS": "0"})
    data.update(changes)
    return data


def test_a_refused_change_is_shown_on_the_form_and_nothing_is_saved(staff):
    challenge = ChallengeFactory(title="Before")
    url = reverse("admin:challenges_challenge_change", args=[challenge.pk])
    page = staff.get(url)
    start = page.context["adminform"].form.initial["starts_at"]
    earlier = timezone.localtime(start).date().replace(year=2000).isoformat()
    data = _form_data(page, title="After", ends_at_0=earlier)

    response = staff.post(url, data)

    assert response.status_code == 200
    assert "The end must come after the start." in response.content.decode()
    challenge.refresh_from_db()
    assert challenge.title == "Before"


def test_the_form_saves_through_the_service(staff):
    challenge = ChallengeFactory(title="Before")
    url = reverse("admin:challenges_challenge_change", args=[challenge.pk])
    page = staff.get(url)

    response = staff.post(url, _form_data(page, title="After"))

    assert response.status_code == 302, response.context["adminform"].form.errors
    challenge.refresh_from_db()
    assert challenge.title == "After"


def test_archiving_is_an_action(staff):
    challenge = ChallengeFactory()

    staff.post(
        reverse("admin:challenges_challenge_changelist"),
        {"action": "archive", ACTION_CHECKBOX_NAME: [challenge.pk]},
    )

    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.ARCHIVED
