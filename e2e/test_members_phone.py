"""The organisation's own page for its manager, on a 390 px phone: each colleague reads as a
card, with nothing behind a sideways scroll."""

from compagnon.members.tests.factories import OrganisationFactory, PersonFactory
from e2e.accounts import account, sign_in

PHONE = 390


def test_the_people_of_an_organisation_read_as_cards_on_a_phone(browser, live_server, db):
    organisation = OrganisationFactory(name="Delta Analytique")
    manager = account(
        PersonFactory(
            organisation=organisation,
            email="dora@delta.example",
            is_org_manager=True,
            job_title="Responsable des données et de l'intelligence artificielle",
        )
    )
    PersonFactory(organisation=organisation, email="carla.costa-fernandes@delta.example")
    context, page = sign_in(browser, live_server, manager.email)
    page.set_viewport_size({"width": PHONE, "height": 800})
    page.goto(f"/organisations/{organisation.slug}/manage/")
    table = page.get_by_test_id("organisation-people-current")
    frame = table.locator("xpath=..")
    assert frame.evaluate("el => el.scrollWidth <= el.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE
    email = table.locator("td[data-label]").first
    assert email.evaluate("el => getComputedStyle(el).display") == "block"
    assert "Courriel" in email.evaluate("el => getComputedStyle(el, '::before').content") or (
        "mail" in email.evaluate("el => getComputedStyle(el, '::before').content").lower()
    )
    context.close()
