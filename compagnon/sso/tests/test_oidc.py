"""Company sign-in through a real OpenID Connect provider (django-oauth-toolkit, started here).

Each test walks the whole dance: our company-login step → the IdP's discovery and
authorize endpoint (a real HTTP session signs in there) → our callback, which
exchanges the code at the IdP's token endpoint and reads its userinfo.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from compagnon.accounts.models import User
from compagnon.members.models import Person
from compagnon.members.tests.factories import OrganisationFactory, PersonFactory
from compagnon.sso.services import organisation_login_save, organisation_login_set_enabled
from compagnon.sso.tests.oidc_idp import CLIENT_ID, CLIENT_SECRET, PASSWORD, running_idp

CALLBACK = "http://testserver/accounts/oidc/oidc-acme/login/callback/"
IDP_USERS = [
    {"username": "alice", "email": "alice@acme.example", "first_name": "Alice"},
    {"username": "bob", "email": "bob@acme.example"},
    {"username": "carol", "email": "carol@acme.example", "last_name": "unverified"},
    {"username": "mallory", "email": "mallory@beta.example"},
    {"username": "dave", "email": "dave@acme.example"},
]


@pytest.fixture(scope="module")
def idp():
    with running_idp(users=IDP_USERS, redirect_uris=[CALLBACK]) as running:
        yield running


@pytest.fixture
def acme(db, idp):
    organisation = OrganisationFactory(name="Acme", slug="acme", email_domains="acme.example")
    login = organisation_login_save(
        organisation=organisation,
        protocol="openid_connect",
        client_id=CLIENT_ID,
        secret=CLIENT_SECRET,
        server_url=idp.issuer,
    )
    return login


def sign_in_through_idp(client, idp, *, username: str, typed_email: str):
    """Type the address on our login page, sign in at the IdP, come back: our last response."""
    return client.get(through_idp(client, idp, username=username, typed_email=typed_email))


def through_idp(client, idp, *, username: str, typed_email: str) -> str:
    """Our company-login step and the IdP's sign-in: the callback address the IdP sends back."""
    start = client.post(reverse("sso:company_login"), {"email": typed_email})
    assert start.status_code == 200, start.content
    authorize_url = start.context["continue_url"]
    assert authorize_url.startswith(f"{idp.issuer}/authorize/")
    query = parse_qs(urlsplit(authorize_url).query)
    assert query["client_id"] == [CLIENT_ID]
    assert query["login_hint"] == [typed_email]
    assert query["code_challenge_method"] == ["S256"]
    browser = requests.Session()
    login_page = browser.get(f"{idp.url}/login/", timeout=5)
    browser.post(
        f"{idp.url}/login/",
        data={
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": login_page.cookies["idp_csrftoken"],
        },
        headers={"Referer": f"{idp.url}/login/"},
        timeout=5,
    )
    granted = browser.get(authorize_url, allow_redirects=False, timeout=5)
    assert granted.status_code == 302, granted.text
    back = granted.headers["Location"]
    assert back.startswith(CALLBACK)
    parts = urlsplit(back)
    return f"{parts.path}?{parts.query}"


def signed_in_user(client):
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def test_discovery_is_read_from_the_issuer(acme, idp):
    document = requests.get(f"{idp.issuer}/.well-known/openid-configuration", timeout=5).json()
    assert document["issuer"] == idp.issuer
    assert "RS256" in document["id_token_signing_alg_values_supported"]


def test_first_sign_in_creates_the_account_linked_to_the_imported_person(client, acme, idp):
    alice = PersonFactory(email="alice@acme.example", organisation=acme.organisation)
    assert alice.user is None

    response = sign_in_through_idp(client, idp, username="alice", typed_email="alice@acme.example")

    assert response.status_code == 302
    user = signed_in_user(client)
    assert user is not None and user.email == "alice@acme.example"
    alice.refresh_from_db()
    assert alice.user == user
    assert not user.has_usable_password()
    assert EmailAddress.objects.filter(
        user=user, email="alice@acme.example", verified=True
    ).exists()
    assert SocialAccount.objects.get(user=user).provider == "oidc-acme"


def test_a_second_sign_in_opens_the_same_account(client, acme, idp):
    PersonFactory(email="alice@acme.example", organisation=acme.organisation)
    sign_in_through_idp(client, idp, username="alice", typed_email="alice@acme.example")
    first = signed_in_user(client)
    client.logout()

    sign_in_through_idp(client, idp, username="alice", typed_email="alice@acme.example")

    assert signed_in_user(client) == first
    assert User.objects.filter(email="alice@acme.example").count() == 1
    assert SocialAccount.objects.count() == 1


def test_an_existing_account_is_linked_not_duplicated(client, acme, idp):
    bob = PersonFactory(email="bob@acme.example", organisation=acme.organisation, with_account=True)

    sign_in_through_idp(client, idp, username="bob", typed_email="bob@acme.example")

    assert signed_in_user(client) == bob.user
    assert User.objects.filter(email__iexact="bob@acme.example").count() == 1


