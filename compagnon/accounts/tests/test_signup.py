"""Closed sign-up: invitations, member organisations' domains, claiming an imported profile."""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from compagnon.accounts.models import User
from compagnon.accounts.tests.helpers import PASSWORD, link_in
from compagnon.core.models import OutboundEmail
from compagnon.members.models import MembershipStatus, MembershipType, Person
from compagnon.members.tests.factories import OrganisationFactory, PersonFactory

REFUSED = "Sign-up is for members."


def sign_up(client, email, **extra):
    data = {"email": email, "password1": PASSWORD, "password2": PASSWORD, **extra}
    return client.post(reverse("account_signup"), data)


@pytest.mark.django_db
def test_signup_page_explains_who_may_join(client):
    response = client.get(reverse("account_signup"))

    assert response.status_code == 200
    assert REFUSED in response.text
    assert '<link rel="stylesheet"' in response.text  # the site's layout, not allauth's bare one
    assert 'for="id_email"' in response.text


@pytest.mark.django_db
def test_unknown_domain_is_refused(client, org_a):
    response = sign_up(client, "someone@gmail.example")

    assert response.status_code == 200
    assert REFUSED in response.text
    assert 'role="alert"' in response.text
    assert not User.objects.exists()
    assert not OutboundEmail.objects.exists()


@pytest.mark.django_db
def test_lapsed_organisation_domain_is_refused(client):
    OrganisationFactory(email_domains="gone.example", status=MembershipStatus.LAPSED)

    response = sign_up(client, "ex@gone.example")

    assert REFUSED in response.text
    assert not User.objects.exists()


@pytest.mark.django_db
def test_active_organisation_domain_creates_account_person_and_verification_email(client, org_a):
    response = sign_up(client, "Jane.Doe@Alpha.example")

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get()
    assert user.email == "jane.doe@alpha.example"
    person = Person.objects.get(user=user)
    assert person.organisation == org_a
    assert person.membership_type == MembershipType.EMPLOYEE
    assert (person.first_name, person.last_name) == ("Jane", "Doe")
    email = OutboundEmail.objects.get()
    assert email.to == ["jane.doe@alpha.example"]
    assert "/accounts/confirm-email/" in email.body_text
    assert email.sent_at is None  # left for the worker, after commit


@pytest.mark.django_db
def test_second_domain_of_an_organisation_is_accepted(client):
    org = OrganisationFactory(email_domains="gamma.example, @Gamma-Group.example")

    sign_up(client, "lea@gamma-group.example")

    assert Person.objects.get(email="lea@gamma-group.example").organisation == org


@pytest.mark.django_db
def test_domain_must_match_exactly(client, org_a):
    sign_up(client, "eve@evil-alpha.example")
    sign_up(client, "eve@alpha.example.evil")

    assert not User.objects.exists()


@pytest.mark.django_db
def test_invited_address_may_sign_up_outside_member_domains(client, staff_user):
    from compagnon.accounts.services import invitation_create

    person = PersonFactory(email="Researcher@Univ.example", organisation=None)
    invitation_create(person=person, invited_by=staff_user)

    response = sign_up(client, "researcher@univ.example")

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.user.email == "researcher@univ.example"
    # The invitation link must not create a second account.
    assert person.invitations.get().revoked_at is not None


@pytest.mark.django_db
def test_open_signup_setting_lets_anyone_in(client, settings):
    settings.SIGNUP_OPEN = True

    response = sign_up(client, "anyone@gmail.example")

    assert response.status_code == 302
    person = Person.objects.get(user__email="anyone@gmail.example")
    assert person.organisation is None
    assert person.membership_type == MembershipType.GUEST


@pytest.mark.django_db
def test_imported_person_claims_their_profile(client, org_a):
    imported = PersonFactory(
        email="Claire.Martin@alpha.example",
        first_name="Claire",
        last_name="Martin",
        organisation=org_a,
    )

    sign_up(client, "claire.martin@alpha.example")

    assert Person.objects.count() == 1
    imported.refresh_from_db()
    assert imported.user.email == "claire.martin@alpha.example"
    assert imported.first_name == "Claire"
    assert imported.user.full_name == "Claire Martin"


@pytest.mark.django_db
def test_verification_link_confirms_and_signs_in(client, org_a):
    sign_up(client, "jane@alpha.example")
    link = link_in(OutboundEmail.objects.get().body_text, r"/accounts/confirm-email/")

    page = client.get(link)
    assert page.status_code == 200
    response = client.post(link)

    assert response.status_code == 302
    assert response["Location"] == reverse("members:profile_edit")
    assert EmailAddress.objects.get(email="jane@alpha.example").verified
    assert client.get(reverse("site:home")).wsgi_request.user.email == "jane@alpha.example"


@pytest.mark.django_db
def test_unverified_account_cannot_sign_in(client, org_a):
    sign_up(client, "jane@alpha.example")
    client.logout()

    response = client.post(
        reverse("account_login"), {"login": "jane@alpha.example", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert not client.get(reverse("site:home")).wsgi_request.user.is_authenticated
    # allauth's cooldown: no second verification email within minutes of the first.
    assert OutboundEmail.objects.count() == 1


@pytest.mark.django_db
def test_existing_address_does_not_reveal_the_account(client, member_a):
    response = sign_up(client, "ada@alpha.example")

    assert response.status_code == 302
    assert User.objects.count() == 1
    email = OutboundEmail.objects.get()
    assert "already" in email.body_text
    assert link_in(email.body_text, reverse("account_reset_password"))
