"""Visitors register for public workshops by email confirmation (double opt-in, no account).

Every refusal shows the message a person reads and that nothing was half-written
(no request, no person, no registration, no email).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import signing
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from compagnon.core.models import OutboundEmail
from compagnon.members.models import MembershipType, Person
from compagnon.workshops import visitors
from compagnon.workshops.models import (
    Audience,
    Registration,
    RegistrationStatus,
    VisitorRequest,
    WorkshopStatus,
)
from compagnon.workshops.registration import RegistrationError
from compagnon.workshops.tests.factories import WorkshopFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    # The form counts posts per address in the cache; locmem outlives a test.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def public(db):
    return WorkshopFactory(title="Open evening", audience=Audience.PUBLIC, onsite_seats=2)


def _counts():
    return (
        VisitorRequest.objects.count(),
        Person.objects.count(),
        Registration.objects.count(),
        OutboundEmail.objects.count(),
    )


def _post_form(client, workshop, **data):
    payload = {"name": "Vera Visitor", "email": "vera@example.net", **data}
    return client.post(reverse("workshops:visitor_register", args=[workshop.pk]), payload)


def _link(email: OutboundEmail, name: str) -> str:
    match = re.search(r"https?://\S+(/workshops/visit/" + name + r"/[^\s]+/)", email.body_text)
    assert match, email.body_text
    return match.group(1)


def _submit_and_confirm(client, committed, workshop, email="vera@example.net", name="Vera V"):
    request = visitors.visitor_request_submit(workshop=workshop, name=name, email=email)
    return committed(visitors.visitor_request_confirm, visitor_request=request).registration


# --- the form ---------------------------------------------------------------------------------


def test_the_workshop_page_offers_visitors_the_form(client, public):
    page = client.get(public.get_absolute_url()).content.decode()
    assert 'data-testid="visitor-form"' in page
    assert 'name="website_url"' in page  # the honeypot
    members = WorkshopFactory()
    page = client.get(members.get_absolute_url())
    assert b"visitor-form" not in page.content


def test_the_form_page_is_for_public_workshops_only(client, public):
    assert client.get(reverse("workshops:visitor_register", args=[public.pk])).status_code == 200
    members = WorkshopFactory()
    response = client.get(reverse("workshops:visitor_register", args=[members.pk]))
    assert response.status_code == 404


def test_sending_the_form_writes_a_pending_request_and_emails_a_link(
    client, public, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_form(client, public, organisation_name="Freelance")
    assert response.status_code == 302
    assert response["Location"] == reverse("workshops:visitor_sent", args=[public.pk])
    request = VisitorRequest.objects.get()
    assert (request.email, request.organisation_name, request.confirmed_at) == (
        "vera@example.net",
        "Freelance",
        None,
    )
    assert not Registration.objects.exists()  # no seat until the visitor confirms
    assert not Person.objects.filter(email="vera@example.net").exists()
    email = OutboundEmail.objects.get()
    assert email.to == ["vera@example.net"]
    assert "Open evening" in email.subject
    assert "/workshops/visit/confirm/" in email.body_text
    page = client.get(response["Location"]).content.decode()
    assert "Check your email" in page


def test_the_answer_is_the_same_for_every_address(client, public, member_a):
    known = _post_form(client, public, email=member_a.email)
    unknown = _post_form(client, public, email="nobody@example.net")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]


def test_the_confirm_page_get_only_shows_a_button(client, public):
    request = visitors.visitor_request_submit(workshop=public, name="Vera", email="v@example.net")
    url = reverse("workshops:visitor_confirm", args=[visitors.confirm_token(request)])
    before = _counts()
    page = client.get(url)
    assert page.status_code == 200
    assert b'data-testid="visitor-confirm"' in page.content
    assert _counts() == before  # a mail scanner following the link decides nothing


def test_confirming_takes_a_seat_for_a_new_guest_and_emails_the_ics_and_a_cancel_link(
    client, public, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _post_form(client, public, name="Vera Visitor")
    confirm = _link(OutboundEmail.objects.get(), "confirm")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(confirm)
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.status == RegistrationStatus.CONFIRMED
    person = registration.person
    assert (person.first_name, person.last_name, person.user) == ("Vera", "Visitor", None)
    assert person.membership_type == MembershipType.GUEST
    assert VisitorRequest.objects.get().registration == registration
    email = OutboundEmail.objects.exclude(key__startswith="workshop-visitor-confirm").get()
    assert email.attachments[0]["filename"] == f"workshop-{public.pk}.ics"
    manage = _link(email, "registration")
    assert response["Location"] == manage
    page = client.get(manage).content.decode()
    assert "your seat is confirmed" in page
    # Single use: the link again leads to the same registration, and makes nothing new.
    again = client.post(confirm)
    assert again["Location"] == manage
    assert client.get(confirm)["Location"] == manage
    assert Registration.objects.count() == 1


def test_a_visitor_already_registered_gets_the_same_registration_back(committed, client, public):
    first = _submit_and_confirm(client, committed, public)
    second = _submit_and_confirm(client, committed, public)
    assert first.pk == second.pk
    assert Person.objects.filter(email__iexact="vera@example.net").count() == 1


def test_an_existing_profile_of_that_address_is_registered_not_duplicated(
    committed, client, public, member_a
):
    registration = _submit_and_confirm(client, committed, public, email=member_a.email.upper())
    assert registration.person == member_a
    assert registration.organisation == member_a.organisation


def test_a_full_workshop_puts_the_visitor_on_the_waiting_list_and_a_cancel_passes_the_seat(
    client, committed, public, django_capture_on_commit_callbacks
):
    first = _submit_and_confirm(client, committed, public, email="a@example.net")
    _submit_and_confirm(client, committed, public, email="b@example.net")
    waiting = _submit_and_confirm(client, committed, public, email="c@example.net")
    assert waiting.status == RegistrationStatus.WAITING
    waiting_email = OutboundEmail.objects.filter(to=["c@example.net"]).exclude(
        key__startswith="workshop-visitor-confirm"
    )
    assert "/workshops/visit/registration/" in waiting_email.get().body_text
    # The first visitor cancels from the signed link in their email: no account needed.
    manage = reverse("workshops:visitor_registration", args=[visitors.visitor_manage_token(first)])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(manage, {"action": "cancel"})
    assert response.status_code == 302
    first.refresh_from_db()
    waiting.refresh_from_db()
    assert first.status == RegistrationStatus.CANCELLED
    assert waiting.status == RegistrationStatus.OFFERED
    offer = OutboundEmail.objects.filter(to=["c@example.net"], key__startswith="workshop-offer:")
    take = _link(offer.get(), "registration")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(take, {"action": "take"})
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED


# --- refusals: the message, and nothing half-written --------------------------------------------


def test_members_only_workshops_never_take_visitors_even_through_the_service(client, public):
    members = WorkshopFactory(audience=Audience.MEMBERS)
    before = _counts()
    with pytest.raises(RegistrationError) as error:
        visitors.visitor_request_submit(workshop=members, name="Vera", email="v@example.net")
    assert "visitors cannot register" in error.value.message
    assert _counts() == before
    # A workshop that became members-only after the form was sent refuses the link too.
    request = visitors.visitor_request_submit(workshop=public, name="Vera", email="v@example.net")
    public.audience = Audience.MEMBERS
    public.save()
    before = _counts()
    response = client.post(
        reverse("workshops:visitor_confirm", args=[visitors.confirm_token(request)])
    )
    assert response.status_code == 400
    assert "visitors cannot register" in response.content.decode()
    assert _counts() == before


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"status": WorkshopStatus.CLOSED}, "Registration for this workshop is closed."),
        ({"status": WorkshopStatus.CANCELLED}, "This workshop was cancelled."),
    ],
)
def test_a_closed_or_cancelled_workshop_refuses_the_form(client, public, fields, message):
    for name, value in fields.items():
        setattr(public, name, value)
    public.save()
    before = _counts()
    response = _post_form(client, public)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _counts() == before


def test_the_terms_must_be_accepted(client, public):
    public.terms = "What is said here stays here."
    public.save()
    before = _counts()
    response = _post_form(client, public)
    assert response.status_code == 400
    assert "Please accept the confidentiality terms to register." in response.content.decode()
    assert _counts() == before
    assert _post_form(client, public, accept_terms="on").status_code == 302


def test_an_invalid_form_shows_its_errors(client, public):
    before = _counts()
    response = _post_form(client, public, name="", email="not-an-address")
    assert response.status_code == 400
    page = response.content.decode()
    assert "This field is required." in page
    assert "Enter a valid email address." in page
    assert _counts() == before


def test_the_honeypot_answers_as_usual_and_writes_nothing(client, public):
    before = _counts()
    response = _post_form(client, public, website_url="https://spam.example")
    assert response["Location"] == reverse("workshops:visitor_sent", args=[public.pk])
    assert _counts() == before


def test_the_form_is_rate_limited_per_address(client, public, settings):
    settings.DESK_PUBLIC_POST_RATE_LIMIT = 2
    for number in range(2):
        assert _post_form(client, public, email=f"v{number}@example.net").status_code == 302
    before = _counts()
    response = _post_form(client, public, email="v3@example.net")
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert _counts() == before


def test_an_expired_or_forged_link_says_so(client, public, settings):
    request = visitors.visitor_request_submit(workshop=public, name="Vera", email="v@example.net")
    token = visitors.confirm_token(request)
    before = _counts()
    forged = client.post(reverse("workshops:visitor_confirm", args=[token[:-2] + "xx"]))
    assert forged.status_code == 400
    assert "This link is not valid" in forged.content.decode()
    settings.WORKSHOP_VISITOR_LINK_HOURS = 0
    expired = client.post(reverse("workshops:visitor_confirm", args=[token]))
    assert expired.status_code == 400
    assert "This link has expired" in expired.content.decode()
    assert _counts() == before
    # A confirmation token is no registration token (salts differ).
    other = signing.Signer(salt=visitors.CONFIRM_SALT).sign_object({"r": 1, "p": 1})
    response = client.get(reverse("workshops:visitor_registration", args=[other]))
    assert response.status_code == 400


def test_an_excluded_organisation_refuses_visitors_at_its_domains(client, public, org_a):
    public.excluded_organisations.add(org_a)
    before = _counts()
    response = _post_form(client, public, email="someone@alpha.example")
    assert response.status_code == 400
    assert "People from your organisation cannot register" in response.content.decode()
    assert _counts() == before


def test_the_per_organisation_cap_counts_visitors_at_its_domains(committed, client, public, org_a):
    public.per_organisation_cap = 1
    public.onsite_seats = 10
    public.save()
    first = _submit_and_confirm(client, committed, public, email="one@alpha.example")
    assert first.organisation == org_a
    assert first.person.organisation is None  # counted in, not made a member of, org_a
    request = visitors.visitor_request_submit(
        workshop=public, name="Two", email="two@alpha.example"
    )
    before = _counts()
    response = client.post(
        reverse("workshops:visitor_confirm", args=[visitors.confirm_token(request)])
    )
    assert response.status_code == 400
    assert "Your organisation already has 1 places" in response.content.decode()
    assert _counts() == before  # no guest person left behind either


def test_cancelling_after_the_start_is_refused_with_the_reason(client, committed, public):
    registration = _submit_and_confirm(client, committed, public)
    start = timezone.now() - dt.timedelta(hours=1)
    public.starts_at = start
    public.save()
    manage = reverse(
        "workshops:visitor_registration", args=[visitors.visitor_manage_token(registration)]
    )
    response = client.post(manage, {"action": "cancel"})
    assert response.status_code == 400
    assert "already started" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


def test_the_visitor_request_is_in_the_export_and_goes_at_erasure(client, committed, public):
    from compagnon.accounts.privacy import _sections, person_erase

    registration = _submit_and_confirm(client, committed, public)
    person = registration.person
    exported = _sections(person, None)
    assert exported["workshop_visitor_requests"][0]["email"] == "vera@example.net"
    person_erase(person=person, actor=None)
    assert not VisitorRequest.objects.exists()


def test_the_sweep_forgets_requests_nobody_confirmed(client, committed, public):
    from compagnon.workshops.tasks import workshops_tick_run

    confirmed = _submit_and_confirm(client, committed, public, email="kept@example.net")
    old = visitors.visitor_request_submit(workshop=public, name="Old", email="old@example.net")
    VisitorRequest.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=visitors.link_hours() + 1)
    )
    VisitorRequest.objects.exclude(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=visitors.link_hours() + 1)
    )
    fresh = visitors.visitor_request_submit(workshop=public, name="New", email="new@example.net")
    assert workshops_tick_run()["visitor_requests_purged"] == 1
    left = set(VisitorRequest.objects.values_list("email", flat=True))
    assert left == {"kept@example.net", fresh.email}
    assert Registration.objects.filter(pk=confirmed.pk).exists()
