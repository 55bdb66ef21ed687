"""Expert engagement journey: staff set up an engagement from a case; the expert logs a day
in each of four past weeks (dated entries), is stopped with a clear message when over the
week, and the person who asked confirms all four from the page; the expert's profile then
shows the time given."""

import datetime as dt

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from playwright.sync_api import expect

from compagnon.cases.models import Case
from compagnon.engagements.models import Engagement, EntryStatus, LedgerEntry
from compagnon.members.tests.factories import OrganisationFactory, PersonFactory, UserFactory
from e2e.accounts import PASSWORD, account, sign_in


@pytest.fixture
def club(transactional_db):
    alpha = OrganisationFactory(name="Alpha Retail")
    asker = account(
        PersonFactory(
            organisation=alpha, email="ada@alpha.example", first_name="Ada", last_name="Martin"
        )
    )
    account(
        PersonFactory(
            organisation=None,
            membership_type="resident",
            email="rita@resident.example",
            first_name="Rita",
            last_name="Résidente",
        )
    )
    staff = UserFactory(email="animateur@club.example", is_staff=True, password=PASSWORD)
    EmailAddress.objects.create(user=staff, email=staff.email, verified=True, primary=True)
    PersonFactory(user=staff, email=staff.email, organisation=None, membership_type="staff")
    case = Case.objects.create(
        title="Passer nos prévisions en production",
        description="Des notebooks à industrialiser.",
        brought_by=asker,
        organisation=alpha,
        status="matched",
        opened_at=timezone.now(),
        format="expert_help",
    )
    return {"case": case}


def test_an_engagement_logged_over_four_weeks_and_confirmed(browser, live_server, club):
    case = club["case"]
    today = timezone.localdate()
    this_monday = today - dt.timedelta(days=today.weekday())
    start = this_monday - dt.timedelta(weeks=4)

    # Staff set it up from the case page: one day a week, eight weeks.
    _context, staff = sign_in(browser, live_server, "animateur@club.example")
    staff.goto(f"/cases/{case.pk}/")
    staff.get_by_test_id("case-engagement-set-up").click()
    form = staff.get_by_test_id("engagement-form")
    form.locator("input[name=expert_email]").fill("rita@resident.example")
    form.locator("textarea[name=scope]").fill("Mettre le pipeline en production, former l'équipe.")
    form.locator("input[name=starts_on]").fill(start.isoformat())
    form.locator("input[name=ends_on]").fill((start + dt.timedelta(weeks=8)).isoformat())
    form.locator("select[name=half_days_per_week]").select_option("2")
    staff.get_by_test_id("engagement-create").click()
    staff.wait_for_load_state()
    engagement = Engagement.objects.get()
    expect(staff.get_by_test_id("engagement-status")).to_have_attribute("data-status", "active")

    # The expert logs a full day in each of the four past weeks.
    _context, expert = sign_in(browser, live_server, "rita@resident.example")
    days = [start + dt.timedelta(weeks=w, days=2) for w in range(4)]
    for day in days:
        expert.goto(engagement.get_absolute_url())
        entry_form = expert.get_by_test_id("entry-form")
        entry_form.locator("input[name=worked_on]").fill(day.isoformat())
        entry_form.locator("select[name=half_days]").select_option("2")
        entry_form.locator("input[name=note]").fill(f"Semaine du {day:%d/%m}")
        expert.get_by_test_id("entry-log").click()
        expert.wait_for_load_state()
    assert LedgerEntry.objects.filter(status=EntryStatus.PENDING).count() == 4
    expect(expert.get_by_test_id("ledger-week")).to_have_count(4)

    # A fifth half-day in the last week is over the agreed day: refused, plainly.
    entry_form = expert.get_by_test_id("entry-form")
    entry_form.locator("input[name=worked_on]").fill((days[-1] + dt.timedelta(days=1)).isoformat())
    entry_form.locator("select[name=half_days]").select_option("1")
    expert.get_by_test_id("entry-log").click()
    expert.wait_for_load_state()
    expect(expert.get_by_test_id("entry-errors")).to_contain_text("1 jour par semaine")
    assert LedgerEntry.objects.count() == 4
    # The expert cannot confirm their own time: no button.
    expect(expert.get_by_test_id("entry-confirm")).to_have_count(0)

    # The person who asked confirms the four weeks.
    _context, asker = sign_in(browser, live_server, "ada@alpha.example")
    asker.goto(engagement.get_absolute_url())
    for _ in range(4):
        asker.get_by_test_id("entry-confirm").first.click()
        asker.wait_for_load_state()
    expect(asker.get_by_test_id("entry-confirm")).to_have_count(0)
    assert LedgerEntry.objects.filter(status=EntryStatus.CONFIRMED).count() == 4
    expect(asker.get_by_test_id("engagement-ledger")).to_contain_text("4 jours confirmés")

    # The expert's profile shows the time given.
    asker.goto(engagement.expert.get_absolute_url())
    expect(asker.get_by_test_id("profile-time-given")).to_contain_text("4")
