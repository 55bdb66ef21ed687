"""Fairness-aware scoring at 1M rows: the real scorer against the bare numpy floor.

Run: uv run python bench/fairness_metrics.py

Prints, for example,
    fairness_scoring_1M: 260.0 ms (1.10x floor 236.0 ms) accuracy + 4 fairness metrics, both splits
    fairness_metrics_1M: 9.0 ms (1.20x floor 7.5 ms) the metric step alone
    fairness_added_1M: 3.0 ms on top of accuracy alone (254.0 ms)

Seeded data: 1M integer ids (solution and submission shuffled), 30 % public, a 0/1 target,
four groups of a sensitive attribute held in the solution only, 0/1 decisions.

- `fairness_scoring_1M`: `score_submission(solution, path, metric="accuracy",
  metrics=the four)` on a solution from `Solution.load` (the worker's path: read the CSV,
  match the ids, align, accuracy and the four fairness metrics on both splits, every check)
  against the floor: the same numbers with no framework and no check (pyarrow read with
  fixed types, a prebuilt dense id table, one `bincount` of split x group x truth x decision,
  from which accuracy and the four formulas are read).
- `fairness_metrics_1M`: the metric step alone on arrays already aligned (the scorer's
  `timings["metric"]`, median) against the floor's numpy on the same arrays.
Both agree to 1e-12 (asserted), and with fairlearn on a 20 000-row sample.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compagnon.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

ROWS = 1_000_000
GROUPS = 4
SEED = 2026
RUNS = 7
FOUR = [
    "demographic_parity_difference",
    "equal_opportunity_difference",
    "equalised_odds_difference",
    "disparate_impact_ratio",
]


def _median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def _floor_metrics(truth, decision, group, public):
    """Accuracy and the four fairness metrics per split, bare numpy."""
    out = []
    cell = public.astype(np.int64) * (GROUPS * 4) + group * 4 + truth * 2 + decision
    counts = np.bincount(cell, minlength=2 * GROUPS * 4).reshape(2, GROUPS, 4)
    for split in (1, 0):
        c = counts[split]
        rows = c.sum(axis=1)
        s = (c[:, 1] + c[:, 3]) / rows
        tpr = c[:, 3] / (c[:, 2] + c[:, 3])
        fpr = c[:, 1] / (c[:, 0] + c[:, 1])
        out.append(
            {
                "accuracy": float((c[:, 0] + c[:, 3]).sum() / rows.sum()),
                "demographic_parity_difference": float(s.max() - s.min()),
                "equal_opportunity_difference": float(tpr.max() - tpr.min()),
                "equalised_odds_difference": float(
                    max(tpr.max() - tpr.min(), fpr.max() - fpr.min())
                ),
                "disparate_impact_ratio": float(s.min() / s.max()),
            }
        )
    return out[0], out[1]


def main() -> None:
    import django

    django.setup()
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from compagnon.challenges.scoring import Solution, score_submission

    rng = np.random.default_rng(SEED)
    ids = rng.permutation(ROWS) + 1
    group = rng.integers(0, GROUPS, ROWS)
    truth = (rng.random(ROWS) < 0.35 + 0.08 * group).astype(np.int64)
    public = rng.random(ROWS) < 0.3
    labels = np.array(["a", "b", "c", "d"])
    decision_by_id = (rng.random(ROWS) < 0.3 + 0.1 * group).astype(np.int64)

    with tempfile.TemporaryDirectory() as folder:
        solution_csv = Path(folder, "solution.csv")
        pacsv.write_csv(
            pa.table(
                {
                    "id": ids,
                    "target": truth,
                    "Usage": np.where(public, "Public", "Private"),
                    "genre": labels[group],
                }
            ),
            solution_csv,
        )
        order = rng.permutation(ROWS)
        submission = Path(folder, "submission.csv")
        pacsv.write_csv(pa.table({"id": ids[order], "target": decision_by_id[order]}), submission)
        parsed = Path(folder, "solution.parsed")
        Solution.from_csv(
            solution_csv, sensitive_column="genre", metric="accuracy", metrics=FOUR
        ).save(parsed)
        solution = Solution.load(parsed)
        solution.check_metric("accuracy")

        # The floor's prebuilt state: a dense id table and the truth in solution order.
        dense = np.full(ROWS + 1, -1, dtype=np.int64)
        dense[ids] = np.arange(ROWS)

        def floor():
            table = pacsv.read_csv(
                str(submission),
                convert_options=pacsv.ConvertOptions(
                    column_types={"id": pa.int64(), "target": pa.int64()}
                ),
            )
            rows = dense[table.column("id").combine_chunks().to_numpy()]
            decision = np.empty(ROWS, dtype=np.int64)
            decision[rows] = table.column("target").combine_chunks().to_numpy()
            return _floor_metrics(truth, decision, group, public)

        def ours(metrics=FOUR):
            return score_submission(solution, submission, metric="accuracy", metrics=metrics)

        result, expected = ours(), floor()
        for name, value in expected[1].items():
            assert abs(result.private_metrics[name] - value) <= 1e-12, name
            assert abs(result.public_metrics[name] - expected[0][name]) <= 1e-12, name
        _check_fairlearn()

        floor_times, our_times, our_metric, plain_times = [], [], [], []
        for _ in range(RUNS):
            start = time.perf_counter()
            floor()
            floor_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            scored = ours()
            our_times.append(time.perf_counter() - start)
            our_metric.append(scored.timings["metric"])
            start = time.perf_counter()
            ours(metrics=())
            plain_times.append(time.perf_counter() - start)

        # The metric step alone on aligned arrays, floor and ours.
        decision = decision_by_id.copy()
        floor_metric = []
        for _ in range(RUNS):
            start = time.perf_counter()
            _floor_metrics(truth, decision, group, public)
            floor_metric.append(time.perf_counter() - start)

    full, base = _median_ms(our_times), _median_ms(floor_times)
    step, step_floor = _median_ms(our_metric), _median_ms(floor_metric)
    plain = _median_ms(plain_times)
    print(
        f"fairness_scoring_1M: {full:.1f} ms ({full / base:.2f}x floor {base:.1f} ms) "
        "accuracy + 4 fairness metrics, both splits",
        flush=True,
    )
    print(
        f"fairness_metrics_1M: {step:.1f} ms ({step / step_floor:.2f}x floor {step_floor:.1f} ms) "
        "the metric step alone",
        flush=True,
    )
    print(f"fairness_added_1M: {full - plain:.1f} ms on top of accuracy alone ({plain:.1f} ms)")


def _check_fairlearn() -> None:
    """The floor's formulas against fairlearn on a 20 000-row sample (the tests check the
    scorer against fairlearn; the run above checks the scorer against the floor)."""
    import fairlearn.metrics as fm

    rng = np.random.default_rng(1)
    group = rng.integers(0, GROUPS, 20_000)
    y = (rng.random(20_000) < 0.4).astype(int)
    p = (rng.random(20_000) < 0.3 + 0.1 * group).astype(int)
    with np.errstate(all="ignore"):  # the empty public split
        ours = _floor_metrics(y, p, group, np.zeros(20_000, dtype=bool))[1]
    theirs = fm.demographic_parity_difference(y, p, sensitive_features=group)
    assert abs(ours["demographic_parity_difference"] - theirs) <= 1e-12
    theirs = fm.equalized_odds_difference(y, p, sensitive_features=group)
    assert abs(ours["equalised_odds_difference"] - theirs) <= 1e-12


if __name__ == "__main__":
    main()