def test_an_unverified_address_links_nothing(client, acme, idp):
    carol = PersonFactory(email="carol@acme.example", organisation=acme.organisation)

    response = sign_in_through_idp(client, idp, username="carol", typed_email="carol@acme.example")

    assert response.status_code == 403
    assert "did not confirm your email address" in response.content.decode()
    assert signed_in_user(client) is None
    carol.refresh_from_db()
    assert carol.user is None
    assert not SocialAccount.objects.exists()
    assert not User.objects.filter(email="carol@acme.example").exists()


def test_one_organisations_idp_never_signs_in_anothers_address(client, acme, idp):
    beta = OrganisationFactory(name="Beta", slug="beta", email_domains="beta.example")
    mallory = PersonFactory(email="mallory@beta.example", organisation=beta, with_account=True)

    # Acme's IdP asserts (verified!) an address at Beta's domain.
    response = sign_in_through_idp(client, idp, username="mallory", typed_email="x@acme.example")

    assert response.status_code == 403
    assert "vouches only for its own addresses" in response.content.decode()
    assert signed_in_user(client) is None
    assert not SocialAccount.objects.filter(user=mallory.user).exists()


def test_no_imported_profile_no_account(client, acme, idp):
    response = sign_in_through_idp(client, idp, username="dave", typed_email="dave@acme.example")

    assert response.status_code == 403
    assert "no profile for this address" in response.content.decode()
    assert not User.objects.filter(email="dave@acme.example").exists()
    assert not Person.objects.filter(email="dave@acme.example").exists()


def test_a_disabled_login_refuses_even_a_linked_account(client, acme, idp):
    PersonFactory(email="alice@acme.example", organisation=acme.organisation)
    sign_in_through_idp(client, idp, username="alice", typed_email="alice@acme.example")
    client.logout()
    organisation_login_set_enabled(login=acme, is_enabled=False)

    # The typed address no longer leads to the IdP...
    start = client.post(reverse("sso:company_login"), {"email": "alice@acme.example"})
    assert start["Location"].startswith(reverse("account_login"))
    # ...and a sign-in already under way at the IdP is refused when it comes back.
    organisation_login_set_enabled(login=acme, is_enabled=True)
    callback = through_idp(client, idp, username="alice", typed_email="alice@acme.example")
    organisation_login_set_enabled(login=acme, is_enabled=False)
    response = client.get(callback)
    assert response.status_code == 403
    assert signed_in_user(client) is None


def test_an_address_without_company_login_goes_to_the_password_form(client, acme):
    response = client.post(
        reverse("sso:company_login"), {"email": "someone@elsewhere.example"}, follow=True
    )
    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))
    assert "has no company login" in response.content.decode()
    assert 'data-testid="company-login"' in response.content.decode()


def test_a_lookalike_domain_does_not_choose_the_login(client, acme):
    response = client.post(reverse("sso:company_login"), {"email": "eve@notacme.example"})
    assert response["Location"].startswith(reverse("account_login"))


def test_a_bad_address_is_told(client, acme):
    response = client.post(reverse("sso:company_login"), {"email": "not an address"})
    assert response.status_code == 200
    assert "email" in response.content.decode().lower()


def test_an_idp_that_does_not_answer_is_told_not_a_crash(client, db):
    organisation = OrganisationFactory(name="Zed", slug="zed", email_domains="zed.example")
    organisation_login_save(
        organisation=organisation,
        protocol="openid_connect",
        client_id="x",
        secret="y",
        server_url="http://127.0.0.1:9",  # nothing listens on the discard port
    )
    response = client.post(reverse("sso:company_login"), {"email": "z@zed.example"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("account_login")
    assert "is not answering" in response.content.decode()


def test_a_password_account_made_before_the_first_sign_in_is_not_kept_by_its_maker(
    client, acme, idp
):
    """Pre-hijack: someone signs up with Dave's address and a password of theirs (they
    cannot confirm it, so cannot sign in); Dave's company sign-in must not confirm the
    address *and* leave the stranger's password working on Dave's account."""
    PersonFactory(email="dave@acme.example", organisation=acme.organisation)
    stranger = client.post(
        reverse("account_signup"),
        {
            "email": "dave@acme.example",
            "password1": "Str4nger-pass!",
            "password2": "Str4nger-pass!",
        },
    )
    assert stranger.status_code == 302
    client.logout()
    made = User.objects.get(email__iexact="dave@acme.example")
    assert made.has_usable_password()

    sign_in_through_idp(client, idp, username="dave", typed_email="dave@acme.example")
    assert signed_in_user(client) == made
    client.logout()

    client.post(
        reverse("account_login"), {"login": "dave@acme.example", "password": "Str4nger-pass!"}
    )
    assert signed_in_user(client) is None
    made.refresh_from_db()
    assert not made.has_usable_password()
