"""Calendar benchmark: 10 000 workshops and 100 000 registrations, median server time per page.

Run: uv run python bench/calendar.py   (SQLite in a temp dir, or DATABASE_URL=postgres://…)

Prints, relative to the trivial /healthz view:
    calendar_first_page: … ms (…x floor healthz … ms)
    calendar_filtered: …
    calendar_has_seats: …
    calendar_htmx_results: …
    calendar_month: …
    calendar_queries: N at 20 per page, N at 100 per page
"""

from __future__ import annotations

import os
import random
import sys
import time
from datetime import timedelta

# Run as a script, so bench/ is on sys.path.
from _common import bench_client, count_queries, info, measure, report, setup_django

# This file is named like the standard library's `calendar`: take bench/ off the path
# again so that Django and the views import the real one.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _HERE]
if getattr(sys.modules.get("calendar"), "__file__", "") == os.path.abspath(__file__):
    del sys.modules["calendar"]

WORKSHOPS = 10_000
REGISTRATIONS = 100_000
PEOPLE = 5_000
ORGANISATIONS = 200
SEED = 20261122


def populate(rng: random.Random):
    """Bulk-insert the data set; returns the viewer's User (a plain member)."""
    from django.utils import timezone

    from compagnon.accounts.models import User
    from compagnon.members.models import Base, MembershipType, Organisation, Person, Tag
    from compagnon.workshops.models import (
        Audience,
        Mode,
        Registration,
        RegistrationStatus,
        SeatKind,
        Session,
        Workshop,
        WorkshopFormat,
        WorkshopStatus,
    )

    bases = Base.objects.bulk_create(
        [
            Base(name=name, slug=name.lower(), city=name, country="FR")
            for name in ("Paris", "Lyon", "Nantes")
        ]
    )
    organisations = Organisation.objects.bulk_create(
        [
            Organisation(name=f"Org {i}", slug=f"org-{i}", email_domains=f"o{i}.example")
            for i in range(ORGANISATIONS)
        ]
    )
    people = Person.objects.bulk_create(
        [
            Person(
                first_name="P",
                last_name=f"N{i}",
                email=f"p{i}@o{i % ORGANISATIONS}.example",
                organisation=organisations[i % ORGANISATIONS],
                membership_type=MembershipType.EMPLOYEE,
            )
            for i in range(PEOPLE)
        ],
        batch_size=1000,
    )
    tags = list(Tag.objects.all()) or Tag.objects.bulk_create(
        [Tag(slug=f"tag-{i}", label_en=f"Tag {i}", label_fr=f"Tag {i}") for i in range(20)]
    )
    now = timezone.now()
    workshops = []
    for i in range(WORKSHOPS):
        start = now + timedelta(days=rng.randint(-365, 365), hours=rng.randint(0, 23))
        mode = rng.choice([Mode.ONSITE] * 3 + [Mode.REMOTE, Mode.HYBRID])
        workshops.append(
            Workshop(
                title=f"Workshop {i}",
                summary="A real case.",
                format=rng.choice(WorkshopFormat.values),
                mode=mode,
                base=None if mode == Mode.REMOTE else rng.choice(bases),
                onsite_seats=None if mode == Mode.REMOTE else rng.randint(5, 20),
                remote_seats=None if mode == Mode.ONSITE else rng.randint(5, 30),
                audience=rng.choice([Audience.MEMBERS] * 4 + [Audience.PUBLIC]),
                status=rng.choice(
                    [WorkshopStatus.PUBLISHED] * 6
                    + [WorkshopStatus.DRAFT, WorkshopStatus.CLOSED, WorkshopStatus.CANCELLED]
                ),
                starts_at=start,
                ends_at=start + timedelta(hours=4),
                published_at=now,
            )
        )
    workshops = Workshop.objects.bulk_create(workshops, batch_size=1000)
    Session.objects.bulk_create(
        [Session(workshop=w, starts_at=w.starts_at, ends_at=w.ends_at) for w in workshops],
        batch_size=2000,
    )
    through = Workshop.tags.through
    through.objects.bulk_create(
        [
            through(workshop_id=w.pk, tag_id=tag.pk)
            for w in workshops
            for tag in rng.sample(tags, min(len(tags), rng.randint(1, 3)))
        ],
        batch_size=5000,
    )
    registrations = []
    seen = set()
    while len(registrations) < REGISTRATIONS:
        workshop = rng.choice(workshops)
        person = rng.choice(people)
        if (workshop.pk, person.pk) in seen:
            continue
        seen.add((workshop.pk, person.pk))
        seat = SeatKind.REMOTE if workshop.mode == Mode.REMOTE else SeatKind.ONSITE
        registrations.append(
            Registration(
                workshop=workshop,
                person=person,
                organisation_id=person.organisation_id,
                seat=seat,
                status=rng.choice(
                    [RegistrationStatus.CONFIRMED] * 6
                    + [RegistrationStatus.WAITING, RegistrationStatus.CANCELLED]
                ),
                queued_at=now,
            )
        )
    Registration.objects.bulk_create(registrations, batch_size=5000)
    user = User.objects.create_user(email="viewer@o0.example", password=None)
    viewer = people[0]
    viewer.user = user
    viewer.save()
    info(
        f"{len(workshops)} workshops, {len(registrations)} registrations, "
        f"{len(people)} people, {len(tags)} tags"
    )
    return user, tags[0].slug, bases[0].pk


def main() -> None:
    vendor = setup_django()
    info(f"database: {vendor}")
    from django.db import connection
    from django.test import override_settings
    from django.urls import reverse

    started = time.perf_counter()
    user, tag, base = populate(random.Random(SEED))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    info(f"data generated in {time.perf_counter() - started:.1f} s")

    client = bench_client(user)
    healthz = reverse("core:healthz")
    calendar = reverse("workshops:calendar")
    filtered = f"{calendar}?base={base}&tag={tag}&format=one_day"
    seats = f"{calendar}?has_seats=on&remote=on"

    floor = measure(lambda: client.get(healthz))
    report("calendar_first_page", measure(lambda: client.get(calendar)), floor)
    report("calendar_filtered", measure(lambda: client.get(filtered)), floor)
    report("calendar_has_seats", measure(lambda: client.get(seats)), floor)
    report(
        "calendar_htmx_results",
        measure(lambda: client.get(calendar, headers={"HX-Request": "true"})),
        floor,
    )
    report("calendar_month", measure(lambda: client.get(reverse("workshops:month"))), floor)
    counts = {}
    for size in (20, 100):
        with override_settings(WORKSHOP_CALENDAR_PAGE_SIZE=size):
            counts[size] = count_queries(lambda: client.get(calendar))
    print(
        f"calendar_queries: {counts[20]} at 20 per page, {counts[100]} at 100 per page", flush=True
    )


if __name__ == "__main__":
    main()
