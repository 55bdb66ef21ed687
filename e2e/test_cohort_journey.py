"""Cohort journey (the internal MOOC): a manager launches a cohort of a programme for their
organisation, a colleague joins by the shared link and reads the first lesson, and the
manager's funnel shows them started; a bad end date is refused first, with nothing made."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from compagnon.learning.models import Cohort
from compagnon.learning.tests.factories import LessonFactory, ModuleFactory, ProgrammeFactory
from compagnon.members.tests.factories import OrganisationFactory, PersonFactory
from e2e.accounts import account, sign_in


@pytest.fixture
def club(transactional_db):
    alpha = OrganisationFactory(name="Alpha Retail", email_domains="alpha.example")
    account(
        PersonFactory(
            organisation=alpha,
            email="maya@alpha.example",
            first_name="Maya",
            is_org_manager=True,
        )
    )
    account(PersonFactory(organisation=alpha, email="theo@alpha.example", first_name="Théo"))
    programme = ProgrammeFactory(
        title_fr="La donnée en dix minutes", title_en="Data in ten minutes"
    )
    module = ModuleFactory(programme=programme)
    first = LessonFactory(module=module, position=1)
    LessonFactory(module=module, position=2)
    return {"programme": programme, "first": first}


def test_a_manager_launches_a_cohort_and_follows_it(browser, live_server, club):
    _manager_context, manager = sign_in(browser, live_server, "maya@alpha.example")
    manager.goto("/learning/cohorts/new/")
    form = manager.get_by_test_id("cohort-form")
    form.locator("select[name=programme]").select_option(label="La donnée en dix minutes")
    form.locator("input[name=title]").fill("Printemps de la donnée")
    today = timezone.localdate()
    # An end before the start is refused with a message on the field; nothing is made.
    form.locator("input[name=ends_on]").fill((today - dt.timedelta(days=1)).isoformat())
    form.locator("button[type=submit]").click()
    expect(manager.locator(".errorlist").first).to_be_visible()
    assert not Cohort.objects.exists()

    form = manager.get_by_test_id("cohort-form")
    form.locator("input[name=ends_on]").fill((today + dt.timedelta(days=42)).isoformat())
    form.locator("button[type=submit]").click()
    expect(manager.get_by_test_id("funnel")).to_be_visible()
    join_url = manager.get_by_test_id("join-url").inner_text().strip()
    assert Cohort.objects.get().title == "Printemps de la donnée"

    # A colleague opens the shared link, joins, and reads the first lesson.
    _colleague_context, colleague = sign_in(browser, live_server, "theo@alpha.example")
    colleague.goto(join_url)
    colleague.get_by_test_id("join-cohort").click()
    expect(colleague.get_by_role("heading", level=1)).to_have_text("Printemps de la donnée")
    colleague.goto(club["first"].get_absolute_url())
    colleague.get_by_test_id("mark-read").click()
    expect(colleague.get_by_test_id("lesson-status")).to_contain_text("Terminée")

    # The manager's follow-up counts them as started, and names them.
    manager.reload()
    funnel = manager.get_by_test_id("funnel")
    expect(funnel.locator("tr").nth(2)).to_contain_text("1")
    expect(manager.get_by_text("theo@alpha.example")).to_be_visible()
