"""Company sign-in in a browser: our login page → the organisation's OpenID Connect provider
(django-oauth-toolkit, started here in its own process) → back, signed in as the imported person."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from compagnon.members.models import Person
from compagnon.members.tests.factories import OrganisationFactory, PersonFactory
from compagnon.sso.services import organisation_login_save
from compagnon.sso.tests.oidc_idp import CLIENT_ID, CLIENT_SECRET, PASSWORD, running_idp
from compagnon.sso.tests.test_saml import _key_and_cert
from e2e.axe import AXE, violations


@pytest.fixture
def idp(live_server):
    callback = f"{live_server.url}/accounts/oidc/oidc-acme/login/callback/"
    users = [{"username": "alice", "email": "alice@acme.example", "first_name": "Alice"}]
    with running_idp(users=users, redirect_uris=[callback]) as running:
        yield running


@pytest.mark.parametrize("locale", ["fr-FR", "en-GB"])
def test_a_member_signs_in_with_their_company_login(
    browser, live_server, transactional_db, settings, idp, locale
):
    settings.SITE_URL = live_server.url
    acme = OrganisationFactory(name="Acme", slug="acme", email_domains="acme.example")
    PersonFactory(email="alice@acme.example", organisation=acme, first_name="Alice")
    organisation_login_save(
        organisation=acme,
        protocol="openid_connect",
        client_id=CLIENT_ID,
        secret=CLIENT_SECRET,
        server_url=idp.issuer,
    )
    context = browser.new_context(base_url=live_server.url, locale=locale)
    page = context.new_page()
    page.set_default_timeout(30_000)

    page.goto("/accounts/login/")
    company = page.get_by_test_id("company-login")
    company.locator("input[name=email]").fill("alice@acme.example")
    company.locator("button[type=submit]").click()

    # At the organisation's IdP.
    expect(page.get_by_role("heading", name="Acme sign-in")).to_be_visible()
    assert page.url.startswith(idp.url)
    page.fill("#id_username", "alice")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in at Acme").click()

    # Back at the club, signed in: the account was made and linked on the way.
    page.wait_for_url(f"{live_server.url}/")
    page.wait_for_load_state()
    alice = Person.objects.select_related("user").get(email="alice@acme.example")
    assert alice.user is not None
    # Signed in: the account's email page (sign-in only) shows the address the IdP verified.
    page.goto("/accounts/email/")
    assert "/login" not in page.url
    expect(page.locator("main")).to_contain_text("alice@acme.example")
    context.close()


def test_an_address_without_company_login_is_sent_to_the_password_form(
    browser, live_server, transactional_db
):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.goto("/accounts/login/")
    company = page.get_by_test_id("company-login")
    company.locator("input[name=email]").fill("someone@elsewhere.example")
    company.locator("button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("has no company login")
    expect(page.locator("input[name=password]")).to_be_visible()
    context.close()


@pytest.mark.skipif(not AXE.exists(), reason="axe-core missing: run npm ci")
@pytest.mark.parametrize("locale", ["fr-FR", "en-GB"])
def test_the_company_login_pages_pass_axe(browser, live_server, transactional_db, locale):
    acme = OrganisationFactory(name="Acme", slug="acme", email_domains="acme.example")
    organisation_login_save(
        organisation=acme,
        protocol="saml",
        entity_id="https://idp.acme.example/saml",
        sso_url="https://idp.acme.example/saml/sso",
        x509cert=_key_and_cert("idp.acme.example")[1],
    )
    context = browser.new_context(base_url=live_server.url, locale=locale, bypass_csp=True)
    page = context.new_page()
    for url in ("/accounts/login/", "/accounts/company-login/"):
        page.goto(url)
        assert violations(page) == [], url
    # The hand-over page, held there (its script would go on to the IdP, unreachable here).
    page.route(
        "**/static/sso/continue.js",
        lambda route: route.fulfill(body="", content_type="application/javascript"),
    )
    page.goto("/accounts/login/")
    page.get_by_test_id("company-login").locator("input[name=email]").fill("x@acme.example")
    page.get_by_test_id("company-login").locator("button[type=submit]").click()
    expect(page.get_by_test_id("sso-continue")).to_be_attached()
    page.wait_for_timeout(300)
    assert page.url.endswith("/accounts/company-login/")
    assert violations(page) == [], "continue"
    context.close()
