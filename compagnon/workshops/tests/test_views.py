"""Workshop pages: detail, create/edit, status, plan from a case."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from compagnon.cases.models import CaseStatus
from compagnon.cases.tests.factories import CaseFactory
from compagnon.members.tests.factories import BaseFactory, TagFactory
from compagnon.workshops.models import Audience, Workshop, WorkshopStatus
from compagnon.workshops.tests.factories import RegistrationFactory, WorkshopFactory

pytestmark = pytest.mark.django_db


def test_detail_shows_markdown_sessions_in_workshop_zone_and_panel(client_of, member_a):
    workshop = WorkshopFactory(
        base=BaseFactory(name="Montreal base", city="Montréal", time_zone="America/Montreal"),
        time_zone="America/Montreal",
        agenda="## Morning\n\n<script>x</script>data",
    )
    page = client_of(member_a).get(workshop.get_absolute_url()).content.decode()
    assert "<strong>sales forecast</strong>" in page
    assert "<script>x</script>" not in page
    assert "Montreal base" in page
    # Times name their place by the base's city, never by a raw zone name.
    assert "America/Montreal" not in page
    assert "Montréal time" in page
    assert 'data-testid="registration-panel"' in page
    start = workshop.starts_at.astimezone(__import__("zoneinfo").ZoneInfo("America/Montreal"))
    assert start.strftime("%H:%M") in page


def test_video_link_only_for_registered(client_of, member_a, member_b):
    workshop = WorkshopFactory(remote=True)
    RegistrationFactory(workshop=workshop, person=member_a)
    assert (
        "meet.example.org" in client_of(member_a).get(workshop.get_absolute_url()).content.decode()
    )
    assert (
        "meet.example.org"
        not in client_of(member_b).get(workshop.get_absolute_url()).content.decode()
    )


def test_public_workshop_visible_to_visitors(client):
    workshop = WorkshopFactory(audience=Audience.PUBLIC, base=BaseFactory())
    assert client.get(workshop.get_absolute_url()).status_code == 200
    members = WorkshopFactory(base=BaseFactory(name="Other"))
    response = client.get(members.get_absolute_url())
    assert response.status_code == 302 and "/login" in response["Location"]  # sign in first


def test_origin_case_link_only_if_visible(client_of, member_a, member_b, org_a):
    case = CaseFactory(brought_by=member_a, status=CaseStatus.PLANNED, title="Secret churn")
    case.confidentiality = "organisation"
    case.save()
    workshop = WorkshopFactory(base=BaseFactory(), origin_case=case)
    assert "Secret churn" in client_of(member_a).get(workshop.get_absolute_url()).content.decode()


def test_create_edit_and_publish(client_of, staff_user):
    base = BaseFactory(time_zone="Europe/Paris")
    tag = TagFactory(slug="timeseries")
    client = client_of(staff_user)
    response = client.post(
        "/workshops/new/",
        {
            "title": "Time series clinic",
            "summary": "Bring your series.",
            "format": "half_day",
            "mode": "onsite",
            "base": base.pk,
            "onsite_seats": "12",
            "audience": "members",
            "language": "fr",
            "tags": [tag.pk],
            **_sessions((dt.date.today() + dt.timedelta(days=20), "09:00", "12:30")),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    workshop = Workshop.objects.get()
    assert response["Location"] == workshop.get_absolute_url()
    assert workshop.sessions.count() == 1
    # Without its session, publishing says why and nothing changes.
    workshop.sessions.all().delete()
    response = client.post(f"/workshops/{workshop.pk}/status/", {"action": "publish"}, follow=True)
    assert "Add at least one session before publishing." in response.content.decode()
    workshop.refresh_from_db()
    assert workshop.status == WorkshopStatus.DRAFT


def _sessions(*rows) -> dict[str, str]:
    """The management form and rows of the new-workshop form's sessions."""
    data = {
        "sessions-TOTAL_FORMS": str(max(len(rows), 1)),
        "sessions-INITIAL_FORMS": "0",
        "sessions-MIN_NUM_FORMS": "1",
        "sessions-MAX_NUM_FORMS": "10",
    }
    for index, (day, starts, ends) in enumerate(rows):
        data[f"sessions-{index}-day"] = day.isoformat()
        data[f"sessions-{index}-starts"] = starts
        data[f"sessions-{index}-ends"] = ends
    return data


def test_create_form_bad_input(client_of, staff_user):
    response = client_of(staff_user).post(
        "/workshops/new/",
        {
            "title": "Hybrid",
            "format": "half_day",
            "mode": "hybrid",
            "audience": "members",
            "language": "fr",
            "base": BaseFactory().pk,
            "onsite_seats": "3",
            **_sessions((dt.date.today() + dt.timedelta(days=20), "09:00", "12:30")),
        },
    )
    assert response.status_code == 400
    assert "A hybrid workshop needs both" in response.content.decode()
    assert not Workshop.objects.exists()


def test_host_edits_but_cannot_cancel_published(client_of, manager_a, member_a):
    workshop = WorkshopFactory(base=BaseFactory(), hosts=[manager_a])
    client = client_of(manager_a)
    assert client.get(f"/workshops/{workshop.pk}/edit/").status_code == 200
    assert client.post(f"/workshops/{workshop.pk}/status/", {"action": "cancel"}).status_code == 403
    workshop.refresh_from_db()
    assert workshop.status == WorkshopStatus.PUBLISHED
    assert client_of(member_a).get(f"/workshops/{workshop.pk}/edit/").status_code == 403


def test_plan_from_case_page(client_of, staff_user, member_a):
    case = CaseFactory(brought_by=member_a, status=CaseStatus.MATCHED, base=BaseFactory())
    client = client_of(staff_user)
    case_page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="case-plan-workshop"' in case_page
    response = client.post(
        f"/workshops/from-case/{case.pk}/", {"format": "one_day", "onsite_seats": "2"}
    )
    assert response.status_code == 302
    workshop = Workshop.objects.get()
    assert (workshop.origin_case, workshop.onsite_seats, workshop.format) == (case, 2, "one_day")
    # A second click: the case is planned now, so a clear message and no second workshop.
    response = client.post(f"/workshops/from-case/{case.pk}/", {"format": "one_day"})
    assert response.status_code == 400
    assert "Only a matched case can be planned" in response.content.decode()
    assert Workshop.objects.count() == 1


def test_a_visitor_on_a_members_only_workshop_is_sent_to_sign_in_and_back(client, member_a):
    """Members-only workshops are listed as such: a visitor is asked to sign in, then
    comes back to the page; drafts and unknown ids stay 404 (their existence is secret)."""
    listed = WorkshopFactory(audience=Audience.MEMBERS, title="Members evening")
    draft = WorkshopFactory(audience=Audience.MEMBERS, status=WorkshopStatus.DRAFT)
    response = client.get(listed.get_absolute_url())
    assert response.status_code == 302
    login, _, next_url = response["Location"].partition("?next=")
    assert login == reverse("account_login")
    assert next_url.replace("%2F", "/") == listed.get_absolute_url()
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(reverse("workshops:workshop_detail", args=[999999])).status_code == 404

    client.force_login(member_a.user)
    page = client.get(next_url.replace("%2F", "/"))
    assert page.status_code == 200 and "Members evening" in page.text
