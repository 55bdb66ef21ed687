"""Careers benchmark: ranking candidates and offers with the club's engine, and a booking burst.

Run: uv run python bench/careers_rank.py
     DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres uv run python bench/careers_rank.py
     (the booking burst needs PostgreSQL; without it only the ranking runs)

Seeded data (no database for the ranking): 20 000 candidates built by
`careers.matching.candidate_doc` (2 to 6 skills from the club's taxonomy, a thesis title
and abstract made of the skills' words), 2 000 offers built by `careers.matching.offer_query`
(1 to 4 skills wanted, a title and description). Prints, each against a floor measured in
the same run, alternately with what it is compared with:
    careers_candidates_for_offer_20k: `Ranker.rank(offer, k=20)` (what the recruiter's
        « matching candidates » page calls) vs the bare sparse mat-vec `X @ q` (target < 50 ms);
    careers_offers_for_candidate_2k: `matching.offers_shortlist` (the candidate's « offers
        for me »): the 2 000 offers ranked as the engine's rows against the candidate, then
        the best 20 scored exactly by `Ranker.rank_cases`, vs the same mat-vec
        (target < 50 ms).
The booking burst (PostgreSQL, a database of its own): 100 candidates press « Book » on
20 slots of one session at the same moment (25 threads, 4 candidates each; each reads the
free slots as the page shows them, presses « Book » on one at random, and tries again on
« just taken » until one is theirs or none is left); prints the wall time and the
number of bookings (exactly 20), against the floor of the same 20 bookings made one after
the other.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compagnon.settings")

import _common

CANDIDATES = 20_000
OFFERS = 2_000
SEED = 20261205
REPEATS = 5
# Our own database on the server: other benchmarks use `compagnon_bench`.
_common.BENCH_DATABASE = "h_careers_bench"


def paired_ms(floors, calls, repeats: int = REPEATS) -> tuple[float, float]:
    floor_durations, durations = [], []
    for floor, call in zip(floors, calls, strict=True):
        floor()
        call()
        for _ in range(repeats):
            for fn, out in ((floor, floor_durations), (call, durations)):
                start = time.perf_counter()
                fn()
                out.append((time.perf_counter() - start) * 1000)
    return statistics.median(floor_durations), statistics.median(durations)


def ranking() -> None:
    import django

    django.setup()
    from compagnon.careers.matching import (
        CandidateFacts,
        candidate_doc,
        offer_doc,
        offer_query,
        offers_shortlist,
    )
    from compagnon.matching.engine import Ranker, Taxonomy
    from compagnon.members.taxonomy import TAXONOMY

    rng = random.Random(SEED)
    tags = [(slug, fr, en) for slug, fr, en, _syn, _parent in TAXONOMY]
    bases = ["paris", "lyon", "casablanca", None]
    docs, facts_of = [], {}
    for pk in range(1, CANDIDATES + 1):
        chosen = rng.sample(tags, rng.randint(2, 6))
        words = " ".join(f"{fr} {en}" for _slug, fr, en in chosen)
        facts_of[pk] = CandidateFacts(
            skills={slug: rng.randint(1, 4) for slug, _fr, _en in chosen},
            text=f"Thèse : {words}. Laboratoire {rng.randint(1, 300)}. {words}",
            base=rng.choice(bases),
            languages=frozenset(rng.sample(["fr", "en", "ar", "es"], rng.randint(1, 2))),
            remote_ok=rng.random() < 0.7,
        )
        docs.append(candidate_doc(pk, facts_of[pk]))
    offers = {}
    for pk in range(1, OFFERS + 1):
        chosen = rng.sample(tags, rng.randint(1, 4))
        words = ", ".join(en for _slug, _fr, en in chosen)
        offers[pk] = offer_query(
            title=f"Data scientist: {words}",
            description=f"We look for a young doctor who knows {words}. {chosen[0][1]}.",
            team=f"Team {rng.randint(1, 50)}",
            skills=[slug for slug, _fr, _en in chosen],
            base=rng.choice(bases),
            language=rng.choice(["fr", "en"]),
            work_place=rng.choice(["on_site", "hybrid", "remote"]),
        )
    start = time.perf_counter()
    ranker = Ranker.fit(docs, taxonomy=Taxonomy.default())
    _common.info(f"fit {CANDIDATES} candidates: {time.perf_counter() - start:.1f} s")

    matrix = ranker.feature_matrix()
    sample = [offers[pk] for pk in rng.sample(sorted(offers), 40)]
    vectors = [ranker.query_vector(query) for query in sample]
    floors = [lambda v=v: matrix @ v for v in vectors]
    floor, rank = paired_ms(floors, [lambda q=q: ranker.rank(q, k=20) for q in sample])
    print(
        f"careers_candidates_for_offer_20k: {rank:.1f} ms ({rank / floor:.1f}x floor sparse "
        f"matvec {floor:.1f} ms) (target < 50 ms)",
        flush=True,
    )
    start = time.perf_counter()
    offers_index = Ranker.fit(
        [offer_doc(pk, query) for pk, query in offers.items()], taxonomy=ranker.taxonomy
    )
    _common.info(f"fit {OFFERS} offers as rows: {time.perf_counter() - start:.1f} s")
    people = rng.sample(range(1, CANDIDATES + 1), 20)
    floor, cases = paired_ms(
        floors[:20],
        [
            lambda p=p: offers_shortlist(
                ranker, p, facts_of[p], offers, k=10, offers_index=offers_index
            )
            for p in people
        ],
        repeats=3,
    )
    print(
        f"careers_offers_for_candidate_2k: {cases:.1f} ms ({cases / floor:.1f}x floor sparse "
        f"matvec {floor:.1f} ms) (target < 50 ms)",
        flush=True,
    )


def booking_burst() -> None:
    from django.db import connection
    from django.utils import timezone

    from compagnon.careers import services
    from compagnon.careers.models import (
        CandidateProfile,
        RecruitmentSession,
        SessionSlot,
        SlotBooking,
    )
    from compagnon.members.models import MembershipType, Organisation, Person

    def session_with_slots(name: str) -> list[SessionSlot]:
        start = timezone.now() + timezone.timedelta(days=7)
        session = RecruitmentSession.objects.create(
            title=name, slug=name, starts_at=start, ends_at=start + timezone.timedelta(hours=8)
        )
        organisations = Organisation.objects.bulk_create(
            [Organisation(name=f"{name} org {i}", slug=f"{name}-org-{i}") for i in range(4)]
        )
        return SessionSlot.objects.bulk_create(
            SessionSlot(
                session=session,
                organisation=organisations[i % 4],
                starts_at=start + timezone.timedelta(minutes=20 * (i // 4)),
                ends_at=start + timezone.timedelta(minutes=20 * (i // 4 + 1)),
            )
            for i in range(20)
        )

    def candidates(name: str, count: int) -> list[CandidateProfile]:
        people = Person.objects.bulk_create(
            Person(
                first_name=f"C{i}",
                email=f"{name}-{i}@example.org",
                organisation=None,
                membership_type=MembershipType.RESEARCHER,
            )
            for i in range(count)
        )
        return CandidateProfile.objects.bulk_create(CandidateProfile(person=p) for p in people)

    # Floor: the same 20 bookings, one after the other, one thread.
    slots = session_with_slots("sequential")
    people = candidates("sequential", 20)
    start = time.perf_counter()
    for slot, candidate in zip(slots, people, strict=True):
        services.slot_book(slot=slot, candidate=candidate)
    floor_ms = (time.perf_counter() - start) * 1000

    slots = session_with_slots("burst")
    people = candidates("burst", 100)
    rng = random.Random(SEED)
    seeds = [rng.random() for _ in people]
    barrier = threading.Barrier(25)
    booked, refused = [], []

    def worker(index: int) -> None:
        try:
            barrier.wait()
            for n in range(index * 4, index * 4 + 4):
                pick = random.Random(seeds[n])
                while True:
                    # What the page shows: the slots still free. Pick one, press « Book ».
                    free = list(
                        SessionSlot.objects.filter(session=slots[0].session_id)
                        .filter(bookings__isnull=True)
                        .values_list("pk", flat=True)
                    )
                    if not free:
                        break
                    slot = SessionSlot(pk=pick.choice(free))
                    try:
                        services.slot_book(slot=slot, candidate=people[n])
                    except Exception:  # taken meanwhile
                        refused.append(n)
                        continue
                    booked.append(n)
                    break
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(25)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    burst_ms = (time.perf_counter() - start) * 1000
    count = SlotBooking.objects.filter(slot__session__slug="burst").count()
    per_slot = set(
        SlotBooking.objects.filter(slot__session__slug="burst")
        .values_list("slot_id", flat=True)
        .order_by()
    )
    print(
        f"careers_booking_burst_100x20: {burst_ms:.1f} ms ({burst_ms / floor_ms:.1f}x floor "
        f"20 sequential bookings {floor_ms:.1f} ms) (target < 1000 ms)",
        flush=True,
    )
    print(
        f"careers_booking_burst_bookings: {count} (expected 20; {len(per_slot)} distinct slots, "
        f"{len(booked)} candidates booked)",
        flush=True,
    )
    if count != 20 or len(per_slot) != 20:
        raise SystemExit("bench: the burst double-booked or lost a slot")


def main() -> None:
    postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
    if postgres:
        _common.setup_django()
    ranking()
    if postgres:
        booking_burst()
    else:
        _common.info("booking burst skipped: set DATABASE_URL to a PostgreSQL server")


if __name__ == "__main__":
    main()
