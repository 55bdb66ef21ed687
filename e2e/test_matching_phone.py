"""Matching pages on a 390 px phone: nothing a person needs sits off-screen or collapses."""

import pytest
from allauth.account.models import EmailAddress

from compagnon.cases.models import DataSharing
from compagnon.cases.tests.factories import open_case
from compagnon.matching.models import RankingModel
from compagnon.members.models import Tag
from compagnon.members.tests.factories import (
    OrganisationFactory,
    PersonFactory,
    SkillFactory,
    UserFactory,
)
from e2e.accounts import PASSWORD, account, sign_in

PHONE = 390


@pytest.fixture
def club(transactional_db):
    causality = Tag.objects.get(slug="causality")
    owner = account(
        PersonFactory(organisation=OrganisationFactory(name="Alpha"), email="o@a.example")
    )
    staff = UserFactory(email="animateur@club.example", is_staff=True, password=PASSWORD)
    EmailAddress.objects.create(user=staff, email=staff.email, verified=True, primary=True)
    PersonFactory(user=staff, email=staff.email, organisation=None, membership_type="staff")
    for n in range(4):
        expert = PersonFactory(
            organisation=OrganisationFactory(name=f"Organisation {n}"),
            email=f"expert{n}@org.example",
            bio="Inférence causale, tests A/B et prévision de la demande depuis dix ans.",
        )
        SkillFactory(person=expert, tag=causality, level=4, can_teach=True)
    case = open_case(
        brought_by=owner,
        organisation=owner.organisation,
        title="Nos prévisions de ventes ont cassé",
        description="Comment distinguer les ruptures durables des chocs passagers ?",
        data_sharing=DataSharing.UNDER_AGREEMENT,
    )
    case.tags.add(causality)
    return {"case": case, "owner": owner}


def _right(locator) -> float:
    box = locator.bounding_box()
    return box["x"] + box["width"]


def test_each_proposed_person_reads_as_a_card_with_the_reasons_on_screen(
    browser, live_server, club
):
    context, page = sign_in(browser, live_server, "animateur@club.example")
    page.set_viewport_size({"width": PHONE, "height": 800})
    page.goto(f"/cases/{club['case'].pk}/match/")
    row = page.get_by_test_id("match-person").first
    reasons = row.locator("td").nth(3)
    assert reasons.inner_text().strip()
    assert _right(reasons) <= PHONE  # not behind a sideways scroll
    assert reasons.bounding_box()["width"] >= PHONE / 2  # nor squeezed into a strip
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE
    context.close()


def test_the_case_facts_keep_their_values_readable_on_a_phone(browser, live_server, club):
    context, page = sign_in(browser, live_server, "o@a.example")
    page.set_viewport_size({"width": PHONE, "height": 800})
    page.goto(f"/cases/{club['case'].pk}/")
    for value in page.locator(".facts dd").all():
        if value.is_visible():
            assert value.bounding_box()["width"] >= 120, value.inner_text()
    context.close()


def test_the_models_table_shows_figures_and_the_rollback_on_a_phone(browser, live_server, club):
    metrics = {"window_cases": 40, "ndcg_model": 0.71, "ndcg_baseline": 0.64}
    old = RankingModel.objects.create(
        version=1, weights={"tags": 1.0}, metrics=metrics, cases=80, learned=True
    )
    RankingModel.objects.create(
        version=2, weights={"tags": 1.0}, metrics=metrics, cases=90, learned=True, is_active=True
    )
    context, page = sign_in(browser, live_server, "animateur@club.example", locale="en-GB")
    page.set_viewport_size({"width": PHONE, "height": 800})
    page.goto("/staff/matching/quality/")
    button = page.locator(f"form[action$='/{old.pk}/activate/'] button")
    assert _right(button) <= PHONE
    figure = page.get_by_test_id("quality-models").locator("tbody tr").last.locator("td").nth(3)
    assert figure.inner_text().strip() == "0.71"
    assert _right(figure) <= PHONE
    context.close()
