"""The staff admin shows cases and their history, and leaves the status to the lifecycle."""

import pytest
from django.urls import reverse

from compagnon.cases.models import CaseStatus
from compagnon.cases.services import case_transition
from compagnon.cases.tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def test_case_admin_lists_and_shows_history_read_only(client_of, staff_user, member_a):
    case = CaseFactory(brought_by=member_a, status=CaseStatus.SUBMITTED, title="Forecasts")
    case_transition(case=case, to_status=CaseStatus.OPEN, actor=staff_user, note="Looks good")
    client = client_of(staff_user)
    listing = client.get(reverse("admin:cases_case_changelist"), {"q": "Forecasts"})
    assert listing.status_code == 200 and "Forecasts" in listing.content.decode()
    page = client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    assert "Looks good" in page
    assert 'name="status"' not in page  # moved through the case page's buttons only
    transitions = client.get(reverse("admin:cases_casetransition_changelist"))
    assert transitions.status_code == 200
    add = client.get(reverse("admin:cases_casetransition_add"))
    assert add.status_code == 403


def test_case_invitation_admin_lists(client_of, staff_user):
    response = client_of(staff_user).get(reverse("admin:cases_caseinvitation_changelist"))
    assert response.status_code == 200
