"""N+1 guard: every list endpoint answers 1 and 3 items in the same number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from compagnon.api.tests.world import bearer, token_for
from compagnon.members.tests.factories import PersonFactory, SkillFactory

pytestmark = pytest.mark.django_db


def _people(world, n):
    for _ in range(n):
        person = PersonFactory(organisation=world["org"])
        SkillFactory(person=person)


def _cases(world, n):
    from compagnon.cases.models import Case

    for i in range(n):
        case = Case.objects.create(
            title=f"Case {i}",
            description="Why?",
            brought_by=world["person"],
            organisation=world["org"],
            status="open",
            opened_at=timezone.now(),
            confidentiality="anonymised" if i % 2 else "members",
        )
        case.tags.add(SkillFactory().tag)


def _workshops(world, n):
    from compagnon.workshops.models import Audience
    from compagnon.workshops.tests.factories import WorkshopFactory

    for _ in range(n):
        WorkshopFactory(audience=Audience.PUBLIC)


def _registrations(world, n):
    from compagnon.workshops.tests.factories import RegistrationFactory, WorkshopFactory

    for _ in range(n):
        RegistrationFactory(workshop=WorkshopFactory(), person=world["person"])


def _posts(world, n):
    from compagnon.news.tests.factories import AuthorFactory, PostFactory, PostTagFactory

    for _ in range(n):
        PostFactory(authors=[AuthorFactory()], tags=[PostTagFactory()])


def _challenges(world, n):
    from compagnon.challenges.tests.factories import ChallengeFactory

    for _ in range(n):
        ChallengeFactory()


def _organisations(world, n):
    from compagnon.members.tests.factories import OrganisationFactory

    for _ in range(n):
        OrganisationFactory()


def _reports(world, n):
    from compagnon.knowledge.tests.factories import make_report, make_workshop

    for i in range(n):
        make_report(workshop=make_workshop(title=f"W{i}"), actor=world["staff"])


MAKERS = {
    "people": _people,
    "cases": _cases,
    "workshops": _workshops,
    "registrations": _registrations,
    "posts": _posts,
    "challenges": _challenges,
    "organisations": _organisations,
    "reports": _reports,
}


@pytest.mark.parametrize("name", sorted(MAKERS))
def test_list_queries_do_not_grow(client, name, member_b, org_a, member_a, staff_user):
    world = {"org": org_a, "person": member_b, "staff": staff_user}
    headers = bearer(token_for(member_b.user))
    url = reverse(f"api_v1:{name}")
    counts = []
    for total in (1, 3):
        MAKERS[name](world, 1 if not counts else 2)  # 1 item, then 3
        client.get(url, **headers)  # warm: the token's last use is written once
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, **headers)
        assert response.status_code == 200
        counts.append(len(queries))
        results = response.json()["results"]
        assert len(results) >= total, (name, len(results), total)
    assert counts[0] == counts[1], f"{name}: {counts[0]} queries at 1 item, {counts[1]} at 3"
