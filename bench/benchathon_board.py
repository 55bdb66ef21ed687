"""Benchathon aggregation and pages: the results of a big benchathon, against bare numpy.

Run: uv run python bench/benchathon_board.py   (DATABASE_URL=postgres://… for PostgreSQL)

Prints, for example:
    benchathon_aggregate_40x12x30: 6.1 ms (2.3x floor numpy 2.6 ms)
    benchathon_aggregate_100x10x50: 19.0 ms (2.4x floor numpy 7.9 ms)   (issue: < 100 ms)
    benchathon_results_select_40x12x30: 60.0 ms (23.1x floor numpy 2.6 ms)
    benchathon_results_page_40x12x30: 150.0 ms (40x floor healthz 3.8 ms)
    benchathon_board_page_40x12x30: 40.0 ms (10x floor healthz 3.8 ms)

The aggregation is `benchathons.aggregation.aggregate_split` on in-memory
`(item, criterion, number)` rows, as the selector reads them, every evaluator
scoring every item (the densest case). The numpy floor is the bare work on the
same rows: one `fromiter` into an array, then counts and sums with `bincount`,
lowest and highest with `minimum.at` / `maximum.at`. The selector adds reading the scores from the
database; the pages add the ORM, the templates and (results) the chart spec.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import bench_client, info, measure, report, setup_django

SEED = 2026


def _scores(items: int, criteria: int, evaluators: int, rng: random.Random):
    scores = []
    for item in range(1, items + 1):
        for _evaluator in range(evaluators):
            for criterion in range(1, criteria + 1):
                scores.append((item, criterion, float(rng.randint(1, 5)), ""))
    return scores


def _numpy_floor(numbers, cells_width: int, items: int):
    """The bare work: the same rows into one array, then counts, sums, lows and highs."""
    from itertools import chain

    import numpy as np

    cells = items * cells_width

    def floor():
        table = np.fromiter(
            chain.from_iterable(numbers), dtype=np.float64, count=3 * len(numbers)
        ).reshape(-1, 3)
        # Ids are 1..n here, so the key needs no lookup: the floor skips what aggregate
        # must do for arbitrary ids (sorting and searching them).
        keys = (table[:, 0].astype(np.int64) - 1) * cells_width + table[:, 1].astype(np.int64) - 1
        values = table[:, 2]
        count = np.bincount(keys, minlength=cells)
        total = np.bincount(keys, weights=values, minlength=cells)
        low = np.full(cells, np.inf)
        high = np.full(cells, -np.inf)
        np.minimum.at(low, keys, values)
        np.maximum.at(high, keys, values)
        return total / np.maximum(count, 1), high - low

    return floor


def bench_aggregate(items: int, criteria: int, evaluators: int) -> float:
    from compagnon.benchathons.aggregation import CriterionSpec, aggregate_split

    rng = random.Random(SEED)
    scores = _scores(items, criteria, evaluators, rng)
    specs = [
        CriterionSpec(id=c, name=f"C{c}", scale="1_5" if c % 6 else "yes_no", weight=1.0)
        for c in range(1, criteria + 1)
    ]
    # yes/no answers are 0 or 1
    scores = [(i, c, (n % 2) if c % 6 == 0 else n, t) for i, c, n, t in scores]
    item_ids = list(range(1, items + 1))
    # As the selector hands them over: the numeric answers as (item, criterion, number) rows.
    numbers = [(i, c, n) for i, c, n, _t in scores]
    floor = measure(_numpy_floor(numbers, criteria, items), runs=20)
    value = measure(
        lambda: aggregate_split(item_ids=item_ids, criteria=specs, numbers=numbers), runs=20
    )
    report(
        f"benchathon_aggregate_{items}x{criteria}x{evaluators}",
        value,
        floor,
        floor_name="numpy",
    )
    return floor


def build_benchathon(items: int, criteria: int, evaluators: int):
    """A benchathon written straight to the tables: every evaluator submits every item."""
    from django.utils import timezone

    from compagnon.accounts.models import User
    from compagnon.benchathons.models import Benchathon, Criterion, Evaluation, Grid, Item, Score
    from compagnon.members.models import Organisation, Person
    from compagnon.workshops.models import Workshop, WorkshopStatus

    rng = random.Random(SEED)
    now = timezone.now()
    host_user = User.objects.create_user(email="host@bench.example", password="x", is_staff=True)
    organisations = [
        Organisation.objects.create(name=f"Org {k}", slug=f"org-{k}") for k in range(6)
    ]
    people = Person.objects.bulk_create(
        Person(
            first_name=f"Eva{k}",
            last_name="Luator",
            email=f"eva{k}@bench.example",
            organisation=organisations[k % 6],
        )
        for k in range(evaluators)
    )
    workshop = Workshop.objects.create(
        title="Bench benchathon", status=WorkshopStatus.DONE, starts_at=now, ends_at=now
    )
    grid = Grid.objects.create(title="Bench grid")
    criteria_rows = Criterion.objects.bulk_create(
        Criterion(grid=grid, position=c, name=f"Criterion {c}", scale="1_5", weight=1)
        for c in range(criteria)
    )
    benchathon = Benchathon.objects.create(workshop=workshop, grid=grid)
    item_rows = Item.objects.bulk_create(
        Item(benchathon=benchathon, name=f"Library {k:03d}", url="https://example.org")
        for k in range(items)
    )
    evaluations = Evaluation.objects.bulk_create(
        Evaluation(item=item, evaluator=person, submitted_at=now)
        for item in item_rows
        for person in people
    )
    Score.objects.bulk_create(
        (
            Score(evaluation=evaluation, criterion=criterion, number=rng.randint(1, 5))
            for evaluation in evaluations
            for criterion in criteria_rows
        ),
        batch_size=5000,
    )
    return benchathon, host_user


def main() -> None:
    vendor = setup_django()
    info(f"database: {vendor}")
    floor = bench_aggregate(40, 12, 30)
    bench_aggregate(100, 10, 50)

    from django.urls import reverse

    from compagnon.benchathons.selectors import benchathon_results, criteria_of, items_of

    benchathon, user = build_benchathon(40, 12, 30)
    criteria = criteria_of(benchathon)
    items = items_of(benchathon)
    value = measure(lambda: benchathon_results(benchathon, criteria=criteria, items=items), runs=10)
    report("benchathon_results_select_40x12x30", value, floor, floor_name="numpy")
    client = bench_client(user)
    healthz = measure(lambda: client.get("/healthz"))
    results_url = reverse("benchathons:results", args=[benchathon.pk])
    board_url = reverse("benchathons:board", args=[benchathon.pk])
    report(
        "benchathon_results_page_40x12x30",
        measure(lambda: client.get(results_url), runs=10),
        healthz,
    )
    report(
        "benchathon_board_page_40x12x30",
        measure(lambda: client.get(board_url, headers={"HX-Request": "true"}), runs=10),
        healthz,
    )


if __name__ == "__main__":
    main()
