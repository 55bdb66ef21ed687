"""The desk: every queue shows what waits, with a fixed number of queries, and the activity feed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from compagnon.accounts.models import Invitation
from compagnon.cases.models import CaseInvitation, CaseStatus, CaseTransition
from compagnon.cases.tests.factories import CaseFactory, open_case
from compagnon.challenges.models import Submission, SubmissionStatus, Team
from compagnon.challenges.tests.factories import ChallengeFactory
from compagnon.desk.models import ContactMessage, MembershipRequest
from compagnon.desk.selectors import QUEUES, desk_queues
from compagnon.members.tests.factories import PersonFactory
from compagnon.newsletter.models import Mailing
from compagnon.workshops.models import Attendance, WorkshopStatus
from compagnon.workshops.tests.factories import RegistrationFactory, WorkshopFactory

pytestmark = pytest.mark.django_db


def _fill(n: int, staff_user) -> None:
    """n rows in every queue."""
    now = timezone.now()
    challenge = ChallengeFactory()
    for i in range(n):
        MembershipRequest.objects.create(
            kind="researcher", contact_name=f"R{i}", contact_email=f"r{i}@x.example", needs="x"
        )
        ContactMessage.objects.create(name=f"C{i}", email=f"c{i}@x.example", message="Hello")
        CaseFactory(status=CaseStatus.SUBMITTED)
        short = open_case(interested_needed=3)
        contact = PersonFactory()
        CaseInvitation.objects.create(
            case=short, person=contact, expires_at=now + timedelta(days=5)
        )
        CaseFactory(status=CaseStatus.MATCHED)
        WorkshopFactory(draft=True)
        ended = WorkshopFactory(
            status=WorkshopStatus.DONE,
            sessions=[(now - timedelta(days=3), now - timedelta(days=3) + timedelta(hours=4))],
        )
        RegistrationFactory(workshop=ended, attendance=Attendance.NO_SHOW)
        Invitation.objects.create(person=PersonFactory(), email=f"claim{i}@x.example")
        Mailing.objects.create(subject=f"News {i}", body="Hi", created_by=staff_user)
        team = Team.objects.create(challenge=challenge, name=f"Team {i}")
        Submission.objects.create(
            challenge=challenge, team=team, status=SubmissionStatus.FAILED, file="x.csv"
        )


def test_every_queue_counts_what_waits(staff_user):
    _fill(2, staff_user)
    counts = {queue.slug: queue.count for queue in desk_queues()}
    assert counts == dict.fromkeys((spec.slug for spec in QUEUES), 2)


def _desk_queries(client, n: int, staff_user) -> tuple[int, str]:
    _fill(n, staff_user)
    client.get(reverse("desk:home"))  # the matching index catches up with the new people first
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("desk:home"))
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_desk_costs_the_same_queries_for_one_or_three_rows(client_of, staff_user):
    client = client_of(staff_user)
    one, page = _desk_queries(client, 1, staff_user)
    assert 'data-testid="count-review">1<' in page
    three, page = _desk_queries(client, 2, staff_user)
    assert 'data-testid="count-review">3<' in page
    assert one == three


def test_an_empty_desk_says_what_each_queue_is_for(client_of, staff_user):
    page = client_of(staff_user).get(reverse("desk:home")).content.decode()
    assert "No case waits for review." in page
    assert "careers board" in page  # expiring offers: not yet


def test_the_activity_feed_shows_case_moves_and_requests(client_of, staff_user):
    case = open_case(title="Churn model")
    CaseTransition.objects.create(case=case, from_status="open", to_status=CaseStatus.MATCHED)
    MembershipRequest.objects.create(
        kind="organisation",
        organisation_name="Delta",
        organisation_size="1-10",
        contact_name="Dora",
        contact_email="dora@delta.example",
        needs="x",
    )
    page = client_of(staff_user).get(reverse("desk:home")).content.decode()
    feed = page.split('data-testid="activity-feed"', 1)[1]
    assert "Case “Churn model”: Matched" in feed
    assert "Membership request from Delta" in feed


def test_short_cases_come_with_the_people_ranked_best(client_of, staff_user):
    from compagnon.matching.tests.club import build_club

    club = build_club()
    client = client_of(staff_user)
    for url in (reverse("desk:queue", args=["short"]), reverse("desk:home")):
        page = client.get(url).content.decode()
        assert club.case.title in page
        assert "0 of 2 interested" in page
        assert "Ranked best:" in page
        assert club.expert.full_name in page, url


def test_staff_see_the_desk_from_their_home_and_the_header(client_of, staff_user):
    page = client_of(staff_user).get(reverse("site:home")).content.decode()
    assert 'data-testid="home-desk"' in page
    assert 'data-testid="nav-desk"' in page


@pytest.mark.parametrize("slug", [spec.slug for spec in QUEUES])
def test_each_queue_page_costs_the_same_queries_for_one_or_three_rows(client_of, staff_user, slug):
    client = client_of(staff_user)
    url = reverse("desk:queue", args=[slug])
    _fill(1, staff_user)
    client.get(url)  # the matching index catches up with the new people first
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    _fill(2, staff_user)
    client.get(url)
    with CaptureQueriesContext(connection) as three:
        page = client.get(url).content.decode()
    assert f"{slug}" in page
    assert len(one) == len(three), slug
