"""Scoring benchmark: the challenge scorer against a bare floor, at 100k, 1M and 10M rows.

Run: uv run python bench/scoring.py            (all sizes, a few minutes)
     uv run python bench/scoring.py --quick    (100 000 rows only; or BENCH_QUICK=1)

For each size, a child process generates seeded data (integer and string ids,
solution and submission both shuffled, 30 % public), then for RMSE, log loss and
ROC AUC times, alternately, `score_submission` on a solution from `Solution.load`
and a bare floor (pyarrow read with fixed types + id -> row scatter with a table
built beforehand + numpy metric, no validation at all). It prints

    scoring_<ids>_<metric>_<rows>: 61.0 ms (1.21x floor 50.3 ms) read 40.1 ids 6.2 ...

and checks that both give the same public and private scores within 1e-12. The
child's peak memory (ru_maxrss) is printed per size, and the scorer's alone (a fresh
process loading the stored solution and scoring string ids with ROC AUC). Finally every metric is
checked against scikit-learn on random data.

The floor's id step: integer ids index a dense table; string ids get the scorer's
vectorised 64-bit keys (`string_keys`), are argsorted and scattered onto the
solution's sorted keys; the floor skips every check (permutation, exact string
comparison after hashing, NaN, ranges).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SEED = 20261122
PUBLIC_SHARE = 0.3
METRIC_NAMES = ("rmse", "log_loss", "roc_auc")


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compagnon.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


# --- data --------------------------------------------------------------------------


def _write(path: Path, columns: dict) -> None:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    pacsv.write_csv(pa.table(columns), str(path))


def _generate(folder: Path, n: int, id_kind: str) -> dict:
    import pyarrow as pa
    import pyarrow.compute as pc

    rng = np.random.default_rng(SEED + n + (1 if id_kind == "str" else 0))
    numbers = rng.permutation(n).astype(np.int64) + 1_000_000
    if id_kind == "int":
        ids = pa.array(numbers)
    else:
        ids = pc.binary_join_element_wise("u", pc.cast(pa.array(numbers * 7), pa.string()), "")
    value = rng.normal(50.0, 10.0, n)
    label = (rng.random(n) < 0.4).astype(np.int64)
    public = rng.random(n) < PUBLIC_SHARE
    usage = pc.if_else(pa.array(public), "Public", "Private")
    solution_csv = folder / f"solution-{id_kind}.csv"
    _write(solution_csv, {"id": ids, "y": value, "label": label, "Usage": usage})
    del usage
    order = pa.array(rng.permutation(n))
    shuffled = ids.take(order)
    order_np = order.to_numpy()
    guess = value + rng.normal(0.0, 5.0, n)
    probability = np.clip(0.25 * label + rng.random(n) * 0.75, 0.0, 1.0)
    probability = np.round(probability, 4)  # ties, as real models make
    submissions = {}
    path = folder / f"sub-{id_kind}-y.csv"
    _write(path, {"id": shuffled, "y": guess[order_np]})
    submissions["rmse"] = path
    path = folder / f"sub-{id_kind}-label.csv"
    _write(path, {"id": shuffled, "label": probability[order_np]})
    submissions["log_loss"] = submissions["roc_auc"] = path
    return {"solution_csv": solution_csv, "submissions": submissions}


# --- the floor ---------------------------------------------------------------------


class Floor:
    """The least work that gives the same numbers: no checks, lookups prebuilt."""

    def __init__(self, solution, target: str) -> None:
        import pyarrow as pa

        self.target = target
        ids = solution.ids
        self.integer = pa.types.is_integer(ids.type)
        self.n = len(ids)
        if self.integer:
            values = ids.to_numpy()
            self.low = int(values.min())
            self.table = np.full(int(values.max()) - self.low + 1, -1, dtype=np.int64)
            self.table[values - self.low] = np.arange(self.n)
        else:
            from compagnon.challenges.scoring import string_keys

            self.string_keys = string_keys
            self.sorted_rows = np.argsort(string_keys(ids)[0], kind="stable")
        self.truth = solution.targets[0].to_numpy()
        self.public = np.asarray(solution.public_mask)

    def read(self, path: Path):
        import pyarrow as pa
        import pyarrow.csv as pacsv

        return pacsv.read_csv(
            str(path),
            convert_options=pacsv.ConvertOptions(
                column_types={
                    "id": pa.int64() if self.integer else pa.string(),
                    self.target: pa.float64(),
                }
            ),
        )

    def rows(self, table):
        ids = table.column("id").combine_chunks()
        if self.integer:
            return self.table[ids.to_numpy() - self.low]
        rows = np.empty(self.n, dtype=np.int64)
        rows[np.argsort(self.string_keys(ids)[0], kind="stable")] = self.sorted_rows
        return rows

    def score(self, path: Path, metric: str) -> tuple[tuple[float, float], dict]:
        stages = {}
        start = time.perf_counter()
        table = self.read(path)
        stages["read"] = time.perf_counter() - start
        mark = time.perf_counter()
        rows = self.rows(table)
        stages["ids"] = time.perf_counter() - mark
        mark = time.perf_counter()
        pred = np.empty(self.n)
        pred[rows] = table.column(self.target).to_numpy()
        stages["align"] = time.perf_counter() - mark
        mark = time.perf_counter()
        result = getattr(self, metric)(self.truth, pred, self.public)
        stages["metric"] = time.perf_counter() - mark
        stages["total"] = time.perf_counter() - start
        return result, stages

    @staticmethod
    def rmse(truth, pred, public):
        err = (pred - truth) ** 2
        return float(np.sqrt(err[public].mean())), float(np.sqrt(err[~public].mean()))

    @staticmethod
    def log_loss(truth, pred, public):
        p = np.clip(np.where(truth == 1, pred, 1 - pred), 1e-15, 1 - 1e-15)
        loss = -np.log(p)
        return float(loss[public].mean()), float(loss[~public].mean())

    @staticmethod
    def roc_auc(truth, pred, public):
        def auc(y, s):
            order = np.argsort(s, kind="stable")
            s, y = s[order], y[order]
            starts = np.flatnonzero(np.r_[True, s[1:] != s[:-1]])
            ends = np.r_[starts[1:], len(s)]
            ranks = np.repeat((starts + ends + 1) / 2.0, ends - starts)
            pos = int(y.sum())
            neg = len(y) - pos
            return float((ranks[y == 1].sum() - pos * (pos + 1) / 2.0) / (pos * neg))

        return auc(truth[public], pred[public]), auc(truth[~public], pred[~public])


# --- one size, in a child process ----------------------------------------------------


def child(n: int, repeats: int) -> None:
    _django()
    from compagnon.challenges.scoring import Solution, score_submission

    with tempfile.TemporaryDirectory(prefix="bench-scoring-") as tmp:
        folder = Path(tmp)
        for id_kind in ("int", "str"):
            started = time.perf_counter()
            data = _generate(folder, n, id_kind)
            generated = time.perf_counter() - started
            mark = time.perf_counter()
            both = Solution.from_csv(
                data["solution_csv"], id_column="id", target_columns=["y", "label"]
            )
            parse_time = time.perf_counter() - mark
            for index, (target, metrics) in enumerate(
                (("y", ("rmse",)), ("label", ("log_loss", "roc_auc")))
            ):
                parsed = Solution(
                    id_column="id",
                    target_columns=[target],
                    ids=both.ids,
                    targets=[both.targets[index]],
                    public=both.public_mask,
                )
                stored = folder / f"solution-{id_kind}-{target}.arrow"
                parsed.save(stored)
                del parsed
                mark = time.perf_counter()
                solution = Solution.load(stored)
                load_time = time.perf_counter() - mark
                print(
                    f"# {id_kind} ids, {n} rows: data {generated:.2f} s, solution parse "
                    f"{parse_time:.2f} s, load (+ id lookup) {load_time:.3f} s",
                    flush=True,
                )
                floor = Floor(solution, target)
                for metric in metrics:
                    _compare(n, id_kind, metric, solution, floor, data, repeats, score_submission)
                del solution, floor
                if id_kind == "str" and target == "label":
                    # The scorer alone, as the worker runs it: load the stored solution and
                    # score the heaviest case (string ids, ROC AUC) in a fresh process.
                    subprocess.run(
                        [
                            sys.executable,
                            __file__,
                            "--scorer-peak",
                            str(n),
                            str(stored),
                            str(data["submissions"]["roc_auc"]),
                        ],
                        check=True,
                    )
            del both
            for path in folder.iterdir():
                path.unlink()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"scoring_peak_memory_{n}: {peak:.0f} MB (the whole benchmark process: data, "
        "solution parse, floor and scorer)",
        flush=True,
    )


def _compare(n, id_kind, metric, solution, floor, data, repeats, score_submission) -> None:
    path = data["submissions"][metric]
    mine_times, floor_times, mine_stages, floor_stages = [], [], [], []
    if n < 5_000_000:
        score_submission(solution, path, metric=metric)  # warm-up (page cache, pools)
    for _ in range(repeats):
        result = score_submission(solution, path, metric=metric)
        mine_times.append(result.timings["total"])
        mine_stages.append(result.timings)
        reference, stages = floor.score(path, metric)
        floor_times.append(stages["total"])
        floor_stages.append(stages)
    mine = statistics.median(mine_times) * 1000
    bare = statistics.median(floor_times) * 1000
    diff = max(abs(result.public - reference[0]), abs(result.private - reference[1]))
    status = "ok" if diff <= 1e-12 else "MISMATCH"

    def stages_text(samples):
        return " ".join(
            f"{key} {statistics.median(s[key] for s in samples) * 1000:.1f}"
            for key in ("read", "ids", "align", "metric")
        )

    print(
        f"scoring_{id_kind}_{metric}_{n}: {mine:.1f} ms ({mine / bare:.2f}x floor {bare:.1f} ms)"
        f" | yours: {stages_text(mine_stages)} | floor: {stages_text(floor_stages)}"
        f" | max score diff {diff:.1e} {status}",
        flush=True,
    )


# --- agreement with scikit-learn ---------------------------------------------------


def agreement() -> None:
    _django()
    from sklearn import metrics as sk

    from compagnon.challenges.metrics import METRICS

    worst: dict[str, float] = {}

    def note(name, got, want):
        worst[name] = max(worst.get(name, 0.0), abs(got[0] - want[0]), abs(got[1] - want[1]))

    for seed in range(20):
        rng = np.random.default_rng(seed)
        n = 2000
        public = rng.random(n) < PUBLIC_SHARE

        def both(fn, *arrays, mask=public, **kw):
            return fn(*(a[mask] for a in arrays), **kw), fn(*(a[~mask] for a in arrays), **kw)

        truth = rng.normal(10, 3, n)
        pred = truth + rng.normal(0, 1, n)
        note(
            "rmse",
            METRICS["rmse"].compute(truth, pred.copy(), public),
            tuple(v**0.5 for v in both(sk.mean_squared_error, truth, pred)),
        )
        note(
            "mae",
            METRICS["mae"].compute(truth, pred.copy(), public),
            both(sk.mean_absolute_error, truth, pred),
        )
        mape = both(sk.mean_absolute_percentage_error, truth, pred)
        note(
            "mape",
            METRICS["mape"].compute(truth, pred.copy(), public),
            (100 * mape[0], 100 * mape[1]),
        )
        k = 4
        labels = rng.integers(0, k, n)
        guess = np.where(rng.random(n) < 0.5, labels, rng.integers(0, k, n))
        note(
            "accuracy",
            METRICS["accuracy"].compute(labels, guess, public, n_classes=k),
            both(sk.accuracy_score, labels, guess),
        )
        note(
            "balanced_accuracy",
            METRICS["balanced_accuracy"].compute(labels, guess, public, n_classes=k),
            both(sk.balanced_accuracy_score, labels, guess),
        )
        for average in ("macro", "micro", "weighted"):
            note(
                f"f1_{average}",
                METRICS[f"f1_{average}"].compute(labels, guess, public, n_classes=k),
                both(sk.f1_score, labels, guess, labels=list(range(k)), average=average),
            )
        binary = rng.integers(0, 2, n)
        score = np.round(np.clip(binary * 0.3 + rng.random(n) * 0.7, 0.01, 0.99), 2)
        note(
            "roc_auc (binary)",
            METRICS["roc_auc"].compute(binary, score, public),
            both(sk.roc_auc_score, binary, score),
        )
        note(
            "log_loss (binary)",
            METRICS["log_loss"].compute(binary, score, public),
            both(sk.log_loss, binary, score, labels=[0, 1]),
        )
        raw = rng.random((n, k)) + np.eye(k)[labels]
        prob = raw / raw.sum(axis=1, keepdims=True)
        note(
            "roc_auc (ovr macro)",
            METRICS["roc_auc"].compute(labels, prob, public),
            both(sk.roc_auc_score, labels, prob, multi_class="ovr", labels=list(range(k))),
        )
        note(
            "log_loss (multiclass)",
            METRICS["log_loss"].compute(labels, prob, public),
            both(sk.log_loss, labels, prob, labels=list(range(k))),
        )
        relevance = (rng.random((300, 12)) < 0.25).astype(float)
        relevance[:, 0] = 1
        scores = rng.random((300, 12))
        truth_rows = [{str(j): 1.0 for j in np.flatnonzero(r)} for r in relevance]
        ranked = [[str(j) for j in np.argsort(-r)] for r in scores]
        small = public[:300]
        note(
            "ndcg_at_10 (binary relevance)",
            METRICS["ndcg_at_10"].compute(truth_rows, ranked, small),
            (
                sk.ndcg_score(relevance[small], scores[small], k=10),
                sk.ndcg_score(relevance[~small], scores[~small], k=10),
            ),
        )
    for name, value in worst.items():
        print(f"agreement_vs_sklearn {name}: max abs diff {value:.1e} over 20 seeds", flush=True)
    print(
        "# smape, map@k and graded ndcg: hand-computed cases in test_metrics.py "
        "(scikit-learn has no equivalent definition)",
        flush=True,
    )


def _high_water_mb() -> float:
    """This process's peak resident memory (Linux), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def scorer_peak(n: int, solution_path: str, submission_path: str) -> None:
    _django()
    from compagnon.challenges.scoring import Solution, score_submission

    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent through fork + exec.
    before = _high_water_mb()
    score_submission(Solution.load(solution_path), submission_path, metric="roc_auc")
    peak = _high_water_mb()
    print(
        f"scoring_peak_memory_scorer_{n}: {peak:.0f} MB (string ids, ROC AUC, whole process; "
        f"{before:.0f} MB before loading the solution)",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--child", type=int)
    parser.add_argument("--scorer-peak", nargs=3)
    parser.add_argument("--repeats", type=int, default=0)
    args = parser.parse_args()
    if args.scorer_peak:
        n, solution_path, submission_path = args.scorer_peak
        scorer_peak(int(n), solution_path, submission_path)
        return
    if args.child:
        child(args.child, args.repeats or (1 if args.child >= 5_000_000 else 7))
        return
    quick = args.quick or os.environ.get("BENCH_QUICK", "") not in ("", "0")
    sizes = [100_000] if quick else [100_000, 1_000_000, 10_000_000]
    for n in sizes:
        started = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--child", str(n)], check=True)
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(
            f"# size {n}: {time.perf_counter() - started:.1f} s, "
            f"largest child so far {children:.0f} MB",
            flush=True,
        )
    agreement()


if __name__ == "__main__":
    main()
