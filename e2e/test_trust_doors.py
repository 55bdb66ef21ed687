"""The doors' proof of identity, in a browser: linking a chat account, confirming a case sent
by email, planning a workshop from an anonymised case; each page audited by axe in both languages."""

from __future__ import annotations

import re
from email.message import EmailMessage

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from compagnon.cases.models import Case, CaseSource, CaseStatus
from compagnon.core.models import OutboundEmail
from compagnon.members.tests.factories import OrganisationFactory, PersonFactory, UserFactory
from e2e.accounts import PASSWORD, account
from e2e.axe import AXE, violations

TOKEN = "chat-token-e2e-0123456789"
SECRET = "door-secret-e2e-0123456789"


@pytest.fixture
def club(transactional_db, settings, live_server):
    settings.CHAT_COMMAND_TOKEN = TOKEN
    settings.CASES_INBOUND_EMAIL_SECRET = SECRET
    settings.SITE_URL = live_server.url
    alpha = OrganisationFactory(name="Alpha Retail")
    ada = account(PersonFactory(organisation=alpha, email="ada@alpha.example", first_name="Ada"))
    staff = UserFactory(email="animateur@club.example", is_staff=True, password=PASSWORD)
    EmailAddress.objects.create(user=staff, email=staff.email, verified=True, primary=True)
    PersonFactory(user=staff, email=staff.email, organisation=None, membership_type="staff")
    return {"ada": ada}


def sign_in(browser, live_server, email, *, locale):
    """As e2e.accounts.sign_in, with the CSP bypassed so the axe script may be injected."""
    context = browser.new_context(base_url=live_server.url, locale=locale, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    return context, page


def _audit(page, label):
    if AXE.exists():
        assert violations(page) == [], label


@pytest.mark.parametrize("language", ["fr-FR", "en-GB"])
def test_a_member_links_their_chat_account_by_code(browser, live_server, club, language):
    context, page = sign_in(browser, live_server, "ada@alpha.example", locale=language)
    page.goto("/me/")
    page.get_by_test_id("chat-link-page").click()
    expect(page.get_by_test_id("chat-link-none")).to_be_visible()
    _audit(page, "chat link, none")
    page.get_by_test_id("chat-link-start").click()
    code = re.search(r"/case link (\d{6})", page.get_by_test_id("chat-link-code").inner_text())[1]
    _audit(page, "chat link, code")
    # The chat server posts the slash command with the user id of whoever typed it.
    answer = page.request.post(
        "/cases/inbound/chat/",
        form={"token": TOKEN, "text": f"link {code}", "user_id": "U-ada", "user_name": "ada"},
    ).json()["text"]
    assert "/case" in answer
    filed = page.request.post(
        "/cases/inbound/chat/",
        form={"token": TOKEN, "text": "Our forecasts broke.", "user_id": "U-ada"},
    )
    assert filed.ok
    assert Case.objects.get().brought_by == club["ada"]
    page.goto("/cases/chat/")
    expect(page.get_by_test_id("chat-link-linked")).to_contain_text("ada")
    _audit(page, "chat link, linked")
    context.close()


@pytest.mark.parametrize("language", ["fr-FR", "en-GB"])
def test_a_case_by_email_is_filed_once_the_member_confirms(browser, live_server, club, language):
    message = EmailMessage()
    message["From"] = "Ada <ada@alpha.example>"
    message["To"] = "cases@club.example"
    message["Subject"] = "Our forecasts broke"
    message["Message-ID"] = f"<e2e-{language}@alpha.example>"
    message.set_content("Since 2020 our weekly forecasts are off.")
    context = browser.new_context(base_url=live_server.url, locale=language, bypass_csp=True)
    page = context.new_page()
    response = page.request.post(
        f"/cases/inbound/email/{SECRET}/",
        data=message.as_bytes(),
        headers={"Content-Type": "message/rfc822"},
    )
    assert response.json()["status"] == "to_confirm"
    assert not Case.objects.exists()
    body = OutboundEmail.objects.get(to=["ada@alpha.example"]).body_text
    link = re.search(r"https?://\S+/cases/inbound/confirm/\S+/", body)[0]
    page.goto(link)
    expect(page.get_by_test_id("inbound-confirm-draft")).to_contain_text("Our forecasts broke")
    _audit(page, "inbound confirm")
    page.get_by_test_id("inbound-confirm-submit").click()
    page.wait_for_load_state()
    case = Case.objects.get()
    assert (case.source, case.status, case.brought_by) == (
        CaseSource.EMAIL,
        CaseStatus.DRAFT,
        club["ada"],
    )
    context.close()


@pytest.mark.parametrize("language", ["fr-FR", "en-GB"])
def test_planning_from_an_anonymised_case(browser, live_server, club, language):
    case = Case.objects.create(
        title="Alpha's churn doubled",
        description="Subscribers leave after the price change.",
        brought_by=club["ada"],
        organisation=club["ada"].organisation,
        status=CaseStatus.MATCHED,
        confidentiality="anonymised",
    )
    context, page = sign_in(browser, live_server, "animateur@club.example", locale=language)
    page.goto(f"/workshops/from-case/{case.pk}/")
    expect(page.get_by_test_id("plan-confidential")).to_be_visible()
    _audit(page, "plan from an anonymised case")
    page.get_by_test_id("plan-submit").click()
    page.wait_for_load_state()
    workshop = case.workshops.get()
    assert "churn" not in workshop.title.lower()
    assert club["ada"] not in workshop.hosts.all()
    context.close()
