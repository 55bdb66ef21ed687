"""Awards benchmark: the deliberation board and the jury assignment at a large edition's size.

Run: uv run python bench/awards_deliberation.py   (SQLite in a temp dir, or DATABASE_URL=postgres://…)

Seeded data: 300 eligible applications in 5 categories (6 weighted criteria each) from
60 organisations, 40 jurors from 40 of them (so conflicts are real), 3 reviews per
application assigned by the service, every review scored with a per-juror bias.

Prints, each against a floor measured in the same run:
    board_arithmetic: deliberation.board_rank alone on the reviews in memory (dataclasses in,
        ranked and tie-flagged rows out) vs numpy_zscore;
    board_compute: selectors.board_for (read every score, z-score per juror, rank, ties)
        vs numpy_zscore, the bare arithmetic on arrays already in memory;
    board_page: the staff's board page over HTTP, same floor;
    assign_engine_500x40: the assignment engine alone, 500 applications x 40 jurors with
        conflicts, vs round_robin (numpy, no constraints at all);
    assign_service_300x40: reviews_assign (conflicts read from the database, rows written),
        one run, vs the same round-robin floor at 300.
and checks the board's normalised means against the floor's (1e-9) and the plans' constraints.
"""

from __future__ import annotations

import datetime as dt
import random
import time

# Run as a script, so bench/ is on sys.path.
from _common import bench_client, info, measure, report, setup_django

APPLICATIONS = 300
JURORS = 40
ORGANISATIONS = 60
CATEGORIES = 5
CRITERIA = 6
SEED = 20261205


def populate(rng: random.Random):
    from compagnon.accounts.models import User
    from compagnon.awards.models import (
        Application,
        ApplicationStatus,
        Category,
        Criterion,
        Edition,
        Juror,
        JurorStatus,
    )
    from compagnon.members.models import MembershipType, Organisation, Person

    organisations = Organisation.objects.bulk_create(
        [Organisation(name=f"Org {i}", slug=f"org-{i}") for i in range(ORGANISATIONS)]
    )
    people = Person.objects.bulk_create(
        [
            Person(
                first_name=f"P{i}",
                email=f"p{i}@example.org",
                organisation=organisations[i % ORGANISATIONS],
            )
            for i in range(APPLICATIONS + JURORS)
        ]
    )
    staff = User.objects.create_user(email="staff@example.org", password="x", is_staff=True)
    Person.objects.create(
        first_name="Staff", email=staff.email, user=staff, membership_type=MembershipType.STAFF
    )
    today = dt.date(2026, 12, 5)
    edition = Edition.objects.create(
        name="Bench",
        slug="bench",
        call_opens_on=today,
        deadline_on=today,
        jury_starts_on=today,
        jury_ends_on=today,
        ceremony_on=today,
    )
    categories = []
    for c in range(CATEGORIES):
        category = Category.objects.create(
            edition=edition, slug=f"c{c}", name=f"Category {c}", scale_min=0, scale_max=10
        )
        Criterion.objects.bulk_create(
            [
                Criterion(category=category, name=f"K{k}", weight=1 + k % 3, position=k)
                for k in range(CRITERIA)
            ]
        )
        categories.append(category)
    applications = Application.objects.bulk_create(
        [
            Application(
                edition=edition,
                category=categories[i % CATEGORIES],
                applicant=people[i],
                organisation=people[i].organisation,
                title=f"Project {i}",
                status=ApplicationStatus.ELIGIBLE,
            )
            for i in range(APPLICATIONS)
        ]
    )
    Application.team.through.objects.bulk_create(
        [
            Application.team.through(application_id=a.pk, person_id=a.applicant_id)
            for a in applications
        ]
    )
    jurors = Juror.objects.bulk_create(
        [
            Juror(
                edition=edition,
                person=people[APPLICATIONS + j],
                status=JurorStatus.ACCEPTED,
            )
            for j in range(JURORS)
        ]
    )
    return edition, staff, jurors


def score_everything(rng: random.Random, edition) -> None:
    from django.utils import timezone

    from compagnon.awards.models import Review, Score

    bias = {}
    rows = []
    reviews = list(
        Review.objects.filter(application__edition=edition).select_related("application__category")
    )
    criteria = {}
    for review in reviews:
        category_id = review.application.category_id
        if category_id not in criteria:
            criteria[category_id] = list(review.application.category.criteria.all())
        juror_bias = bias.setdefault(review.juror_id, rng.uniform(-2.5, 2.5))
        quality = (review.application_id * 7919) % 11 - 5
        for criterion in criteria[category_id]:
            value = round(5 + juror_bias + quality / 2 + rng.uniform(-1.5, 1.5))
            rows.append(Score(review=review, criterion=criterion, value=max(0, min(10, value))))
    Score.objects.bulk_create(rows, batch_size=2000)
    Review.objects.filter(pk__in=[r.pk for r in reviews]).update(submitted_at=timezone.now())


