"""Means, spreads, disagreements and the overall score, on plain values."""

from __future__ import annotations

import pytest

from compagnon.benchathons.aggregation import CriterionSpec, aggregate

CRITERIA = [
    CriterionSpec(1, "Docs", "1_5", weight=1),
    CriterionSpec(2, "Would use", "yes_no", weight=1),
    CriterionSpec(3, "Install time", "number", unit="s"),
    CriterionSpec(4, "Weaknesses", "text", weight=0),
]


def test_mean_spread_and_disagreement_per_item_and_criterion():
    scores = [
        (10, 1, 2.0, ""),
        (10, 1, 4.0, ""),  # 2 points apart: disagreement
        (11, 1, 4.0, ""),
        (11, 1, 5.0, ""),  # 1 point apart: fine
        (10, 2, 1.0, ""),
        (10, 2, 0.0, ""),  # yes against no
        (11, 2, 1.0, ""),
        (11, 2, 1.0, ""),
        (10, 3, 30.0, ""),
        (10, 3, 300.0, ""),  # far apart, but a measure is never flagged
        (10, 4, None, "Slow on big data"),
    ]
    results = aggregate(item_ids=[10, 11], criteria=CRITERIA, scores=scores)
    docs = results.cell(10, 1)
    assert (docs.count, docs.mean, docs.spread) == (2, 3.0, 2.0)
    assert docs.std == pytest.approx(1.0)
    assert docs.disagreement
    assert not results.cell(11, 1).disagreement
    assert results.cell(10, 2).disagreement
    assert not results.cell(11, 2).disagreement
    assert results.cell(10, 3).mean == 165.0 and not results.cell(10, 3).disagreement
    assert results.cell(10, 4).texts == ("Slow on big data",)
    assert sorted(results.disagreements) == [(10, 1), (10, 2)]
    # Overall: docs (3-1)/4 = 0.5 and use 0.5 -> 50; item 11: (4.5-1)/4 = 0.875 and 1 -> 93.75
    assert results.overall == {10: 50.0, 11: pytest.approx(93.8)}


def test_weights_count_and_unanswered_criteria_are_left_out():
    criteria = [CriterionSpec(1, "A", "1_5", weight=3), CriterionSpec(2, "B", "1_5", weight=1)]
    results = aggregate(
        item_ids=[1, 2], criteria=criteria, scores=[(1, 1, 5.0, ""), (1, 2, 1.0, "")]
    )
    assert results.overall[1] == 75.0
    assert results.overall[2] is None
    assert results.cell(2, 1).mean is None


def test_answers_about_unknown_items_or_criteria_are_ignored():
    results = aggregate(
        item_ids=[1], criteria=CRITERIA[:1], scores=[(9, 1, 5.0, ""), (1, 9, 5.0, "")]
    )
    assert results.cells == {}


def test_nothing_to_aggregate():
    assert aggregate(item_ids=[], criteria=[], scores=[]).cells == {}
