"""Several cases ranked at once (the staff desk) give what one case at a time gives."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compagnon.matching.selectors import people_ranked_for_case, people_ranked_for_cases
from compagnon.matching.tests.club import build_club, open_case

pytestmark = pytest.mark.django_db


def _ids(ranked):
    return [item.person.pk for item in ranked]


def test_the_same_people_as_one_case_at_a_time_in_fixed_queries():
    club = build_club()
    other = open_case(club.owner, tags=[club.forecasting], title="Stocks")
    third = open_case(club.owner, tags=[club.nlp], title="Tickets")
    together = people_ranked_for_cases([club.case], k=3)
    assert _ids(together[club.case.pk]) == _ids(people_ranked_for_case(club.case, k=3))
    with CaptureQueriesContext(connection) as one:
        people_ranked_for_cases([club.case], k=3)
    with CaptureQueriesContext(connection) as three:
        ranked = people_ranked_for_cases([club.case, other, third], k=3)
    assert len(one) == len(three)
    for case in (club.case, other, third):
        assert _ids(ranked[case.pk]) == _ids(people_ranked_for_case(case, k=3))
    assert club.competitor.pk not in _ids(ranked[club.case.pk])  # the excluded organisation


def test_no_case_no_query():
    with CaptureQueriesContext(connection) as queries:
        assert people_ranked_for_cases([]) == {}
    assert len(queries) == 0  # Django answers an empty `pk__in` without asking
