"""Group-fairness metrics at 1M rows: streamed per-group counts against bare numpy.

Run: uv run python bench/fairness_metrics.py

Prints
    fairness_metrics_1M_chunked: 40.0 ms (0.60x floor numpy 66.1 ms)

(Below 1: 64k-row chunks stay in the CPU cache, the whole-array floor does not.)

`challenges.fairness`: `GroupCounts.update` over 64k-row chunks (as a streaming
scorer would feed it), then the four metrics from the counts. The floor computes
the same four numbers in one go on the whole arrays (five `bincount`s, no
chunking, no checks). Both must agree to 1e-12. This is the metrics' own cost;
wiring them into `score_submission` (issue #19 item 2) is still to do.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compagnon.settings")

ROWS = 1_000_000
GROUPS = 4
CHUNK = 65_536
SEED = 2026


def _median_ms(call, runs: int = 15) -> float:
    call()
    durations = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        durations.append((time.perf_counter() - start) * 1000)
    return statistics.median(durations)


def main() -> None:
    import django

    django.setup()
    from compagnon.challenges.fairness import FAIRNESS_METRICS, GroupCounts

    rng = np.random.default_rng(SEED)
    group = rng.integers(0, GROUPS, ROWS)
    truth = (rng.random(ROWS) < 0.4 + 0.05 * group).astype(np.int8)
    predicted = (rng.random(ROWS) < 0.35 + 0.08 * group).astype(np.int8)

    def streamed() -> dict[str, float]:
        counts = GroupCounts(groups=GROUPS)
        for start in range(0, ROWS, CHUNK):
            end = start + CHUNK
            counts.update(truth[start:end], predicted[start:end], group[start:end])
        return {name: metric(counts) for name, metric in FAIRNESS_METRICS.items()}

    def floor() -> dict[str, float]:
        t, p = truth.astype(bool), predicted.astype(bool)
        rows = np.bincount(group, minlength=GROUPS)
        positives = np.bincount(group, weights=t, minlength=GROUPS)
        s = np.bincount(group, weights=p, minlength=GROUPS) / rows
        a = np.bincount(group, weights=t & p, minlength=GROUPS) / positives
        b = np.bincount(group, weights=~t & p, minlength=GROUPS) / (rows - positives)
        return {
            "demographic_parity_difference": s.max() - s.min(),
            "equal_opportunity_difference": a.max() - a.min(),
            "equalised_odds_difference": max(a.max() - a.min(), b.max() - b.min()),
            "disparate_impact_ratio": s.min() / s.max(),
        }

    ours, bare = streamed(), floor()
    for name in ours:
        assert abs(ours[name] - bare[name]) <= 1e-12, (name, ours[name], bare[name])
    floor_ms = _median_ms(floor)
    value_ms = _median_ms(streamed)
    print(
        f"fairness_metrics_1M_chunked: {value_ms:.1f} ms "
        f"({value_ms / floor_ms:.2f}x floor numpy {floor_ms:.1f} ms)",
        flush=True,
    )


if __name__ == "__main__":
    main()
