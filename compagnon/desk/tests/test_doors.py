"""The public doors: « Rejoindre le club » and the contact form."""

from __future__ import annotations

import pytest
from django.urls import reverse

from compagnon.core.models import OutboundEmail
from compagnon.desk.models import ContactMessage, MembershipRequest, RequestStatus

pytestmark = pytest.mark.django_db

ORGANISATION = {
    "kind": "organisation",
    "organisation_name": "Delta Analytics",
    "organisation_size": "11-50",
    "website": "https://delta.example",
    "contact_name": "Dora Delta",
    "contact_email": "Dora@Delta.example",
    "job_title": "Head of data",
    "needs": "Our forecasts broke; we could teach MLOps.",
}


def test_an_organisation_asks_to_join_and_is_acknowledged(client):
    page = client.get(reverse("club:join"))
    assert page.status_code == 200
    response = client.post(reverse("club:join"), ORGANISATION)
    assert response["Location"] == reverse("club:join_done")
    request = MembershipRequest.objects.get()
    assert request.status == RequestStatus.PENDING
    assert request.contact_email == "dora@delta.example"
    assert request.language == "en"
    assert request.ip_hash  # hashed, never the raw address
    email = OutboundEmail.objects.get(key=f"membership-request:{request.pk}:received")
    assert email.to == ["dora@delta.example"]
    assert "Our forecasts broke" in email.body_text


def test_an_individual_needs_no_organisation(client):
    response = client.post(
        reverse("club:join"),
        {
            "kind": "phd",
            "contact_name": "Paul Doc",
            "contact_email": "paul@univ.example",
            "needs": "Causal inference for my thesis.",
            "organisation_name": "Ignored",
        },
    )
    assert response.status_code == 302
    request = MembershipRequest.objects.get()
    assert request.organisation_name == ""


def test_an_organisation_without_name_or_size_is_asked_again_and_nothing_is_kept(client):
    data = {**ORGANISATION, "organisation_name": "", "organisation_size": "", "contact_email": "x"}
    response = client.post(reverse("club:join"), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Give the name of your organisation." in page
    assert "Choose the size of your organisation." in page
    assert "Enter a valid email address." in page
    assert 'value="Dora Delta"' in page  # what was typed is kept
    assert MembershipRequest.objects.count() == 0
    assert OutboundEmail.objects.count() == 0


def test_a_bot_filling_the_honeypot_gets_the_same_answer_and_nothing_is_written(client):
    response = client.post(reverse("club:join"), {**ORGANISATION, "website_url": "spam"})
    assert response["Location"] == reverse("club:join_done")
    assert MembershipRequest.objects.count() == 0
    response = client.post(
        reverse("club:contact"),
        {
            "name": "Bot",
            "email": "bot@x.example",
            "topic": "other",
            "message": "hi",
            "website_url": "x",
        },
    )
    assert response["Location"] == reverse("club:contact_done")
    assert ContactMessage.objects.count() == 0


def test_the_forms_are_rate_limited_per_address(client, settings):
    settings.DESK_PUBLIC_POST_RATE_LIMIT = 2
    for _ in range(2):
        assert client.post(reverse("club:join"), ORGANISATION).status_code == 302
    refused = client.post(reverse("club:join"), ORGANISATION)
    assert refused.status_code == 429
    assert "too many times" in refused.content.decode()
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert MembershipRequest.objects.count() == 2
    # Each form has its own window.
    assert (
        client.post(
            reverse("club:contact"),
            {"name": "Eve", "email": "eve@example.org", "topic": "press", "message": "Hello"},
        ).status_code
        == 302
    )


def test_a_contact_message_lands_in_the_staff_queue(client, client_of, staff_user):
    response = client.post(
        reverse("club:contact"),
        {"name": "Eve", "email": "eve@example.org", "topic": "press", "message": "An interview?"},
    )
    assert response["Location"] == reverse("club:contact_done")
    message = ContactMessage.objects.get()
    desk = client_of(staff_user).get(reverse("desk:queue", args=["contact"])).content.decode()
    assert "An interview?" in desk
    closed = client_of(staff_user).post(reverse("desk:contact_close", args=[message.pk]))
    assert closed.status_code == 302
    message.refresh_from_db()
    assert message.closed_at is not None and message.closed_by == staff_user


def test_a_contact_message_without_text_is_asked_again(client):
    response = client.post(
        reverse("club:contact"), {"name": "Eve", "email": "eve@example.org", "topic": "other"}
    )
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert ContactMessage.objects.count() == 0


def test_the_home_page_and_header_lead_visitors_to_the_doors(client):
    page = client.get(reverse("site:home")).content.decode()
    assert 'data-testid="home-join"' in page
    assert reverse("club:join") in page and reverse("club:contact") in page
    signup = client.get(reverse("account_signup")).content.decode()
    assert reverse("club:join") in signup
