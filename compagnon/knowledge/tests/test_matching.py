"""Published reports feed the matching index: their people match cases on the report's topic."""

from __future__ import annotations

import pytest

from compagnon.knowledge.matching_text import report_text_for_people
from compagnon.knowledge.services import report_unpublish
from compagnon.knowledge.tests.factories import make_report, make_workshop
from compagnon.matching.engine import CaseQuery
from compagnon.matching.index import PersonIndex
from compagnon.members.tests.factories import PersonFactory
from compagnon.workshops.models import Attendance, Registration

pytestmark = pytest.mark.django_db


def _ranked(index: PersonIndex, text: str) -> list[int]:
    with index.ranker() as ranker:
        if ranker is None:
            return []
        return [m.person_id for m in ranker.rank(CaseQuery(text=text, tags=set()), k=50)]


def test_a_newly_published_report_is_noticed_by_the_fresh_index(member_a, member_b, org_b):
    from django.utils import timezone

    attendee = PersonFactory(organisation=org_b, email="attendee@beta.example")
    absent = PersonFactory(organisation=org_b, email="absent@beta.example")
    workshop = make_workshop(hosts=[member_a], title="Marketing campaigns")
    for person, attendance in ((attendee, Attendance.PRESENT), (absent, Attendance.NO_SHOW)):
        Registration.objects.create(
            workshop=workshop,
            person=person,
            status="confirmed",
            queued_at=timezone.now(),
            attendance=attendance,
        )
    index = PersonIndex()
    query = "uplift modelling for marketing campaigns"
    assert member_a.pk not in _ranked(index, query)
    rebuilds = index.stats.rebuilds

    report = make_report(
        workshop=workshop,
        actor=member_a.user,
        what_worked="Uplift modelling with two-model learners beat response models.",
    )

    ranked = _ranked(index, query)
    assert member_a.pk in ranked and attendee.pk in ranked
    assert absent.pk not in ranked
    assert index.stats.rebuilds == rebuilds  # noticed incrementally, not by a rebuild

    report_unpublish(report=report, actor=member_a.user)
    assert member_a.pk not in _ranked(index, query)


def test_drafts_add_nothing(member_a, workshop_a):
    make_report(workshop=workshop_a, actor=member_a.user, publish=False, what_worked="Uplift")
    assert report_text_for_people([member_a.pk]) == {}


def test_text_source_costs_constant_queries(member_a, django_assert_num_queries):
    for n in range(3):
        make_report(workshop=make_workshop(hosts=[member_a], title=f"W{n}"), actor=member_a.user)
    with django_assert_num_queries(6):
        texts = report_text_for_people([member_a.pk])
    assert texts[member_a.pk].count("Gradient boosting") == 3
