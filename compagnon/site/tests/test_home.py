import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from compagnon.members.tests.factories import (
    InterestFactory,
    PersonFactory,
    SkillFactory,
    TagFactory,
)


@pytest.fixture
def causality(db):
    return TagFactory(slug="causality-home", label_en="Causality home", label_fr="Causalité maison")


def test_visitor_sees_how_the_club_works(client, db):
    response = client.get(reverse("site:home"))
    assert response.status_code == 200
    assert "How the club works" in response.content.decode()


def test_member_is_nudged_to_complete_the_profile(client_of, member_a):
    response = client_of(member_a).get(reverse("site:home"))
    assert response.status_code == 200
    assert b'data-testid="profile-progress"' in response.content


def test_member_sees_who_can_teach_what_they_want_to_learn(
    client_of, member_a, member_b, causality
):
    InterestFactory(person=member_a, tag=causality)
    SkillFactory(person=member_b, tag=causality, level=4, can_teach=True)
    same_org = PersonFactory(organisation=member_a.organisation)
    SkillFactory(person=same_org, tag=causality, level=4, can_teach=True)

    teachers = client_of(member_a).get(reverse("site:home")).context["teachers"]

    assert teachers == [member_b]


def _home_queries(client, n, member, tag):
    for _ in range(n):
        teacher = PersonFactory()
        SkillFactory(person=teacher, tag=tag, level=4, can_teach=True)
        InterestFactory(person=teacher, tag=TagFactory())
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("site:home"))
    assert len(response.context["teachers"]) >= n
    return len(queries)


def test_home_query_count_does_not_grow_with_teachers(client_of, member_a, causality):
    InterestFactory(person=member_a, tag=causality)
    client = client_of(member_a)
    one = _home_queries(client, 1, member_a, causality)
    three = _home_queries(client, 2, member_a, causality)
    assert one == three
