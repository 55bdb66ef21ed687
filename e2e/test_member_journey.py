"""Foundation journey: a person invited by staff joins, fills in a profile, finds a peer, switches language."""

import re

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from compagnon.core.models import OutboundEmail
from compagnon.members.models import Person, Tag
from compagnon.members.tests.factories import (
    OrganisationFactory,
    PersonFactory,
    SkillFactory,
    UserFactory,
)
from e2e.accounts import PASSWORD


@pytest.fixture
def club(transactional_db):
    alpha = OrganisationFactory(name="Alpha Retail", email_domains="alpha.example")
    beta = OrganisationFactory(name="Beta Lab", email_domains="beta.example")
    staff = UserFactory(email="animateur@club.example", is_staff=True, password=PASSWORD)
    EmailAddress.objects.create(user=staff, email=staff.email, verified=True, primary=True)
    PersonFactory(
        user=staff, email=staff.email, organisation=None, membership_type="staff", first_name="Sam"
    )
    newcomer = PersonFactory(
        organisation=alpha, email="lea@alpha.example", first_name="Léa", last_name="Moreau"
    )
    colleague = PersonFactory(
        organisation=beta, email="karim@beta.example", first_name="Karim", last_name="Benali"
    )
    SkillFactory(person=colleague, tag=Tag.objects.get(slug="causality"), level=4, can_teach=True)
    return {"staff": staff, "newcomer": newcomer, "colleague": colleague}


def sign_in(page, email, password):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()


def test_invited_person_joins_and_finds_a_peer(browser, live_server, club):
    # Staff sends the invitation.
    staff_context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    staff_page = staff_context.new_page()
    sign_in(staff_page, "animateur@club.example", PASSWORD)
    staff_page.goto(f"/accounts/invitations/new/{club['newcomer'].pk}/")
    staff_page.locator("main form button[type=submit]").click()
    staff_page.wait_for_load_state()
    staff_context.close()

    # The invitation email carries the link.
    email = OutboundEmail.objects.get(to=["lea@alpha.example"])
    link = re.search(r"https?://[^\s\"<]+/accounts/invite/[^\s\"<]+/", email.body_text).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]

    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/" + path)
    assert "Léa" in page.locator("h1").inner_text()
    page.fill("input[name=password1]", "Un-mot-de-passe-solide-42")
    page.fill("input[name=password2]", "Un-mot-de-passe-solide-42")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/me/$"))

    # Two skills and an interest, through the HTMX pickers.
    skill_form = page.get_by_test_id("skill-add-form")
    # Escape closes the browser's suggestion list (a <datalist>), as a person would, so no
    # popup stands over the form's button.
    skill_form.locator("input[name=tag]").fill("Séries temporelles")
    skill_form.locator("input[name=tag]").press("Escape")
    skill_form.locator("select[name=level]").select_option("3")
    skill_form.locator("input[name=can_teach]").check()
    skill_form.get_by_test_id("skill-add-submit").click()
    page.get_by_test_id("skill-row").first.wait_for()
    skill_form = page.get_by_test_id("skill-add-form")
    skill_form.locator("input[name=tag]").fill("NLP")
    skill_form.locator("input[name=tag]").press("Escape")
    skill_form.locator("select[name=level]").select_option("2")
    skill_form.get_by_test_id("skill-add-submit").click()
    page.locator("[data-testid=skill-row][data-tag=nlp]").wait_for()
    page.wait_for_load_state("networkidle")  # nothing left in flight before the next form
    interest_form = page.get_by_test_id("interest-add-form")
    interest_form.locator("input[name=tag]").fill("Causalité")
    interest_form.locator("input[name=tag]").press("Escape")
    interest_form.get_by_test_id("interest-add-submit").click()
    page.locator("[data-testid=interest-row][data-tag=causality]").wait_for()

    newcomer = Person.objects.get(email="lea@alpha.example")
    assert newcomer.user is not None
    assert {s.tag.slug: (s.level, s.can_teach) for s in newcomer.skills.all()} == {
        "time-series": (3, True),
        "nlp": (2, False),
    }
    assert [i.tag.slug for i in newcomer.interests.all()] == ["causality"]

    # A peer from another organisation, found by tag.
    page.goto("/directory/")
    page.locator("#id_tag").select_option("causality")
    page.get_by_test_id("directory-filters").locator("button[type=submit]").click()
    expect(page.get_by_test_id("person-card")).to_have_count(1)
    card = page.locator(f"[data-testid=person-card][data-person='{club['colleague'].pk}']")
    card.get_by_test_id("person-link").click()
    page.wait_for_url(re.compile(rf"/people/{club['colleague'].pk}/$"))
    assert "Beta Lab" in page.locator("main").inner_text()

    # French by default, English one click away, and back.
    nav = page.locator("nav.main-nav")
    assert "Annuaire" in nav.inner_text()
    page.get_by_test_id("lang-en").click()
    page.wait_for_load_state()
    assert "Directory" in page.locator("nav.main-nav").inner_text()
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_test_id("lang-fr").click()
    page.wait_for_load_state()
    assert "Annuaire" in page.locator("nav.main-nav").inner_text()
    assert page.locator("html").get_attribute("lang") == "fr"
    context.close()
