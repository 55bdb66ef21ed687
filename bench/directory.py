"""Directory benchmark: 500 organisations, 10 000 people, median server time per page.

Run: uv run python bench/directory.py   (SQLite in a temp dir, or DATABASE_URL=postgres://…)

Prints, relative to the trivial /healthz view:
    directory_first_page: 38.2 ms (9.1x floor healthz 4.2 ms)
    directory_filtered: …
    directory_htmx_results: …
    directory_queries: 8 at 24 per page, 8 at 96 per page
"""

from __future__ import annotations

import random
import time

# Run as a script, so bench/ is on sys.path.
from _common import bench_client, count_queries, info, measure, report, setup_django

ORGANISATIONS = 500
PEOPLE = 10_000
SEED = 20240601
BASES = [
    ("Paris", "paris", "Paris", "FR"),
    ("Casablanca", "casablanca", "Casablanca", "MA"),
    ("New York", "new-york", "New York", "US"),
    ("Lyon", "lyon", "Lyon", "FR"),
    ("Montréal", "montreal", "Montréal", "CA"),
]
FIRST = [
    "Ada",
    "Bruno",
    "Chloé",
    "Driss",
    "Emma",
    "Farid",
    "Gaëlle",
    "Hugo",
    "Inès",
    "Jules",
    "Karim",
    "Léa",
]
LAST = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
]


def populate(rng: random.Random):
    """Bulk-insert the data set; returns the viewer's User (a plain member, not staff)."""
    from compagnon.accounts.models import User
    from compagnon.members.models import (
        Base,
        Interest,
        MembershipType,
        Organisation,
        OrganisationKind,
        Person,
        RoleFamily,
        Skill,
        Tag,
        Visibility,
    )

    bases = Base.objects.bulk_create(
        [Base(name=n, slug=s, city=c, country=cc) for n, s, c, cc in BASES]
    )
    organisations = Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"Organisation {i:03d}",
                slug=f"organisation-{i:03d}",
                kind=rng.choice(OrganisationKind.values),
                home_base=rng.choice(bases),
                email_domains=f"org{i}.example",
            )
            for i in range(ORGANISATIONS)
        ],
        batch_size=500,
    )
    visibilities = [Visibility.CLUB] * 17 + [Visibility.ORGANISATION] * 2 + [Visibility.HIDDEN]
    people = Person.objects.bulk_create(
        [
            Person(
                first_name=rng.choice(FIRST),
                last_name=f"{rng.choice(LAST)}{i}",
                email=f"p{i}@org{i % ORGANISATIONS}.example",
                organisation=organisations[i % ORGANISATIONS],
                job_title=rng.choice(["Data scientist", "Data engineer", "ML engineer", "Analyst"]),
                role_family=rng.choice(RoleFamily.values),
                membership_type=MembershipType.EMPLOYEE,
                base=rng.choice(bases),
                bio="Works on forecasting and NLP for the business." if i % 3 == 0 else "",
                directory_visibility=rng.choice(visibilities),
                left_organisation_on=None if rng.random() > 0.03 else "2024-01-31",
            )
            for i in range(PEOPLE)
        ],
        batch_size=1000,
    )
    tags = list(Tag.objects.all())
    skills, interests = [], []
    for person in people:
        for tag in rng.sample(tags, rng.randint(2, 6)):
            skills.append(
                Skill(
                    person=person, tag=tag, level=rng.randint(1, 4), can_teach=rng.random() < 0.25
                )
            )
        for tag in rng.sample(tags, rng.randint(1, 3)):
            interests.append(Interest(person=person, tag=tag))
    Skill.objects.bulk_create(skills, batch_size=2000)
    Interest.objects.bulk_create(interests, batch_size=2000)

    user = User.objects.create_user(email="viewer@org0.example", password=None)
    viewer = people[0]
    viewer.user = user
    viewer.directory_visibility = Visibility.CLUB
    viewer.left_organisation_on = None
    viewer.save()
    info(
        f"{len(organisations)} organisations, {len(people)} people, "
        f"{len(skills)} skills, {len(interests)} interests, {len(tags)} tags"
    )
    return user


def main() -> None:
    vendor = setup_django()
    info(f"database: {vendor}")
    from django.db import connection
    from django.test import override_settings
    from django.urls import reverse

    started = time.perf_counter()
    user = populate(random.Random(SEED))
    # Fresh statistics, as a running site has; without them both planners guess badly.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    info(f"data generated in {time.perf_counter() - started:.1f} s")

    client = bench_client(user)
    healthz = reverse("core:healthz")
    directory = reverse("members:directory")
    filtered = f"{directory}?tag=machine-learning&can_teach=on&base=paris"

    floor = measure(lambda: client.get(healthz))
    report("directory_first_page", measure(lambda: client.get(directory)), floor)
    report("directory_filtered", measure(lambda: client.get(filtered)), floor)
    report(
        "directory_htmx_results",
        measure(lambda: client.get(filtered, headers={"HX-Request": "true"})),
        floor,
    )
    counts = {}
    for size in (24, 96):
        with override_settings(DIRECTORY_PAGE_SIZE=size):
            counts[size] = count_queries(lambda: client.get(directory))
    print(
        f"directory_queries: {counts[24]} at 24 per page, {counts[96]} at 96 per page", flush=True
    )


if __name__ == "__main__":
    main()