def numpy_floor(reviews):
    """The bare arithmetic: weighted means, z per juror, mean per application (no ranking)."""
    import numpy as np

    scores = np.asarray([r.scores for r in reviews], dtype=float)
    weights = np.asarray([r.weights for r in reviews], dtype=float)
    low = np.asarray([r.scale[0] for r in reviews])
    high = np.asarray([r.scale[1] for r in reviews])
    jurors = np.asarray([r.juror_id for r in reviews])
    apps = np.asarray([r.application_id for r in reviews])

    def compute():
        unit = ((scores - low[:, None]) / (high - low)[:, None] * weights).sum(1) / weights.sum(1)
        _j, jinv = np.unique(jurors, return_inverse=True)
        count = np.bincount(jinv)
        mean = np.bincount(jinv, unit) / count
        var = np.bincount(jinv, (unit - mean[jinv]) ** 2) / count
        std = np.sqrt(var)
        z = np.where(std[jinv] > 0, (unit - mean[jinv]) / np.where(std > 0, std, 1)[jinv], 0.0)
        a, ainv = np.unique(apps, return_inverse=True)
        return dict(
            zip(a.tolist(), (np.bincount(ainv, z) / np.bincount(ainv)).tolist(), strict=True)
        )

    return compute


def round_robin(applications: int, jurors: int, per: int = 3):
    import numpy as np

    def compute():
        return (np.arange(applications * per) % jurors).reshape(applications, per)

    return compute


def main() -> None:
    vendor = setup_django()
    rng = random.Random(SEED)
    info(f"database: {vendor}")
    edition, staff, jurors = populate(rng)

    from compagnon.awards import selectors, services
    from compagnon.awards.assignment import ApplicationSlot, assignment_plan
    from compagnon.awards.models import Review

    # The service, once (it writes): conflicts from the database, balanced, rows created.
    start = time.perf_counter()
    plan = services.reviews_assign(edition=edition)
    service_ms = (time.perf_counter() - start) * 1000
    assert not plan.short, plan.short
    conflicts = selectors.application_conflicts(edition, jurors)
    for app_id, juror_id in Review.objects.values_list("application_id", "juror_id"):
        assert juror_id not in conflicts[app_id], "a review crosses a conflict"
    loads = sorted(plan.load.values())
    info(f"service: {len(plan.pairs)} reviews, loads {loads[0]}..{loads[-1]}")
    report(
        f"assign_service_{APPLICATIONS}x{JURORS}",
        service_ms,
        measure(round_robin(APPLICATIONS, JURORS), runs=50),
        floor_name="round_robin",
    )

    score_everything(rng, edition)
    reviews = selectors.board_reviews(edition)
    floor = numpy_floor(reviews)
    expected = floor()
    board = selectors.board_for(edition)
    for _category, rows in board:
        for item, _application in rows:
            assert abs(item.z_mean - expected[item.application_id]) < 1e-9
    ties = sum(item.tied for _c, rows in board for item, _a in rows)
    info(f"board: {len(reviews)} reviews x {CRITERIA} criteria, {ties} tied applications")
    floor_ms = measure(floor, runs=50)
    from compagnon.awards.deliberation import board_rank

    report(
        "board_arithmetic",
        measure(lambda: board_rank(reviews), runs=15),
        floor_ms,
        floor_name="numpy_zscore",
    )
    report(
        "board_compute",
        measure(lambda: selectors.board_for(edition), runs=15),
        floor_ms,
        floor_name="numpy_zscore",
    )
    client = bench_client(staff)
    report(
        "board_page",
        measure(lambda: client.get(f"/awards/{edition.slug}/board/"), runs=15),
        floor_ms,
        floor_name="numpy_zscore",
    )

    # The engine alone at the size: 500 x 40, each juror conflicted with a few.
    engine_rng = random.Random(SEED)
    slots = [
        ApplicationSlot(
            id=i, conflicted=frozenset(engine_rng.sample(range(40), engine_rng.randint(0, 4)))
        )
        for i in range(500)
    ]
    result = assignment_plan(slots, range(40), per_application=3)
    assert not result.short and all(j not in slots[a].conflicted for a, j in result.pairs)
    report(
        "assign_engine_500x40",
        measure(lambda: assignment_plan(slots, range(40), per_application=3), runs=10),
        measure(round_robin(500, 40), runs=50),
        floor_name="round_robin",
    )


if __name__ == "__main__":
    main()
