"""Joining the club, end to end: a visitor asks to join, staff accept, the manager invites three
colleagues, and one of them, without an account, answers a case invitation from the email, claims
the account and registers for a workshop. The last steps run at a 390 px viewport; axe audits the
new pages on the way.
"""

import re

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from compagnon.accounts.models import Invitation
from compagnon.cases.invitations import case_invitations_send
from compagnon.cases.tests.factories import open_case
from compagnon.core.models import OutboundEmail
from compagnon.members.models import Person
from compagnon.members.tests.factories import OrganisationFactory, PersonFactory, UserFactory
from compagnon.workshops.tests.factories import WorkshopFactory
from e2e.accounts import PASSWORD, account, sign_in
from e2e.axe import AXE, violations

NEW_PASSWORD = "une-phrase-de-passe-du-club-42"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def club(transactional_db):
    staff = UserFactory(email="animateur@club.example", is_staff=True, password=PASSWORD)
    EmailAddress.objects.create(user=staff, email=staff.email, verified=True, primary=True)
    PersonFactory(user=staff, email=staff.email, organisation=None, membership_type="staff")
    alpha = OrganisationFactory(name="Alpha Retail", email_domains="alpha.example")
    owner = account(PersonFactory(organisation=alpha, email="owner@alpha.example"))
    case = open_case(brought_by=owner, organisation=alpha, title="Nos prévisions ont cassé")
    workshop = WorkshopFactory(title="Inférence causale sur un cas réel")
    return {"staff": staff, "case": case, "workshop": workshop}


def _link(email: OutboundEmail, pattern: str) -> str:
    match = re.search(rf"https?://[^/\s]+({pattern}\S*)", email.body_text)
    assert match, email.body_text
    return match.group(1)


def _audit(page, problems: dict) -> None:
    if AXE.exists():
        found = violations(page)
        if found:
            problems[page.url] = found


def test_a_visitor_joins_and_a_colleague_answers_from_the_email(browser, live_server, club):
    problems: dict[str, list[str]] = {}

    # A visitor asks to join, from the home page's call to action.
    visitor_context = browser.new_context(base_url=live_server.url, locale="fr-FR", bypass_csp=True)
    visitor = visitor_context.new_page()
    visitor.goto("/")
    visitor.get_by_test_id("home-join").click()
    _audit(visitor, problems)
    form = visitor.get_by_test_id("join-form")
    visitor.get_by_test_id("kind-organisation").check()
    form.locator("input[name=organisation_name]").fill("Delta Analytique")
    form.locator("select[name=organisation_size]").select_option("51-250")
    form.locator("input[name=contact_name]").fill("Dora Delta")
    form.locator("input[name=contact_email]").fill("dora@delta.example")
    form.locator("textarea[name=needs]").fill("Nos prévisions cassent ; nous enseignons le MLOps.")
    visitor.get_by_test_id("join-submit").click()
    expect(visitor.get_by_test_id("join-done")).to_be_visible()
    visitor.goto("/contact/")
    _audit(visitor, problems)
    visitor_context.close()

    # Staff accept it from the desk.
    staff_context, staff = sign_in(browser, live_server, "animateur@club.example")
    staff.goto("/staff/")
    expect(staff.get_by_test_id("count-requests")).to_have_text("1")
    staff.get_by_test_id("queue-requests").get_by_role(
        "link", name=re.compile("Delta")
    ).first.click()
    staff.get_by_test_id("accept-submit").click()
    expect(staff.get_by_test_id("request-status")).to_contain_text("Accept")
    staff_context.close()

    # The manager creates the account from the invitation email and invites three colleagues.
    manager = Person.objects.get(email="dora@delta.example")
    assert manager.is_org_manager and manager.organisation.name == "Delta Analytique"
    invitation = Invitation.objects.get(person=manager)
    email = OutboundEmail.objects.get(key=f"invitation:{invitation.pk}")
    manager_context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    page = manager_context.new_page()
    page.goto(_link(email, "/accounts/invite/"))
    page.fill("input[name=password1]", NEW_PASSWORD)
    page.fill("input[name=password2]", NEW_PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    page.goto(f"/organisations/{manager.organisation.slug}/manage/")
    page.get_by_test_id("organisation-invite").click()
    page.get_by_test_id("colleagues-form").locator("textarea").fill(
        "Carla Costa <carla@delta.example>\nleo@delta.example\nmia@delta.example"
    )
    page.get_by_test_id("colleagues-submit").click()
    expect(page.get_by_test_id("colleagues-pending").locator("li")).to_have_count(3)
    manager_context.close()

    # Staff invite Carla (no account yet) to a case; she answers from the email on her phone.
    carla = Person.objects.get(email="carla@delta.example")
    assert carla.user_id is None
    (case_invitation,) = case_invitations_send(
        case=club["case"], people=[carla], invited_by=club["staff"]
    )
    email = OutboundEmail.objects.get(key=f"case-invitation:{case_invitation.pk}")
    phone_context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", viewport=PHONE, bypass_csp=True
    )
    phone = phone_context.new_page()
    phone.set_default_timeout(15_000)
    phone.goto(_link(email, "/invitations/reply/"))
    _audit(phone, problems)
    phone.get_by_test_id("reply-interested").click()
    expect(phone.get_by_test_id("current-answer")).to_be_visible()
    _audit(phone, problems)
    phone.get_by_test_id("claim-account").click()
    phone.fill("input[name=password1]", NEW_PASSWORD)
    phone.fill("input[name=password2]", NEW_PASSWORD)
    phone.locator("main form button[type=submit]").first.click()
    phone.wait_for_load_state()
    carla.refresh_from_db()
    assert carla.user is not None

    # The same person registers for a workshop.
    phone.goto(f"/workshops/{club['workshop'].pk}/")
    phone.get_by_test_id("register-button").click()
    expect(phone.get_by_test_id("registration-status")).to_be_visible()
    phone_context.close()

    assert problems == {}
