"""Group-fairness metrics against their definitions, computed by hand on small cases."""

from __future__ import annotations

import numpy as np
import pytest

from compagnon.challenges.fairness import (
    GroupCounts,
    Ranking,
    demographic_parity_difference,
    disparate_impact_ratio,
    equal_opportunity_difference,
    equalised_odds_difference,
    pareto_front,
    ranked,
)
from compagnon.challenges.metrics import MetricUndefinedError

TRUTH = np.array([1, 1, 0, 0, 1, 1, 0, 0, 1, 0])
PREDICTED = np.array([1, 0, 1, 0, 1, 1, 1, 1, 0, 0])
GROUP = np.array([0, 0, 0, 0, 1, 1, 1, 1, 1, 1])


def _counts(chunks: int = 1) -> GroupCounts:
    counts = GroupCounts(groups=2)
    for part in np.array_split(np.arange(len(TRUTH)), chunks):
        counts.update(TRUTH[part], PREDICTED[part], GROUP[part])
    return counts


@pytest.mark.parametrize("chunks", [1, 3, 10])
def test_the_four_metrics_match_their_definitions_chunk_by_chunk(chunks):
    counts = _counts(chunks)
    # Group 0: selection 2/4, TPR 1/2, FPR 1/2. Group 1: selection 4/6, TPR 2/3, FPR 2/3.
    assert demographic_parity_difference(counts) == pytest.approx(4 / 6 - 2 / 4, abs=1e-12)
    assert equal_opportunity_difference(counts) == pytest.approx(2 / 3 - 1 / 2, abs=1e-12)
    assert equalised_odds_difference(counts) == pytest.approx(2 / 3 - 1 / 2, abs=1e-12)
    assert disparate_impact_ratio(counts) == pytest.approx((2 / 4) / (4 / 6), abs=1e-12)


def test_a_group_without_positives_makes_the_tpr_undefined():
    counts = GroupCounts(groups=2)
    counts.update(np.array([0, 0, 1]), np.array([1, 0, 1]), np.array([0, 0, 1]))
    assert demographic_parity_difference(counts) == pytest.approx(0.5)
    with pytest.raises(MetricUndefinedError):
        equal_opportunity_difference(counts)


def test_one_group_only_is_undefined():
    counts = GroupCounts(groups=2)
    counts.update(np.array([1, 0]), np.array([1, 0]), np.array([0, 0]))
    with pytest.raises(MetricUndefinedError, match="two groups"):
        demographic_parity_difference(counts)


SCORES = [
    {"accuracy": 0.90, "dpd": 0.30},
    {"accuracy": 0.85, "dpd": 0.05},
    {"accuracy": 0.80, "dpd": 0.10},  # beaten by the second on both
    {"accuracy": 0.92, "dpd": 0.40},
]
HIGHER = {"accuracy": True, "dpd": False}


def test_pareto_front_keeps_the_entries_no_other_beats_on_every_metric():
    assert pareto_front(SCORES, HIGHER) == [0, 1, 3]
    assert pareto_front([], HIGHER) == []


def test_rankings_one_metric_weighted_sum_and_constraint():
    assert ranked(SCORES, HIGHER, Ranking(metric="accuracy")) == [3, 0, 1, 2]
    assert ranked(SCORES, HIGHER, Ranking(weights={"accuracy": 1, "dpd": 1})) == [1, 2, 0, 3]
    constrained = Ranking(metric="accuracy", constraint_metric="dpd", constraint_bound=0.1)
    assert ranked(SCORES, HIGHER, constrained) == [1, 2, 0, 3]
