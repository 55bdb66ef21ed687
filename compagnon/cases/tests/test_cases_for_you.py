"""The member home page's "cases for you": open cases ranked for the member, one click to join."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from compagnon.cases.models import CaseInvitation
from compagnon.matching.tests.club import build_club, open_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def club(db):
    return build_club()


def _home(client):
    return client.get(reverse("site:home"))


def test_the_expert_sees_the_case_with_reasons_and_a_button(client_of, club):
    response = _home(client_of(club.expert))
    page = response.content.decode()
    assert 'data-testid="cases-for-you"' in page
    assert f'data-case="{club.case.pk}"' in page
    assert "teaches Causality (expert)" in page
    assert 'data-testid="raise-hand"' in page
    assert [item.case for item in response.context["cases_for_you"]] == [club.case]


def test_the_section_is_absent_when_nothing_fits(client_of, club):
    for who in (club.owner, club.competitor):
        page = _home(client_of(who)).content.decode()
        assert 'data-testid="cases-for-you"' not in page


def test_raising_a_hand_from_the_home_page(client_of, club):
    client = client_of(club.expert)
    response = client.post(
        reverse("case_invitations:case_hand_raise", args=[club.case.pk]),
        {"next": reverse("site:home")},
        HTTP_HX_REQUEST="true",
    )
    assert "Thanks — the case owner will see it." in response.content.decode()
    assert CaseInvitation.objects.get().person == club.expert
    # The case now waits on the owner: it leaves the list.
    assert 'data-testid="cases-for-you"' not in _home(client).content.decode()


def test_the_home_query_count_does_not_grow_with_cases(client_of, club):
    client = client_of(club.expert)

    def count() -> tuple[int, int]:
        _home(client)  # builds the index outside the measure
        with CaptureQueriesContext(connection) as queries:
            response = _home(client)
        return len(queries), len(response.context["cases_for_you"])

    one, shown_one = count()
    for index in range(2):
        open_case(
            club.colleague,
            title=f"Causal question {index}",
            tags=[club.causality, club.forecasting],
            excluded=[club.zeta],
        )
    three, shown_three = count()
    assert (shown_one, shown_three) == (1, 3)
    assert one == three
