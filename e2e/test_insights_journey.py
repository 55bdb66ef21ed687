"""Insights journeys: a manager opens her dashboard (its figures computed in the background while
the page shows their progress), reads the quotes people agreed to share, filters one year and
downloads the PDF; a member sees her own growth."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from compagnon.members.models import SkillLevelChange, SkillSource, Tag
from compagnon.members.tests.factories import OrganisationFactory, PersonFactory
from e2e.accounts import account, sign_in


@pytest.fixture
def organisation(transactional_db):
    alpha = OrganisationFactory(name="Alpha Retail")
    manager = account(
        PersonFactory(organisation=alpha, email="manon@alpha.example", is_org_manager=True)
    )
    member = account(PersonFactory(organisation=alpha, email="lea@alpha.example", first_name="Léa"))
    forecasting = Tag.objects.get(slug="forecasting")
    start = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
    for level, source, when in (
        (2, SkillSource.INITIAL, start),
        (3, SkillSource.FEEDBACK, start + dt.timedelta(days=200)),
    ):
        SkillLevelChange.objects.create(
            person=member, tag=forecasting, level=level, source=source, changed_at=when
        )
    _feedback(member, "J'ai appris à valider un modèle sur une période décalée.", quotable=True)
    _feedback(
        PersonFactory(organisation=alpha), "Mon manager ne lit jamais ces retours.", quotable=False
    )
    return alpha, manager, member


def _feedback(person, learned, *, quotable):
    from compagnon.members.tests.factories import BaseFactory
    from compagnon.workshops.feedback import feedback_submit
    from compagnon.workshops.models import Attendance
    from compagnon.workshops.tests.factories import RegistrationFactory, WorkshopFactory

    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=3)
    workshop = WorkshopFactory(
        base=BaseFactory(), sessions=[(start, start + dt.timedelta(hours=3))]
    )
    RegistrationFactory(workshop=workshop, person=person, attendance=Attendance.PRESENT)
    feedback_submit(
        workshop=workshop, person=person, rating=5, learned=learned, learned_quotable=quotable
    )


def test_a_manager_filters_a_year_and_downloads_the_report(browser, live_server, organisation):
    alpha, manager, _member = organisation
    context, page = sign_in(browser, live_server, manager.email)
    page.goto(reverse("members:organisation_manage", kwargs={"slug": alpha.slug}))
    page.get_by_test_id("organisation-insights").click()
    expect(page.locator("h1")).to_contain_text("Alpha Retail")
    # No snapshot yet: the page does not compute, it shows the progress and reloads when ready.
    expect(page.get_by_test_id("insights-computed")).to_be_visible(timeout=30_000)
    quotes = page.get_by_test_id("insights-quotes")
    expect(quotes).to_contain_text("période décalée")
    expect(quotes).not_to_contain_text("ne lit jamais")
    page.get_by_label("Année", exact=True).select_option("2025")
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_test_id("insights-participation")).to_contain_text("2025")
    expect(page.get_by_test_id("insights-computed")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_test_id("insights-pdf").click()
    download = download_info.value
    assert download.suggested_filename == f"{alpha.slug}-insights-2025.pdf"
    with open(download.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
    context.close()


def test_a_member_sees_her_own_growth(browser, live_server, organisation):
    _alpha, _manager, member = organisation
    context, page = sign_in(browser, live_server, member.email)
    page.get_by_test_id("nav-my-growth").click()
    history = page.get_by_test_id("insights-my-history")
    expect(history).to_contain_text("Retour « J’ai appris »")  # noqa: RUF001 - the French apostrophe
    expect(history.locator("[data-chart]")).to_have_class(re.compile(r"\bis-drawn\b"))
    context.close()
