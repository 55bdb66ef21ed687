"""axe on the pages of issue 13's organiser work, at 1280 and 390 px, in both languages:
the invitation answer page and the home page's invitations, the new-workshop form with
its sessions and people search, duplicating, writing to participants, "who's going",
the mailing page with its framed preview, and the phone menu, filters and month list."""

import datetime as dt

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from compagnon.cases.models import CaseInvitation
from compagnon.cases.tests.factories import CaseFactory
from compagnon.members.models import Tag
from compagnon.members.tests.factories import (
    BaseFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
)
from compagnon.newsletter.tests.factories import MailingFactory
from compagnon.workshops.tests.factories import RegistrationFactory, WorkshopFactory
from e2e.accounts import PASSWORD
from e2e.axe import AXE, violations


@pytest.fixture
def world(transactional_db):
    alpha = OrganisationFactory(name="Alpha Retail", email_domains="alpha.example")
    staff = UserFactory(
        email="animateur@club.example", is_staff=True, is_superuser=True, password=PASSWORD
    )
    EmailAddress.objects.create(user=staff, email=staff.email, verified=True, primary=True)
    me = PersonFactory(user=staff, email=staff.email, organisation=alpha, first_name="Sam")
    case = CaseFactory(
        opened=True,
        title="Forecasts broke",
        description="**Question**: what changed?\n\n- six years of data\n- 300 hotels",
    )
    invitation = CaseInvitation.objects.create(
        case=case, person=me, expires_at=timezone.now() + dt.timedelta(days=7)
    )
    base = BaseFactory(name="Paris", city="Paris")
    start = timezone.now() + dt.timedelta(days=6)
    workshop = WorkshopFactory(
        title="Causal inference on a real case",
        base=base,
        hosts=[me],
        tags=[Tag.objects.get(slug="causality")],
        sessions=[(start, start + dt.timedelta(hours=3))],
    )
    registration = RegistrationFactory(workshop=workshop, person=me)
    registration.shown_in_attendees = True
    registration.save()
    mailing = MailingFactory(body="Hello **all**,\n\n## News\n\n- [Calendar](/workshops/)")
    return {"invitation": invitation, "workshop": workshop, "mailing": mailing}


@pytest.mark.skipif(not AXE.exists(), reason="axe-core missing: run npm ci")
@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("language", ["fr-FR", "en-GB"])
def test_organiser_pages_pass_axe(browser, live_server, world, language, width):
    context = browser.new_context(
        base_url=live_server.url,
        locale=language,
        bypass_csp=True,
        viewport={"width": width, "height": 900},
        timezone_id="America/New_York",
    )
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("input[name=login]", "animateur@club.example")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    pk = world["workshop"].pk
    pages = [
        "/",
        f"/invitations/{world['invitation'].pk}/answer/",
        "/workshops/new/",
        f"/workshops/{pk}/",
        f"/workshops/{pk}/edit/",
        f"/workshops/{pk}/duplicate/",
        f"/workshops/{pk}/message/",
        f"/workshops/{pk}/sessions/",
        "/workshops/",
        "/workshops/month/",
        "/directory/",
        f"/newsletter/mailings/{world['mailing'].pk}/",
    ]
    problems = {}
    for url in pages:
        page.goto(url)
        found = violations(page)
        if found:
            problems[url] = found
    # The people search, with its results shown.
    page.goto("/workshops/new/")
    page.fill("#id_hosts", "sam")
    page.wait_for_selector("[data-testid=picker-option]")
    if found := violations(page):
        problems["/workshops/new/ (search results)"] = found
    if width < 768:
        # The menu button opens the header's links and says so.
        page.goto("/")
        toggle = page.locator("[data-menu-toggle]")
        assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
        assert not page.locator("#site-menu").is_visible()
        toggle.click()
        assert toggle.get_attribute("aria-expanded") == "true"
        assert page.locator("#site-menu").is_visible()
        if found := violations(page):
            problems["/ (menu open)"] = found
        page.keyboard.press("Escape")
        assert toggle.get_attribute("aria-expanded") == "false"
        # Directory filters wait behind « Filtrer »; the month is a list.
        page.goto("/directory/")
        assert not page.locator("#id_tag").is_visible()
        page.goto("/workshops/month/")
        assert page.locator("[data-testid=month-list]").is_visible()
        assert not page.locator("[data-testid=month-grid]").is_visible()
    else:
        page.goto("/directory/")
        assert page.locator("#id_tag").is_visible()
        assert not page.locator("[data-menu-toggle]").is_visible()
    assert problems == {}
    context.close()
