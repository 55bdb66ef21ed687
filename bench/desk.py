"""Staff desk benchmark: every queue over a club of 5 000 people, median server time.

Run: uv run python bench/desk.py   (SQLite in a temp dir, or DATABASE_URL=postgres://…)

Prints, relative to the trivial /healthz view:
    desk_home: … ms (…x floor healthz … ms)
    desk_queue_claim: …
    invitation_bulk_preview: …
    desk_queries: N with 1 row per queue, N with every row
"""

from __future__ import annotations

import random
import time
from datetime import timedelta

# Run as a script, so bench/ is on sys.path.
from _common import bench_client, count_queries, info, measure, report, setup_django

ORGANISATIONS = 200
PEOPLE = 5_000
CASES = 400
WORKSHOPS = 300
SEED = 20261204


def populate(rng: random.Random):
    from django.utils import timezone

    from compagnon.accounts.models import Invitation, User
    from compagnon.cases.models import Case, CaseInvitation, CaseStatus, CaseTransition
    from compagnon.desk.models import ContactMessage, MembershipRequest
    from compagnon.members.models import Organisation, Person
    from compagnon.workshops.models import (
        Attendance,
        Registration,
        RegistrationStatus,
        Workshop,
        WorkshopStatus,
    )

    now = timezone.now()
    organisations = Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"Organisation {i:03d}", slug=f"org-{i:03d}", email_domains=f"o{i}.example"
            )
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
    staff = User.objects.create_user("staff@club.example", "bench", is_staff=True)
    statuses = [CaseStatus.SUBMITTED, CaseStatus.OPEN, CaseStatus.MATCHED, CaseStatus.CLOSED]
    cases = Case.objects.bulk_create(
        [
            Case(
                title=f"Case {i}",
                description="Forecasts broke.",
                brought_by=people[i],
                organisation=people[i].organisation,
                status=statuses[i % len(statuses)],
                opened_at=now - timedelta(days=i % 30),
                interested_needed=3,
            )
            for i in range(CASES)
        ]
    )
    CaseTransition.objects.bulk_create(
        [CaseTransition(case=case, from_status="", to_status=case.status) for case in cases]
    )
    CaseInvitation.objects.bulk_create(
        [
            CaseInvitation(
                case=cases[i % CASES],
                person=people[(i * 7 + 1000) % PEOPLE],
                expires_at=now + timedelta(days=5),
                answer=rng.choice(["pending", "pending", "interested", "declined"]),
            )
            for i in range(3000)
        ],
        ignore_conflicts=True,
    )
    Invitation.objects.bulk_create(
        [
            Invitation(
                person=people[i], email=people[i].email, created_at=now - timedelta(days=i % 40)
            )
            for i in range(0, PEOPLE, 2)
        ]
    )
    workshops = Workshop.objects.bulk_create(
        [
            Workshop(
                title=f"Workshop {i}",
                status=[WorkshopStatus.DRAFT, WorkshopStatus.DONE, WorkshopStatus.PUBLISHED][i % 3],
                starts_at=now + timedelta(days=(i % 60) - 30),
                ends_at=now + timedelta(days=(i % 60) - 30, hours=4),
            )
            for i in range(WORKSHOPS)
        ]
    )
    Registration.objects.bulk_create(
        [
            Registration(
                workshop=workshops[i % WORKSHOPS],
                person=people[i],
                status=RegistrationStatus.CONFIRMED,
                queued_at=now,
                confirmed_at=now,
                attendance=Attendance.NO_SHOW if i % 5 == 0 else Attendance.PRESENT,
            )
            for i in range(2000)
        ]
    )
    MembershipRequest.objects.bulk_create(
        [
            MembershipRequest(
                kind="researcher", contact_name=f"R{i}", contact_email=f"r{i}@x.example", needs="x"
            )
            for i in range(100)
        ]
    )
    ContactMessage.objects.bulk_create(
        [ContactMessage(name=f"C{i}", email=f"c{i}@x.example", message="Hello") for i in range(100)]
    )
    return staff


def main() -> None:
    engine = setup_django()
    rng = random.Random(SEED)
    started = time.perf_counter()
    staff = populate(rng)
    info(
        f"{engine}: {PEOPLE} people, {CASES} cases, {WORKSHOPS} workshops in {time.perf_counter() - started:.1f} s"
    )
    client = bench_client(staff)
    floor = measure(lambda: client.get("/healthz"))
    report("desk_home", measure(lambda: client.get("/staff/"), runs=15), floor)
    report("desk_queue_short", measure(lambda: client.get("/staff/queues/short/"), runs=10), floor)
    report("desk_queue_claim", measure(lambda: client.get("/staff/queues/claim/"), runs=15), floor)
    report(
        "invitation_bulk_preview",
        measure(lambda: client.get("/accounts/invitations/bulk/?history=never"), runs=15),
        floor,
    )
    from django.utils import timezone

    from compagnon.desk.selectors import (
        RANKED_CASES_DESK,
        cases_short_of_interest,
        ranked_people_for,
    )

    short = list(cases_short_of_interest(timezone.now())[:RANKED_CASES_DESK])
    report("desk_ranked_people", measure(lambda: ranked_people_for(short), runs=15), floor)
    print(f"desk_queries: {count_queries(lambda: client.get('/staff/'))} per desk page", flush=True)


if __name__ == "__main__":
    main()
