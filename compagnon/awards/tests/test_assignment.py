"""The assignment engine: constraints proven by hypothesis, speed at the issue's size."""

import random
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from compagnon.awards.assignment import ApplicationSlot, assignment_plan


@st.composite
def problems(draw):
    jurors = draw(st.integers(min_value=0, max_value=12))
    juror_ids = list(range(1, jurors + 1))
    count = draw(st.integers(min_value=0, max_value=30))
    slots = []
    for app_id in range(100, 100 + count):
        conflicted = (
            draw(st.frozensets(st.sampled_from(juror_ids), max_size=jurors))
            if (juror_ids)
            else frozenset()
        )
        slots.append(ApplicationSlot(id=app_id, conflicted=conflicted))
    per = draw(st.integers(min_value=1, max_value=4))
    return slots, juror_ids, per


@settings(max_examples=300, deadline=None)
@given(problems())
def test_every_constraint_holds(problem):
    slots, juror_ids, per = problem
    plan = assignment_plan(slots, juror_ids, per_application=per)
    assigned: dict[int, list[int]] = {}
    for app_id, juror in plan.pairs:
        assigned.setdefault(app_id, []).append(juror)
    for slot in slots:
        reviewers = assigned.get(slot.id, [])
        # Never across a conflict, never the same juror twice.
        assert not set(reviewers) & slot.conflicted
        assert len(reviewers) == len(set(reviewers))
        eligible = len(set(juror_ids) - slot.conflicted)
        # As many independent reviews as asked, or every eligible juror and a shortfall said.
        assert len(reviewers) == min(per, eligible)
        assert plan.short.get(slot.id, 0) == per - len(reviewers)
    assert sum(plan.load.values()) == len(plan.pairs)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=1, max_value=40),
    st.integers(min_value=3, max_value=15),
    st.integers(min_value=1, max_value=3),
)
def test_without_conflicts_loads_stay_within_one(applications, jurors, per):
    slots = [ApplicationSlot(id=i, conflicted=frozenset()) for i in range(applications)]
    plan = assignment_plan(slots, range(jurors), per_application=per)
    assert max(plan.load.values()) - min(plan.load.values()) <= 1


def test_reviews_already_assigned_are_kept_and_counted():
    slots = [
        ApplicationSlot(id=1, conflicted=frozenset(), already=frozenset({1, 2})),
        ApplicationSlot(id=2, conflicted=frozenset({3})),
    ]
    plan = assignment_plan(slots, [1, 2, 3, 4], per_application=3, existing_load={1: 1, 2: 1})
    assert sorted(j for a, j in plan.pairs if a == 1) in ([3], [4])
    assert 3 not in [j for a, j in plan.pairs if a == 2]
    assert plan.short == {}


def test_500_applications_for_40_jurors_in_under_two_seconds():
    rng = random.Random(16)
    # Each juror's organisation has a few applications: realistic conflicts.
    slots = [
        ApplicationSlot(id=i, conflicted=frozenset(rng.sample(range(40), rng.randint(0, 4))))
        for i in range(500)
    ]
    start = time.perf_counter()
    plan = assignment_plan(slots, range(40), per_application=3)
    elapsed = time.perf_counter() - start
    assert elapsed < 2.0
    assert len(plan.pairs) == 1500 and not plan.short
    for app_id, juror in plan.pairs:
        assert juror not in slots[app_id].conflicted
    assert max(plan.load.values()) - min(plan.load.values()) <= 2
