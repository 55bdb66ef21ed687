"""Scoring memory: the worker's peak memory on a 200 MB submission, valid and malformed.

Run: uv run python bench/scoring_memory.py        (200 MB; BENCH_SCORING_MB to change)

A seeded solution with string ids is parsed and stored (Arrow IPC) as the app does; the
submission CSV is ~200 MB. Each case runs in a fresh process that loads the stored
solution (memory-mapped, with its id lookup), notes its peak resident memory (VmHWM),
scores the file and notes the peak again. It prints, per case,

    scoring_memory_valid: 512 MB peak, +330 MB while scoring = 1.6x the file (200 MB; target <= 3x)

"+N MB while scoring" is the growth of the peak over the process with the solution
loaded (the solution's own arrays are counted before); the ratio divides it by the
file's size. Cases: valid; a bad number on the last line; a line with an extra column
near the end; an id that is not the challenge's on the last line.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SEED = 20261204
TARGET_MB = float(os.environ.get("BENCH_SCORING_MB", "200"))
BYTES_PER_ROW = 31  # "u1234567890,49.123456789012345\n", about


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compagnon.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def _high_water_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise SystemExit("bench: needs Linux (/proc/self/status)")


def generate(folder: Path) -> dict[str, Path]:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    from compagnon.challenges.scoring import Solution

    n = int(TARGET_MB * 1e6 / BYTES_PER_ROW)
    rng = np.random.default_rng(SEED)
    numbers = rng.permutation(n).astype(np.int64) + 1_000_000_000
    ids = pc.binary_join_element_wise("u", pc.cast(pa.array(numbers), pa.string()), "")
    truth = rng.normal(50.0, 10.0, n)
    usage = pc.if_else(pa.array(rng.random(n) < 0.3), "Public", "Private")
    solution_csv = folder / "solution.csv"
    pacsv.write_csv(pa.table({"id": ids, "y": truth, "Usage": usage}), str(solution_csv))
    del usage
    solution = Solution.from_csv(solution_csv, id_column="id", target_columns=["y"])
    stored = folder / "solution.arrow"
    solution.save(stored)
    del solution
    order = pa.array(rng.permutation(n))
    guess = (truth + rng.normal(0.0, 5.0, n))[order.to_numpy()]
    valid = folder / "valid.csv"
    pacsv.write_csv(pa.table({"id": ids.take(order), "y": guess}), str(valid))
    files = {"valid": valid}
    with open(valid, "rb") as handle:
        handle.seek(-200, os.SEEK_END)
        tail = handle.read()
    last_line = tail.rstrip(b"\n").rsplit(b"\n", 1)[-1]
    size = valid.stat().st_size

    def variant(name: str, replace_last: bytes | None = None, insert_near_end: bytes = b""):
        path = folder / f"{name}.csv"
        with open(valid, "rb") as source, open(path, "wb") as sink:
            cut = size - len(last_line) - 1
            remaining = cut
            while remaining:
                chunk = source.read(min(remaining, 1 << 24))
                sink.write(chunk)
                remaining -= len(chunk)
            sink.write(insert_near_end)
            sink.write(replace_last if replace_last is not None else last_line + b"\n")
        files[name] = path

    last_id = last_line.split(b",")[0]
    variant("bad_number_last_line", replace_last=last_id + b",oops\n")
    variant(
        "extra_column_near_end",
        replace_last=last_line + b",1\n",
    )
    variant(
        "unknown_id_last_line", replace_last=b"zz-not-an-id," + last_line.split(b",")[1] + b"\n"
    )
    return {"solution": stored, **files}


def measure(solution_path: str, submission_path: str) -> None:
    _django()
    from django.utils import translation

    from compagnon.challenges.scoring import ScoringError, Solution, score_submission

    translation.activate("en")

    solution = Solution.load(solution_path)
    before = _high_water_mb()
    try:
        score_submission(solution, submission_path, metric="rmse")
        outcome = "scored"
    except ScoringError as error:
        outcome = f"refused: {str(error)[:90]}"
    peak = _high_water_mb()
    print(f"{before:.1f} {peak:.1f} {outcome}", flush=True)


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--measure":
        measure(sys.argv[2], sys.argv[3])
        return
    _django()
    with tempfile.TemporaryDirectory(prefix="compagnon-scoring-memory-") as folder:
        files = generate(Path(folder))
        solution = files.pop("solution")
        for name, path in files.items():
            size_mb = path.stat().st_size / 1e6
            output = subprocess.run(
                [sys.executable, __file__, "--measure", str(solution), str(path)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout.strip()
            before_text, peak_text, outcome = output.split(" ", 2)
            before, peak = float(before_text), float(peak_text)
            grown = peak - before
            print(
                f"scoring_memory_{name}: {peak:.0f} MB peak, +{grown:.0f} MB while scoring "
                f"= {grown / size_mb:.2f}x the file ({size_mb:.0f} MB; target <= 3x; "
                f"{before:.0f} MB with the solution loaded) [{outcome}]",
                flush=True,
            )


if __name__ == "__main__":
    main()
