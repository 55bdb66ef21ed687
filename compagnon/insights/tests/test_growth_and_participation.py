"""Skills growth read from the database, and the participation counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from compagnon.insights.growth import challenge_pairs, feedback_pairs, growth_figures, history_pairs
from compagnon.insights.participation import (
    club_funnel,
    organisation_participation,
    renewal_risk,
)
from compagnon.members.models import SkillLevelChange
from compagnon.members.tests.factories import PersonFactory, TagFactory, UserFactory
from compagnon.workshops.models import Attendance, Feedback, FeedbackLevel, RegistrationStatus
from compagnon.workshops.tests.factories import RegistrationFactory, WorkshopFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def _attended(person, *, days_ago=10, before=1, after=3, tag=None):
    start = NOW - dt.timedelta(days=days_ago)
    workshop = WorkshopFactory(sessions=[(start, start + dt.timedelta(hours=3))])
    registration = RegistrationFactory(
        workshop=workshop,
        person=person,
        status=RegistrationStatus.CONFIRMED,
        attendance=Attendance.PRESENT,
    )
    feedback = Feedback.objects.create(registration=registration, rating=4)
    FeedbackLevel.objects.create(
        feedback=feedback, tag=tag or TagFactory(slug="causal"), before=before, after=after
    )
    return registration


def test_feedback_pairs_average_each_persons_answers(org_a):
    person = PersonFactory(organisation=org_a)
    _attended(person, before=1, after=3)
    _attended(person, before=2, after=2, tag=TagFactory(slug="graphs"))

    assert feedback_pairs(None) == {person.pk: (1.5, 2.5)}


def test_history_pairs_count_only_moves_after_the_first_point(org_a):
    grew, stayed = PersonFactory(organisation=org_a), PersonFactory(organisation=org_a)
    tag = TagFactory(slug="sql")
    for person, levels in (
        (grew, [(None, 1, "import"), (1, 3, "profile")]),
        (stayed, [(None, 2, "initial")]),
    ):
        for previous, level, source in levels:
            SkillLevelChange.objects.create(
                person=person, tag=tag, previous_level=previous, level=level, source=source
            )

    assert history_pairs(None) == {grew.pk: (1.0, 3.0)}


def test_challenge_pairs_follow_a_persons_percentile(org_a):
    from compagnon.challenges.models import Submission, SubmissionStatus, Team, TeamMembership
    from compagnon.challenges.tests.factories import ChallengeFactory

    people = [PersonFactory(organisation=org_a, user=UserFactory()) for _ in range(3)]
    for day, ranking in ((20, [0, 1, 2]), (5, [2, 1, 0])):
        challenge = ChallengeFactory()
        for position, person in enumerate(people):
            team = Team.objects.create(challenge=challenge, name=f"t{person.pk}")
            TeamMembership.objects.create(challenge=challenge, team=team, user=person.user)
            Submission.objects.create(
                challenge=challenge,
                team=team,
                file="x.csv",
                status=SubmissionStatus.SCORED,
                public_score=float(ranking[position]),  # rmse: lower is better
                created_at=NOW - dt.timedelta(days=day),
            )

    pairs = challenge_pairs(None)

    assert pairs[people[0].pk] == (100.0, 0.0)  # best first, last latest
    assert pairs[people[2].pk] == (0.0, 100.0)


def test_growth_figures_for_some_people_only(org_a, org_b):
    inside = [PersonFactory(organisation=org_a) for _ in range(5)]
    _attended(PersonFactory(organisation=org_b), before=1, after=4)
    for person in inside:
        _attended(person, before=1, after=2)

    figures = growth_figures([p.pk for p in inside])

    assert figures["feedback"]["mean_gain"]["n"] == 5
    assert figures["feedback"]["mean_gain"]["value"] == 1.0
    assert figures["history"] is None and figures["challenges"] is None


def test_organisation_participation_by_year(org_a, org_b):
    person = PersonFactory(organisation=org_a)
    _attended(person, days_ago=10)
    _attended(PersonFactory(organisation=org_b), days_ago=10)
    workshop_year = timezone.localtime(NOW - dt.timedelta(days=10)).year

    that_year = organisation_participation(org_a, year=workshop_year)
    all_years = organisation_participation(org_a, year=None)
    long_ago = organisation_participation(org_a, year=2020)

    assert all_years["active_people"] == that_year["active_people"] == 1
    assert all_years["attendances"] == 1 and all_years["workshops_attended"] == 1
    assert all_years["lessons_completed"] == 0  # counted from the learning app (test_learning)
    assert long_ago["attendances"] == 0 and long_ago["active_people"] == 0


def test_renewal_risk_flags_falling_attendance(org_a, org_b):
    for index in range(4):
        _attended(PersonFactory(organisation=org_a), days_ago=250 + index)
        _attended(PersonFactory(organisation=org_b), days_ago=250 + index)
        _attended(PersonFactory(organisation=org_b), days_ago=30 + index)

    flagged = renewal_risk()

    assert [row["slug"] for row in flagged] == [org_a.slug]
    assert flagged[0]["recent"] == 0 and flagged[0]["before"] == 4


def test_the_case_funnel(member_a):
    from compagnon.cases.models import Case, CaseTransition

    case = Case.objects.create(
        title="Forecasts",
        description="Broke.",
        brought_by=member_a,
        organisation=member_a.organisation,
    )
    start = NOW - dt.timedelta(days=12)
    CaseTransition.objects.create(case=case, from_status="draft", to_status="submitted", at=start)
    CaseTransition.objects.create(
        case=case, from_status="open", to_status="matched", at=start + dt.timedelta(days=6)
    )

    funnel = club_funnel(year=None)

    counts = {step["status"]: step["count"] for step in funnel["steps"]}
    assert counts == {"submitted": 1, "open": 1, "matched": 1, "planned": 0, "outcome": 0}
    assert funnel["days_to_match_median"] == 6.0
