"""Insights counts the time the organisation's people gave as experts and its hires."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from compagnon.careers.models import ApplicationStatus, JobApplication
from compagnon.careers.tests.factories import CandidateFactory, OfferFactory
from compagnon.engagements import services as engagements
from compagnon.engagements.tests.conftest import TODAY, make_case, make_engagement
from compagnon.insights.participation import club_help_given, organisation_participation

pytestmark = pytest.mark.django_db


@pytest.fixture
def expert_time(time_machine, staff_user, member_a, member_b):
    """member_b (organisation B) gave one confirmed day to member_a's case, and logged a
    half-day member_a has not confirmed yet."""
    time_machine.move_to(dt.datetime(2026, 3, 18, 15, 0, tzinfo=dt.UTC), tick=False)
    engagement = make_engagement(staff_user, make_case(member_a), member_b)
    entry = engagements.entry_log(
        engagement=engagement, person=member_b, worked_on=TODAY, half_days=2
    )
    engagements.entry_decide(entry=entry, person=member_a, confirm=True)
    engagements.entry_log(
        engagement=engagement,
        person=member_b,
        worked_on=TODAY - dt.timedelta(days=7),
        half_days=1,
    )
    return engagement


def test_confirmed_expert_days_count_for_the_experts_organisation(expert_time, org_a, org_b):
    assert organisation_participation(org_b, year=2026)["expert_days"] == 1.0
    assert organisation_participation(org_b, year=2025)["expert_days"] == 0
    assert organisation_participation(org_a, year=None)["expert_days"] == 0


def test_hires_count_for_the_hiring_organisation(org_a, org_b):
    offer = OfferFactory(organisation=org_a)
    JobApplication.objects.create(
        offer=offer,
        candidate=CandidateFactory(),
        status=ApplicationStatus.HIRED,
        hired_at=timezone.now(),
    )
    JobApplication.objects.create(
        offer=offer, candidate=CandidateFactory(), status=ApplicationStatus.INTERVIEW
    )
    assert organisation_participation(org_a, year=None)["hires"] == 1
    assert organisation_participation(org_a, year=timezone.localdate().year - 1)["hires"] == 0
    assert organisation_participation(org_b, year=None)["hires"] == 0


def test_the_club_adds_up_help_and_hires(expert_time):
    help_given = club_help_given()
    assert help_given["expert_days"] == 1.0
    assert help_given["hires"] == 0


def test_the_pages_show_them(client, staff_user, expert_time, org_b):
    client.force_login(staff_user)
    client.cookies["django_language"] = "en"
    club = client.get("/insights/club/")
    assert club.status_code == 200
    assert b'data-testid="insights-help"' in club.content
    organisation = client.get(f"/insights/organisations/{org_b.slug}/")
    assert organisation.status_code == 200
    assert "Time given as experts (days, confirmed)" in organisation.content.decode()


def test_the_organisation_page_keeps_its_participation_until_the_next_computation(
    client, staff_user, time_machine, member_a, member_b, org_b
):
    from compagnon.insights.services import snapshot_compute

    time_machine.move_to(dt.datetime(2026, 3, 18, 15, 0, tzinfo=dt.UTC), tick=False)
    snapshot_compute(organisation=org_b)
    client.force_login(staff_user)
    url = f"/insights/organisations/{org_b.slug}/"
    assert client.get(url).context["participation"]["expert_days"] == 0
    engagement = make_engagement(staff_user, make_case(member_a), member_b)
    entry = engagements.entry_log(
        engagement=engagement, person=member_b, worked_on=TODAY, half_days=2
    )
    engagements.entry_decide(entry=entry, person=member_a, confirm=True)
    # As of the snapshot, like the rest of the page...
    assert client.get(url).context["participation"]["expert_days"] == 0
    # ...and counted again with the next computation.
    time_machine.move_to(dt.datetime(2026, 3, 18, 16, 0, tzinfo=dt.UTC), tick=False)
    snapshot_compute(organisation=org_b)
    assert client.get(url).context["participation"]["expert_days"] == 1.0


def test_outcomes_read_as_their_names(client, staff_user, org_a):
    from compagnon.knowledge.models import Outcome, OutcomeKind

    outcome = Outcome.objects.create(
        kind=OutcomeKind.OPEN_SOURCE, title="A library", date=timezone.localdate()
    )
    outcome.organisations.add(org_a)
    client.force_login(staff_user)
    client.cookies["django_language"] = "en"
    page = client.get(f"/insights/organisations/{org_a.slug}/").content.decode()
    assert f"{OutcomeKind.OPEN_SOURCE.label}: 1" in page
    assert "open_source: 1" not in page
