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


def _change_data(page, **changes):
    form = page.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form.initial.get(name)
        if value is None:
            continue
        if isinstance(value, list):
            data[name] = [getattr(item, "pk", item) for item in value]
        else:
            data[name] = value
    data.update({"transitions-TOTAL_FORMS": "0", "transitions-INITIAL_FORMS": "0"})
    data.update(changes)
    return data


def test_the_admin_saves_a_case_through_the_service(client_of, staff_user, member_a):
    case = CaseFactory(brought_by=member_a, title="Before")
    client = client_of(staff_user)
    url = reverse("admin:cases_case_change", args=[case.pk])

    response = client.post(url, _change_data(client.get(url), title="  After  "))

    assert response.status_code == 302, response.context["adminform"].form.errors
    case.refresh_from_db()
    assert case.title == "After"  # stripped by the service


def test_a_change_the_service_refuses_is_shown_and_not_saved(client_of, staff_user, member_a):
    case = CaseFactory(brought_by=member_a, title="Before")
    client = client_of(staff_user)
    url = reverse("admin:cases_case_change", args=[case.pk])

    response = client.post(
        url, _change_data(client.get(url), title="After", confidentiality="named")
    )

    assert response.status_code == 200
    assert "Name at least one organisation to share the case with." in response.content.decode()
    case.refresh_from_db()
    assert (case.title, case.confidentiality) == ("Before", "members")


def test_staff_unlink_a_chat_account_from_the_admin_and_see_the_doors_drafts(
    client_of, staff_user, member_a
):
    from compagnon.cases.models import ChatLink, InboundEmailDraft

    ChatLink.objects.create(person=member_a, chat_user_id="U123", chat_user_name="ada.m")
    InboundEmailDraft.objects.create(
        person=member_a, message_id="<d1@alpha.example>", title="Churn", description="Drifts."
    )
    client = client_of(staff_user)
    listing = client.get(reverse("admin:cases_chatlink_changelist"))
    assert listing.status_code == 200 and "ada.m" in listing.content.decode()
    drafts = client.get(reverse("admin:cases_inboundemaildraft_changelist"))
    assert drafts.status_code == 200 and "Churn" in drafts.content.decode()
    assert client.get(reverse("admin:cases_chatlink_add")).status_code == 403

    link = ChatLink.objects.get()
    client.post(
        reverse("admin:cases_chatlink_changelist"),
        {"action": "unlink", "_selected_action": [link.pk]},
    )

    assert not ChatLink.objects.exists()
