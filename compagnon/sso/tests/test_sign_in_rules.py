"""The sign-in rules of `sso_user_for_sign_in`, without an IdP in the loop."""

from __future__ import annotations

import pytest

from compagnon.members.tests.factories import OrganisationFactory, PersonFactory
from compagnon.sso.services import (
    Claim,
    SignInRefused,
    organisation_login_save,
    sso_user_for_sign_in,
)


@pytest.fixture
def acme_login(db):
    organisation = OrganisationFactory(name="Acme", slug="acme", email_domains="acme.example")
    return organisation_login_save(
        organisation=organisation,
        protocol="openid_connect",
        client_id="club",
        secret="s",
        server_url="https://idp.acme.example",
    )


@pytest.mark.parametrize("flag", ["is_staff", "is_superuser"])
def test_an_organisations_idp_never_opens_a_staff_account(acme_login, flag):
    """Acme's IdP vouches for acme addresses; it must not hand Acme's IT the club's staff
    powers (every organisation's private data) because a staffer works at Acme."""
    staffer = PersonFactory(
        email="staffer@acme.example", organisation=acme_login.organisation, with_account=True
    )
    setattr(staffer.user, flag, True)
    staffer.user.save()

    with pytest.raises(SignInRefused) as refused:
        sso_user_for_sign_in(
            login=acme_login, claims=[Claim(email="staffer@acme.example", verified=True)]
        )
    assert refused.value.code == "staff"
    with pytest.raises(SignInRefused):
        sso_user_for_sign_in(login=acme_login, claims=[], linked_user=staffer.user)


def test_an_account_with_a_proven_address_keeps_its_password(acme_login):
    from allauth.account.models import EmailAddress

    person = PersonFactory(
        email="erin@acme.example", organisation=acme_login.organisation, with_account=True
    )
    person.user.set_password("Erin-s-own-pass1")
    person.user.save()
    EmailAddress.objects.create(
        user=person.user, email="erin@acme.example", verified=True, primary=True
    )

    user = sso_user_for_sign_in(
        login=acme_login, claims=[Claim(email="erin@acme.example", verified=True)]
    )

    assert user == person.user
    user.refresh_from_db()
    assert user.check_password("Erin-s-own-pass1")
