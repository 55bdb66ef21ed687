"""Expert engagements benchmark: the ledger page, the list, and time given over a club.

Run: uv run python bench/engagements.py   (SQLite in a temp dir, or DATABASE_URL=postgres://…)

A club of 2 000 people, 200 engagements of 8 weeks (2 half-days a week, 3 200 entries, most
confirmed), 300 workshops done with two hosts each, 600 awards reviews. Prints, relative to
the trivial /healthz view:
    engagement_page: … ms      (the asker's page: 16 entries, the confirm forms)
    engagement_list_staff: …   (all 200 rows)
    profile_with_time_given: … (a person's page, the time-given section included)
    time_given_one: …          (the selector for one person)
    time_given_club: …         (every person who gave anything, four queries)
"""

from __future__ import annotations

import datetime as dt
import random

from _common import bench_client, count_queries, info, measure, report, setup_django

PEOPLE = 2_000
ORGANISATIONS = 100
ENGAGEMENTS = 200
WEEKS = 8
WORKSHOPS = 300
SEED = 20261205


def populate(rng: random.Random):
    from django.utils import timezone

    from compagnon.accounts.models import User
    from compagnon.awards.models import Review
    from compagnon.awards.tests.factories import ApplicationFactory, JurorFactory
    from compagnon.cases.models import Case
    from compagnon.engagements.models import Engagement, EntryStatus, LedgerEntry
    from compagnon.members.models import Organisation, Person
    from compagnon.workshops.models import Workshop, WorkshopStatus

    now = timezone.now()
    today = timezone.localdate()
    organisations = Organisation.objects.bulk_create(
        [
            Organisation(name=f"Org {i:03d}", slug=f"org-{i:03d}", email_domains=f"o{i}.example")
            for i in range(ORGANISATIONS)
        ]
    )
    people = Person.objects.bulk_create(
        [
            Person(
                first_name=f"P{i}",
                last_name=f"L{i}",
                email=f"p{i}@o{i % ORGANISATIONS}.example",
                organisation=organisations[i % ORGANISATIONS],
            )
            for i in range(PEOPLE)
        ]
    )
    staff = User.objects.create_user(email="staff@bench.example", password="x", is_staff=True)
    start = today - dt.timedelta(days=today.weekday()) - dt.timedelta(weeks=WEEKS)
    cases = Case.objects.bulk_create(
        [
            Case(
                title=f"Case {i}",
                description="d",
                brought_by=people[i],
                organisation=people[i].organisation,
                status="planned",
                opened_at=now,
            )
            for i in range(ENGAGEMENTS)
        ]
    )
    engagements = Engagement.objects.bulk_create(
        [
            Engagement(
                case=case,
                expert=people[ENGAGEMENTS + rng.randrange(PEOPLE - ENGAGEMENTS)],
                asker=case.brought_by,
                scope="**Scope**",
                starts_on=start,
                ends_on=start + dt.timedelta(weeks=WEEKS + 4),
                half_days_per_week=2,
                created_by=staff,
            )
            for case in cases
        ]
    )
    entries = []
    for engagement in engagements:
        for week in range(WEEKS):
            for offset in (1, 3):
                confirmed = week < WEEKS - 1
                entries.append(
                    LedgerEntry(
                        engagement=engagement,
                        worked_on=start + dt.timedelta(weeks=week, days=offset),
                        half_days=1,
                        note="Work",
                        logged_by=engagement.expert,
                        status=EntryStatus.CONFIRMED if confirmed else EntryStatus.PENDING,
                        decided_by=engagement.asker if confirmed else None,
                        decided_at=now if confirmed else None,
                    )
                )
    LedgerEntry.objects.bulk_create(entries, batch_size=1000)
    workshops = Workshop.objects.bulk_create(
        [
            Workshop(title=f"W{i}", status=WorkshopStatus.DONE, starts_at=now, ends_at=now)
            for i in range(WORKSHOPS)
        ]
    )
    Through = Workshop.hosts.through
    Through.objects.bulk_create(
        [
            Through(workshop=w, person=people[rng.randrange(PEOPLE)])
            for w in workshops
            for _ in range(2)
        ],
        ignore_conflicts=True,
    )
    juror = JurorFactory(person=people[-1])
    for _ in range(30):
        application = ApplicationFactory(category__edition=juror.edition)
        Review.objects.create(application=application, juror=juror, submitted_at=now)
    return staff, engagements, people


def main() -> None:
    engine = setup_django()
    rng = random.Random(SEED)
    info(f"database: {engine}; populating {PEOPLE} people, {ENGAGEMENTS} engagements")
    staff, engagements, _people = populate(rng)
    from compagnon.accounts.models import User
    from compagnon.engagements.selectors import time_given, time_given_for_people

    engagement = engagements[0]
    user = User.objects.create_user(email="asker@bench.example", password="x")
    engagement.asker.user = user
    engagement.asker.save(update_fields=["user"])
    asker = bench_client(user)
    staff_client = bench_client(staff)
    floor = measure(lambda: staff_client.get("/healthz"))
    page = f"/engagements/{engagement.pk}/"
    report("engagement_page", measure(lambda: asker.get(page)), floor)
    report(
        "engagement_list_staff", measure(lambda: staff_client.get("/engagements/"), runs=10), floor
    )
    profile = f"/people/{engagement.expert_id}/"
    report("profile_with_time_given", measure(lambda: staff_client.get(profile)), floor)
    report("time_given_one", measure(lambda: time_given(engagement.expert)), floor)
    report("time_given_club", measure(lambda: time_given_for_people(), runs=10), floor)
    print(
        f"engagement_queries: page {count_queries(lambda: asker.get(page))}, "
        f"list {count_queries(lambda: staff_client.get('/engagements/'))}",
        flush=True,
    )


if __name__ == "__main__":
    main()
