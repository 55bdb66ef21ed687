"""axe-core (from npm) audits the main pages for WCAG 2.1 A and AA problems, in both languages."""

import pytest
from allauth.account.models import EmailAddress

from compagnon.desk.models import MembershipRequest
from compagnon.members.models import Tag
from compagnon.members.tests.factories import (
    InterestFactory,
    OrganisationFactory,
    PersonFactory,
    SkillFactory,
    UserFactory,
)
from compagnon.workshops.models import Audience
from compagnon.workshops.tests.factories import WorkshopFactory
from e2e.accounts import PASSWORD
from e2e.axe import AXE, violations


@pytest.fixture
def world(transactional_db):
    alpha = OrganisationFactory(name="Alpha Retail", email_domains="alpha.example")
    staff = UserFactory(
        email="animateur@club.example", is_staff=True, is_superuser=True, password=PASSWORD
    )
    EmailAddress.objects.create(user=staff, email=staff.email, verified=True, primary=True)
    me = PersonFactory(
        user=staff, email=staff.email, organisation=alpha, first_name="Sam", bio="Anime le club."
    )
    SkillFactory(person=me, tag=Tag.objects.get(slug="causality"), level=4, can_teach=True)
    InterestFactory(person=me, tag=Tag.objects.get(slug="nlp"))
    workshop = WorkshopFactory(
        title="Causal inference on a real case",
        audience=Audience.PUBLIC,
        hosts=[me],
        tags=[Tag.objects.get(slug="causality")],
    )
    request = MembershipRequest.objects.create(
        kind="organisation",
        organisation_name="Delta Analytique",
        organisation_size="11-50",
        contact_name="Dora Delta",
        contact_email="dora@delta.example",
        needs="Des prévisions.",
    )
    return {"alpha": alpha, "me": me, "workshop": workshop, "request": request}


def _visitor_pages(workshop):
    """A visitor's registration by email: the form, "check your email", the link's pages."""
    from compagnon.workshops import visitors

    pending = visitors.visitor_request_submit(
        workshop=workshop, name="Vera Visitor", email="vera@visit.example"
    )
    done = visitors.visitor_request_submit(
        workshop=workshop, name="Max Visitor", email="max@visit.example"
    )
    registration = visitors.visitor_request_confirm(visitor_request=done).registration
    return [
        f"/workshops/{workshop.pk}/visit/",
        f"/workshops/{workshop.pk}/visit/sent/",
        f"/workshops/visit/confirm/{visitors.confirm_token(pending)}/",
        f"/workshops/visit/registration/{visitors.visitor_manage_token(registration)}/",
    ]


@pytest.mark.skipif(not AXE.exists(), reason="axe-core missing: run npm ci")
@pytest.mark.parametrize(("language", "width"), [("fr-FR", 1280), ("en-GB", 390)])
def test_main_pages_pass_axe(browser, live_server, world, language, width):
    """Both languages, one on a desktop and one on a phone, where no page may be wider than
    the screen (a table scrolls inside its own frame)."""
    # Only the audit script is injected, so the page's CSP is bypassed for it alone.
    context = browser.new_context(
        base_url=live_server.url,
        locale=language,
        bypass_csp=True,
        viewport={"width": width, "height": 900},
    )
    page = context.new_page()
    anonymous = [
        "/",
        "/accounts/login/",
        "/accounts/password/reset/",
        "/workshops/",
        f"/workshops/{world['workshop'].pk}/",
        "/challenges/",
        "/knowledge/",
        "/join/",
        "/join/thanks/",
        "/contact/",
        "/contact/thanks/",
        *_visitor_pages(world["workshop"]),
    ]
    for url in anonymous:
        page.goto(url)
        assert violations(page) == [], url
    page.goto("/accounts/login/")
    page.fill("input[name=login]", "animateur@club.example")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    signed_in = [
        "/",
        "/directory/",
        "/directory/?tag=causality&can_teach=on",
        "/organisations/",
        f"/organisations/{world['alpha'].slug}/",
        f"/organisations/{world['alpha'].slug}/manage/",
        f"/people/{world['me'].pk}/",
        "/me/",
        "/accounts/me/erase/",
        "/staff/",
        "/staff/queues/review/",
        "/staff/queues/short/",
        "/staff/queues/claim/",
        "/staff/queues/requests/",
        f"/staff/requests/{world['request'].pk}/",
        "/staff/members/",
        "/staff/import/",
        "/accounts/invitations/bulk/?history=any",
        f"/accounts/organisations/{world['alpha'].slug}/invite/",
        "/accounts/invitations/",
        "/accounts/email/",
        "/accounts/2fa/",
        "/workshops/",
        "/workshops/month/",
        "/workshops/mine/",
        "/workshops/my-calendar/",
        "/workshops/no-shows/",
        f"/workshops/{world['workshop'].pk}/",
        f"/workshops/{world['workshop'].pk}/edit/",
        "/knowledge/?q=causal",
        "/knowledge/notes/",
        "/knowledge/notes/new/",
        "/knowledge/outcomes/",
        "/challenges/",
        "/challenges/new/",
        "/newsletter/mailings/",
        "/engagements/",
    ]
    problems = {}
    for url in signed_in:
        page.goto(url)
        found = violations(page)
        page_width = page.evaluate("document.documentElement.scrollWidth")
        if page_width > width:
            found = [*found, f"{page_width} px wide on a {width} px screen"]
        if found:
            problems[url] = found
    assert problems == {}
    context.close()
