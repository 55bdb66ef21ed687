"""API list benchmark: the first page of /api/v1/people/ and /api/v1/cases/ against the
floor of the same selector call the pages make (no HTTP, no serialisation).

Run: uv run python bench/api_lists.py   (SQLite in a temp dir, or DATABASE_URL=postgres://…)

Prints:
    api_people_first_page: 21.0 ms (3.2x floor people_visible_to 6.5 ms)
    api_cases_first_page: …
    api_people_not_modified: … (the same page answered 304 to If-None-Match)
"""

from __future__ import annotations

import random

from _common import bench_client, info, measure, report, setup_django

ORGANISATIONS = 50
PEOPLE = 3_000
CASES = 600
TAGS = 60
SEED = 20261205


def populate(rng: random.Random):
    from django.utils import timezone

    from compagnon.accounts.models import User
    from compagnon.cases.models import Case
    from compagnon.members.models import Organisation, Person, Skill, Tag

    tags = Tag.objects.bulk_create(
        Tag(slug=f"tag-{i}", label_en=f"Tag {i}", label_fr=f"Étiquette {i}") for i in range(TAGS)
    )
    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Organisation {i}", slug=f"organisation-{i}")
        for i in range(ORGANISATIONS)
    )
    people = Person.objects.bulk_create(
        Person(
            first_name=f"First{i}",
            last_name=f"Last{i}",
            email=f"person{i}@example.org",
            organisation=rng.choice(organisations),
        )
        for i in range(PEOPLE)
    )
    Skill.objects.bulk_create(
        Skill(person=person, tag=tag, level=rng.randint(1, 4))
        for person in people
        for tag in rng.sample(tags, 3)
    )
    now = timezone.now()
    Case.objects.bulk_create(
        Case(
            title=f"Case {i}",
            description="Our forecasts broke.",
            brought_by=(bringer := rng.choice(people)),
            organisation=bringer.organisation,
            status="open",
            opened_at=now,
            confidentiality=rng.choice(["members", "anonymised"]),
        )
        for i in range(CASES)
    )
    viewer_person = people[0]
    user = User.objects.create_user(email="viewer@example.org", password="x")
    viewer_person.user = user
    viewer_person.save(update_fields=["user"])
    return user


def main() -> None:
    engine = setup_django()
    rng = random.Random(SEED)
    user = populate(rng)
    info(f"engine={engine} people={PEOPLE} cases={CASES}")

    from compagnon.api.models import SCOPES
    from compagnon.api.services import token_create
    from compagnon.cases.selectors import cases_visible_to, cases_with_card
    from compagnon.members.selectors import people_visible_to, people_with_profile, viewer_for

    raw = token_create(user=user, name="bench", scopes=list(SCOPES), days=30).raw
    client = bench_client()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    def people_floor():
        viewer = viewer_for(user)
        return list(people_with_profile(people_visible_to(viewer)).order_by("pk")[:21])

    def cases_floor():
        viewer = viewer_for(user)
        return list(cases_with_card(cases_visible_to(viewer)).order_by("-pk")[:21])

    from django.test.utils import override_settings

    with override_settings(API_RATE_LIMIT="100000/min"):
        floor = measure(people_floor)
        report(
            "api_people_first_page",
            measure(lambda: client.get("/api/v1/people/", **headers)),
            floor,
            floor_name="people_visible_to",
        )
        etag = client.get("/api/v1/people/", **headers)["ETag"]

        def not_modified():
            response = client.get("/api/v1/people/", HTTP_IF_NONE_MATCH=etag, **headers)
            assert response.status_code == 304, response.status_code
            response.status_code = 200  # measure() checks for 200
            return response

        report(
            "api_people_not_modified",
            measure(not_modified),
            floor,
            floor_name="people_visible_to",
        )
        floor = measure(cases_floor)
        report(
            "api_cases_first_page",
            measure(lambda: client.get("/api/v1/cases/", **headers)),
            floor,
            floor_name="cases_visible_to",
        )


if __name__ == "__main__":
    main()
