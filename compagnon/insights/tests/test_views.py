"""The insights pages: who sees what, the year filter, the PDF and CSV, the cache."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from compagnon.insights.models import Snapshot
from compagnon.insights.services import snapshot_compute
from compagnon.members.models import SkillLevelChange, SkillSource
from compagnon.members.tests.factories import OrganisationFactory, PersonFactory, TagFactory

pytestmark = pytest.mark.django_db


def _url(name, organisation=None):
    return reverse(name, kwargs={"slug": organisation.slug} if organisation else {})


def test_a_manager_sees_her_dashboard_with_when_it_was_computed(client_of, manager_a, org_a):
    snapshot_compute(organisation=org_a)  # the nightly run

    response = client_of(manager_a).get(_url("insights:organisation", org_a))

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert 'data-testid="insights-computed"' in response.text
    assert "association, not proof of cause" in response.text
    assert Snapshot.objects.filter(organisation=org_a).count() == 1


def test_a_bad_year_says_so_and_shows_all_years(client_of, manager_a, org_a):
    response = client_of(manager_a).get(_url("insights:organisation", org_a), {"year": "1999"})

    assert response.status_code == 200
    assert "Choose a year between 2020 and" in response.text
    assert response.context["year"] is None


def test_a_year_filters_participation(client_of, manager_a, org_a):
    response = client_of(manager_a).get(_url("insights:organisation", org_a), {"year": "2024"})
    assert response.context["year"] == 2024
    assert "Participation in 2024" in response.text


def test_another_organisation_is_not_found(client_of, manager_a, org_b):
    assert client_of(manager_a).get(_url("insights:organisation", org_b)).status_code == 404


def test_the_pdf_report(client_of, manager_a, org_a):
    response = client_of(manager_a).get(_url("insights:organisation_pdf", org_a), {"year": "2025"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f"{org_a.slug}-insights-2025.pdf" in response["Content-Disposition"]


def test_the_participation_csv(client_of, manager_a, org_a):
    response = client_of(manager_a).get(_url("insights:organisation_csv", org_a))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("Year,Active people,")
    assert lines[1].startswith("2020,")


def test_my_growth_shows_only_my_history(client_of, member_a, member_b):
    mine, theirs = TagFactory(slug="mine"), TagFactory(slug="theirs")
    SkillLevelChange.objects.create(person=member_a, tag=mine, level=2, source=SkillSource.PROFILE)
    SkillLevelChange.objects.create(
        person=member_b, tag=theirs, level=3, source=SkillSource.PROFILE
    )

    response = client_of(member_a).get(_url("insights:me"))

    assert response.status_code == 200
    assert "Mine" in response.text
    assert "Theirs" not in response.text


def test_my_growth_empty_state(client_of, member_a):
    response = client_of(member_a).get(_url("insights:me"))
    assert "No skill on your profile yet." in response.text


def test_a_stale_snapshot_is_shown_and_recomputed(
    client_of, manager_a, org_a, settings, django_capture_on_commit_callbacks
):
    snapshot = snapshot_compute(organisation=org_a)
    old = timezone.now() - dt.timedelta(hours=settings.INSIGHTS_MAX_AGE_HOURS + 1)
    Snapshot.objects.filter(pk=snapshot.pk).update(computed_at=old)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(manager_a).get(_url("insights:organisation", org_a))

    assert "These figures are out of date" in response.text
    # The test task backend runs the queued recomputation at once.
    assert Snapshot.objects.get(pk=snapshot.pk).computed_at > old


def test_recompute_is_queued_by_staff(client_of, staff_user):
    response = client_of(staff_user).post(_url("insights:recompute"))
    assert response.status_code == 302
    assert Snapshot.objects.filter(organisation__isnull=True).exists()


@pytest.mark.parametrize("count", [1, 3])
def test_club_page_queries_do_not_grow_with_organisations(
    client_of, staff_user, count, django_assert_num_queries
):
    for index in range(count):
        PersonFactory(organisation=OrganisationFactory(name=f"Org {index}"))
    snapshot_compute(organisation=None)
    client = client_of(staff_user)
    client.get(_url("insights:club"))
    with django_assert_num_queries(QUERIES_CLUB_PAGE):
        response = client.get(_url("insights:club"))
    assert response.status_code == 200
    assert response.text.count('href="/insights/organisations/') == count


QUERIES_CLUB_PAGE = 15  # 10, + time given (4 queries) and hires (1)
