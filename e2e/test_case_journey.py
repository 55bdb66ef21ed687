"""Cases and matching journey: a member files a case, staff opens it and invites, an invitee answers."""

import re

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from compagnon.cases.models import Case, CaseInvitation
from compagnon.members.models import Tag
from compagnon.members.tests.factories import (
    InterestFactory,
    OrganisationFactory,
    PersonFactory,
    SkillFactory,
    UserFactory,
)
from e2e.accounts import PASSWORD, account, sign_in


@pytest.fixture
def club(transactional_db):
    causality = Tag.objects.get(slug="causality")
    forecasting = Tag.objects.get(slug="forecasting")
    alpha = OrganisationFactory(name="Alpha Retail")
    gamma = OrganisationFactory(name="Gamma Retail")  # the competitor
    others = [OrganisationFactory(name=f"Org {n}") for n in range(4)]
    owner = account(
        PersonFactory(organisation=alpha, email="owner@alpha.example", first_name="Olga")
    )
    staff = UserFactory(email="animateur@club.example", is_staff=True, password=PASSWORD)
    EmailAddress.objects.create(user=staff, email=staff.email, verified=True, primary=True)
    PersonFactory(user=staff, email=staff.email, organisation=None, membership_type="staff")
    experts = []
    for n, organisation in enumerate(others * 2):
        person = account(PersonFactory(organisation=organisation, email=f"expert{n}@org.example"))
        SkillFactory(
            person=person, tag=causality if n % 2 else forecasting, level=4, can_teach=True
        )
        experts.append(person)
    for n in range(3):
        rival = account(PersonFactory(organisation=gamma, email=f"rival{n}@gamma.example"))
        SkillFactory(person=rival, tag=causality, level=4, can_teach=True)
        SkillFactory(person=rival, tag=forecasting, level=4, can_teach=True)
    learner = account(PersonFactory(organisation=others[0], email="learner@org.example"))
    InterestFactory(person=learner, tag=causality)
    return {"owner": owner, "staff": staff, "gamma": gamma}


def test_case_from_filing_to_matched(browser, live_server, club):
    # The member files a case with two tags and an excluded competitor.
    owner_context, owner = sign_in(browser, live_server, "owner@alpha.example")
    owner.goto("/cases/new/")
    form = owner.get_by_test_id("case-form")
    form.locator("input[name=title]").fill("Nos prévisions de ventes ont cassé")
    form.locator("textarea[name=description]").fill(
        "Depuis le Covid nos **prévisions** ne tiennent plus. Qui travaille sur la causalité ?"
    )
    form.locator("input[name=tags]").fill("Causalité, Prévision")
    owner.get_by_test_id("excluded-organisations").select_option(label="Gamma Retail")
    form.locator("input[name=interested_needed]").fill("1")
    owner.get_by_test_id("case-submit").click()
    owner.wait_for_url(re.compile(r"/cases/\d+/$"))
    case = Case.objects.get(title="Nos prévisions de ventes ont cassé")
    assert case.status == "submitted"
    assert {t.slug for t in case.tags.all()} == {"causality", "forecasting"}
    assert list(case.excluded_organisations.all()) == [club["gamma"]]

    # Staff opens it, sees ranked people with reasons (nobody from Gamma) and invites five.
    staff_context, staff = sign_in(browser, live_server, "animateur@club.example")
    staff.goto(f"/cases/{case.pk}/")
    staff.get_by_test_id("transition-open").click()
    expect(staff.get_by_test_id("case-status")).to_have_attribute("data-status", "open")
    staff.goto(f"/cases/{case.pk}/match/")
    rows = staff.get_by_test_id("match-person")
    expect(rows.first).to_be_visible()
    assert "Gamma" not in staff.get_by_test_id("match-table").inner_text()
    assert rows.first.locator("td").nth(3).inner_text().strip() != ""  # reasons shown
    boxes = staff.locator("[data-testid=match-person] input[name=people]:not([disabled])")
    for i in range(boxes.count()):
        boxes.nth(i).uncheck()
    for i in range(5):
        boxes.nth(i).check()
    staff.get_by_test_id("invite-submit").click()
    staff.wait_for_load_state()
    invitations = list(CaseInvitation.objects.filter(case=case).select_related("person"))
    assert len(invitations) == 5
    assert all(i.person.organisation_id != club["gamma"].pk for i in invitations)

    # One invitee answers "interested" with a message.
    invitee = invitations[0].person
    invitee_context, page = sign_in(browser, live_server, invitee.email)
    page.goto(f"/cases/{case.pk}/")
    page.get_by_test_id("answer-link").click()
    page.get_by_test_id("answer-interested").check()
    page.get_by_test_id("answer-form").locator("textarea[name=message]").fill(
        "Nous travaillons sur l'inférence causale, avec plaisir."
    )
    page.get_by_test_id("answer-submit").click()
    page.wait_for_load_state()

    # The owner sees the answer; the case is matched.
    owner.goto(f"/cases/{case.pk}/")
    response = owner.locator("[data-testid=response][data-answer=interested]")
    expect(response).to_have_count(1)
    expect(response).to_contain_text("inférence causale")
    expect(owner.get_by_test_id("case-status")).to_have_attribute("data-status", "matched")
    for context in (owner_context, staff_context, invitee_context):
        context.close()
