"""The nightly insights recompute over the issue's club: 50 000 people, 5 000 workshops and
200 000 registrations over 10 years, in a throwaway database (SQLite unless DATABASE_URL).

Run: uv run python bench/insights_nightly.py              (50 000 people)
     uv run python bench/insights_nightly.py --people 5000 (a quick look)

Measured: `snapshots_recompute_all()` (what `manage.py insights_recompute` runs at night): the
club's snapshot, then each of the 100 organisations', every one with its growth bootstraps,
Kaplan-Meier curves, the first-year Cox model, the time-varying Cox model and the matched
comparison, read from the database and written back.

Floor, measured in the same run on the same arrays: the bare lifelines fits the recompute cannot
avoid, for the club and each organisation: `CoxPHFitter().fit` on the first-year design and
`CoxTimeVaryingFitter().fit` on the long format, both built beforehand (no reads, no design
step, no curves, no matching, no bootstrap, no writes).

Budget (the issue): under 10 minutes on this machine.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import warnings
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from _common import setup_django  # noqa: E402

ORGANISATIONS = 100
SEED = 5050
DATA_ROLES = ("data_scientist", "data_engineer", "data_analyst", "ml_engineer", "manager")


def seed(people: int, workshops: int, registrations: int) -> None:
    from django.utils import timezone

    from compagnon.members.models import Base, MembershipType, Organisation, Person
    from compagnon.workshops.models import (
        Attendance,
        Mode,
        Registration,
        RegistrationStatus,
        SeatKind,
        Session,
        Workshop,
        WorkshopStatus,
    )

    rng = random.Random(SEED)
    today = timezone.localdate()
    base = Base.objects.create(name="Paris", slug="paris", city="Paris", country="FR")
    organisations = Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"Org {i}",
                slug=f"org-{i}",
                email_domains=f"o{i}.example",
                member_since=date(2020, 2, 1) + timedelta(days=rng.randint(0, 900)),
            )
            for i in range(ORGANISATIONS)
        ]
    )
    rows = []
    for i in range(people):
        joined = today - timedelta(days=rng.randint(30, 16 * 365))
        stayed = rng.expovariate(0.2) * 365.25
        left = (
            joined + timedelta(days=int(stayed))
            if joined.toordinal() + stayed < today.toordinal()
            else None
        )
        rows.append(
            Person(
                first_name="P",
                last_name=f"N{i}",
                email=f"p{i}@o{i % ORGANISATIONS}.example",
                organisation=organisations[i % ORGANISATIONS],
                membership_type=MembershipType.EMPLOYEE,
                role_family=rng.choice(DATA_ROLES),
                joined_organisation_on=joined,
                left_organisation_on=left,
            )
        )
    persons = Person.objects.bulk_create(rows, batch_size=2000)
    now = timezone.now()
    built = []
    for i in range(workshops):
        start = now - timedelta(days=rng.randint(1, 10 * 365), hours=rng.randint(0, 12))
        built.append(
            Workshop(
                title=f"Workshop {i}",
                summary="A real case.",
                mode=Mode.ONSITE,
                base=base,
                onsite_seats=60,
                status=WorkshopStatus.CLOSED,
                starts_at=start,
                ends_at=start + timedelta(hours=3),
                published_at=start - timedelta(days=30),
            )
        )
    built = Workshop.objects.bulk_create(built, batch_size=2000)
    Session.objects.bulk_create(
        [Session(workshop=w, starts_at=w.starts_at, ends_at=w.ends_at) for w in built],
        batch_size=2000,
    )
    seen: set[tuple[int, int]] = set()
    batch = []
    while len(seen) < registrations:
        workshop, person = rng.choice(built), rng.choice(persons)
        if (workshop.pk, person.pk) in seen:
            continue
        seen.add((workshop.pk, person.pk))
        batch.append(
            Registration(
                workshop=workshop,
                person=person,
                organisation_id=person.organisation_id,
                seat=SeatKind.ONSITE,
                status=RegistrationStatus.CONFIRMED,
                attendance=rng.choice([Attendance.PRESENT] * 9 + [Attendance.NO_SHOW]),
                queued_at=workshop.starts_at - timedelta(days=10),
            )
        )
        if len(batch) >= 10_000:
            Registration.objects.bulk_create(batch)
            batch = []
    Registration.objects.bulk_create(batch)


def floor_fits() -> tuple[float, int]:
    """The bare lifelines fits on prebuilt designs, for the club and each organisation."""
    import pandas as pd
    from lifelines import CoxPHFitter, CoxTimeVaryingFitter

    from compagnon.insights.retention import tenure_data
    from compagnon.insights.survival import _design, spells_long
    from compagnon.members.models import Organisation

    scopes = [None, *Organisation.objects.order_by("pk").values_list("pk", flat=True)]
    designs = []
    for scope in scopes:
        arrays, stints, _skipped = tenure_data(organisation_id=scope)
        static = _design(arrays.frame())
        long = spells_long(stints)
        dummies = pd.get_dummies(long["role"], prefix="role", drop_first=True, dtype=float)
        varying = pd.concat(
            [
                long[["id", "start", "stop", "left", "took_part", "seniority", "organisation"]],
                dummies,
            ],
            axis=1,
        )
        designs.append((static, varying, scope is None))

    def fit(make, frame, **options):
        # The same fallback as the recompute's: a small penaliser when a small organisation's
        # fit does not converge.
        for penalizer in (0.0, 0.01, 0.1):
            try:
                return make(penalizer=penalizer).fit(frame, event_col="left", **options)
            except Exception:
                continue
        return None

    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for static, varying, club in designs:
            strata = ["organisation"] if club else None
            fit(
                CoxPHFitter,
                static if club else static.drop(columns=["organisation"]),
                duration_col="duration",
                strata=strata,
            )
            fit(
                CoxTimeVaryingFitter,
                varying if club else varying.drop(columns=["organisation"]),
                id_col="id",
                start_col="start",
                stop_col="stop",
                strata=strata,
            )
    return (time.perf_counter() - started), len(designs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--workshops", type=int, default=5_000)
    parser.add_argument("--registrations", type=int, default=200_000)
    parser.add_argument(
        "--pages",
        action="store_true",
        help="instead of the nightly run: one organisation's dashboard from its snapshot and its PDF",
    )
    args = parser.parse_args()
    engine = setup_django()
    started = time.perf_counter()
    seed(args.people, args.workshops, args.registrations)
    print(
        f"club: {args.people} people, {args.workshops} workshops, {args.registrations} "
        f"registrations, {ORGANISATIONS} organisations on {engine} "
        f"(seeded in {time.perf_counter() - started:.0f} s)",
        flush=True,
    )
    if args.pages:
        pages()
        return
    from compagnon.insights.models import Snapshot
    from compagnon.insights.services import snapshots_recompute_all

    started = time.perf_counter()
    count = snapshots_recompute_all()
    recompute = time.perf_counter() - started
    floor, scopes = floor_fits()
    print(
        f"insights_nightly_recompute: {recompute:.1f} s "
        f"({recompute / floor:.2f}x floor bare_lifelines_fits {floor:.1f} s) "
        f"for {count} snapshots; budget 600 s",
        flush=True,
    )
    club = Snapshot.objects.get(organisation__isnull=True)
    retention = club.payload["retention"]
    tv, static = retention["cox_time_varying"], retention["cox"]
    print(
        f"club snapshot: {club.duration_ms / 1000:.1f} s; hazard ratios (no planted effect here): "
        f"time-varying {tv and tv['hr']}, first-year {static and static['hr']}; "
        f"floor scopes {scopes}; finished {datetime.now():%H:%M:%S}"
    )


def pages() -> None:
    """The issue's two page budgets, on the same club: an organisation's dashboard read from its
    snapshot (under 100 ms) and its PDF (under 5 s); floor: /healthz through the same client."""
    import statistics

    from django.test import Client

    from compagnon.accounts.models import User
    from compagnon.insights.services import snapshot_compute
    from compagnon.members.models import Organisation

    organisation = Organisation.objects.order_by("pk").first()
    snapshot_compute(organisation=None)
    snapshot_compute(organisation=organisation)
    staff = User.objects.create(email="bench-staff@example.org", is_staff=True)
    client = Client(HTTP_HOST="localhost")
    client.force_login(staff)

    def timed(url: str, runs: int) -> float:
        client.get(url)  # warm: templates, connections
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        return statistics.median(samples)

    floor = timed("/healthz", 20)
    dashboard = timed(f"/insights/organisations/{organisation.slug}/", 7)
    pdf = timed(f"/insights/organisations/{organisation.slug}/report.pdf", 3)
    print(
        f"insights_dashboard_from_snapshot: {dashboard:.1f} ms ({dashboard / floor:.1f}x floor "
        f"healthz {floor:.1f} ms); budget 100 ms",
        flush=True,
    )
    print(
        f"insights_organisation_pdf: {pdf:.0f} ms ({pdf / floor:.0f}x floor healthz "
        f"{floor:.1f} ms); budget 5000 ms",
        flush=True,
    )


if __name__ == "__main__":
    main()
