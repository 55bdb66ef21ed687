"""Bootstrap intervals (seeded) and the k-anonymity rule."""

from __future__ import annotations

import numpy as np
import pytest

from compagnon.insights.selectors import figure_visible, figures_visible
from compagnon.insights.stats import bootstrap, paired_gain
from compagnon.insights.survival import K_MIN


def test_the_bootstrap_is_seeded_and_covers_the_truth():
    rng = np.random.default_rng(1)
    before = rng.integers(1, 3, size=200).astype(float)
    after = before + rng.normal(0.5, 1.0, size=200)

    first = paired_gain(before, after)
    again = paired_gain(before, after)

    assert first == again
    gain = first["mean_gain"]
    assert gain["low"] < 0.5 < gain["high"]
    assert gain["low"] < gain["value"] < gain["high"]
    assert gain["n"] == 200
    assert first["effect_size"]["low"] < 0.5 < first["effect_size"]["high"]


def test_an_undefined_effect_size_is_none_not_infinite():
    figures = paired_gain(np.array([1.0] * 6), np.array([2.0] * 6))
    assert figures["mean_gain"]["value"] == 1.0
    assert figures["effect_size"]["value"] is None


def test_bootstrap_of_nothing():
    estimate = bootstrap(np.array([]), lambda rows: rows.mean(axis=1))
    assert estimate.n == 0


@pytest.mark.parametrize(
    ("n", "shown"), [(None, False), (0, False), (K_MIN - 1, False), (K_MIN, True), (40, True)]
)
def test_the_k_anonymity_rule(n, shown):
    assert K_MIN == 5
    assert figure_visible(n) is shown


def _estimate(n):
    return {"value": 1.0, "low": 0.5, "high": 1.5, "n": n}


def test_figures_over_fewer_than_five_people_are_removed():
    curve = {
        "n": 30,
        "events": 4,
        "points": [{"t": 0.0, "s": 1.0, "low": 1.0, "high": 1.0}],
        "at_risk": [{"t": 0, "n": 30}, {"t": 1, "n": 7}, {"t": 2, "n": 4}],
    }
    payload = {
        "growth": {
            "feedback": {
                "mean_gain": _estimate(4),
                "effect_size": _estimate(4),
                "share_improved": _estimate(4),
            },
            "history": {
                "mean_gain": _estimate(5),
                "effect_size": _estimate(5),
                "share_improved": _estimate(5),
            },
            "challenges": None,
        },
        "retention": {
            "curves": {"took_part": curve, "other": {**curve, "n": 3}},
            "retention_at_horizon": {"took_part": 0.8, "other": 0.7},
            "cox": {"hr": 0.7, "n": 4},
            "matched": {"hr": 0.7, "pairs": 4},
        },
    }

    shown = figures_visible(payload)

    assert shown["growth"]["feedback"] is None
    assert shown["growth"]["history"]["mean_gain"]["n"] == 5
    retention = shown["retention"]
    assert retention["curves"]["other"] is None
    assert retention["retention_at_horizon"] == {"took_part": 0.8, "other": None}
    assert [row["n"] for row in retention["curves"]["took_part"]["at_risk"]] == [30, 7]
    assert retention["cox"] is None and retention["matched"] is None
    assert payload["retention"]["cox"] == {"hr": 0.7, "n": 4}  # the snapshot is left as it was
