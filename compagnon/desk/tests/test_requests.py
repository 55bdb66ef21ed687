"""Staff handle membership requests: accepting creates the organisation and invites its manager."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from compagnon.accounts.models import Invitation
from compagnon.core.models import OutboundEmail
from compagnon.desk.models import MembershipRequest, RequestStatus
from compagnon.desk.services import membership_request_accept
from compagnon.members.models import MembershipType, Organisation, Person, RoleFamily
from compagnon.members.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _request(**fields) -> MembershipRequest:
    fields.setdefault("kind", "organisation")
    fields.setdefault("organisation_name", "Delta Analytics")
    fields.setdefault("organisation_size", "11-50")
    fields.setdefault("contact_name", "Dora Delta")
    fields.setdefault("contact_email", "dora@delta.example")
    fields.setdefault("needs", "Forecasting.")
    return MembershipRequest.objects.create(**fields)


def test_accepting_creates_the_organisation_and_invites_its_manager(client_of, staff_user):
    request = _request()
    client = client_of(staff_user)
    page = client.get(reverse("desk:request_detail", args=[request.pk])).content.decode()
    assert 'value="delta.example"' in page  # the domain guessed from the address
    response = client.post(
        reverse("desk:request_detail", args=[request.pk]),
        {
            "action": "accept",
            "organisation_name": "Delta Analytics",
            "organisation_kind": "startup",
            "email_domains": "delta.example",
        },
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(name="Delta Analytics")
    assert organisation.is_active_member and organisation.kind == "startup"
    assert organisation.domain_list == ["delta.example"]
    manager = Person.objects.get(email="dora@delta.example")
    assert manager.organisation == organisation and manager.is_org_manager
    assert (manager.first_name, manager.last_name) == ("Dora", "Delta")
    invitation = Invitation.objects.get(person=manager)
    assert invitation.invited_by == staff_user
    assert OutboundEmail.objects.filter(key=f"invitation:{invitation.pk}").exists()
    request.refresh_from_db()
    assert request.status == RequestStatus.ACCEPTED
    assert (request.organisation, request.person, request.handled_by) == (
        organisation,
        manager,
        staff_user,
    )


def test_a_request_is_accepted_once(staff_user):
    request = _request()
    membership_request_accept(request=request, actor=staff_user)
    with pytest.raises(ValidationError, match="already handled"):
        membership_request_accept(request=request, actor=staff_user)
    assert Organisation.objects.count() == 1
    assert Invitation.objects.count() == 1


def test_webmail_is_never_an_organisation_domain(staff_user):
    request = _request(contact_email="dora@gmail.com")
    handled, _invitation = membership_request_accept(request=request, actor=staff_user)
    assert handled.organisation.email_domains == ""


def test_an_organisation_already_in_the_club_is_refused_and_nothing_is_written(
    client_of, staff_user
):
    OrganisationFactory(name="Delta Analytics")
    request = _request()
    response = client_of(staff_user).post(
        reverse("desk:request_detail", args=[request.pk]),
        {"action": "accept", "organisation_name": "Delta Analytics", "email_domains": ""},
    )
    assert response.status_code == 400
    assert "is already in the club" in response.content.decode()
    assert not Person.objects.filter(email="dora@delta.example").exists()
    assert Invitation.objects.count() == 0
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING


def test_a_phd_candidate_joins_as_a_researcher(staff_user):
    request = _request(kind="phd", organisation_name="", organisation_size="")
    handled, invitation = membership_request_accept(request=request, actor=staff_user)
    person = handled.person
    assert handled.organisation is None
    assert person.membership_type == MembershipType.RESEARCHER
    assert person.role_family == RoleFamily.PHD_CANDIDATE
    assert invitation is not None and invitation.person == person


def test_declining_keeps_a_note_and_answers_politely(client_of, staff_user):
    request = _request()
    response = client_of(staff_user).post(
        reverse("desk:request_detail", args=[request.pk]), {"action": "decline", "note": "Spam"}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.DECLINED and request.staff_note == "Spam"
    email = OutboundEmail.objects.get(key=f"membership-request:{request.pk}:declined")
    assert "Spam" not in email.body_text
    assert Organisation.objects.count() == 0
