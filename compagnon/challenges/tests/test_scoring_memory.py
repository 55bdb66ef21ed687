"""A large malformed submission is explained by streaming: the worker's memory stays near the
file's size (it used to reach ~10x: the whole file read as strings, then as bytes and text).

Each file is scored in a fresh process that reports its peak resident memory (VmHWM)
before and after, the stored solution being loaded first (its arrays are not counted).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pytest

from compagnon.challenges.scoring import Solution

ROOT = Path(__file__).resolve().parents[3]
ROWS = 1_300_000  # about 40 MB of submission (the fixed overhead of pyarrow is ~50 MB)

MEASURE = """
import os, sys
sys.path.insert(0, {root!r})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compagnon.settings")
import django
django.setup()
from django.utils import translation
translation.activate("en")
from compagnon.challenges.scoring import ScoringError, Solution, score_submission

def peak():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024

solution = Solution.load({solution!r})
before = peak()
try:
    score_submission(solution, {submission!r}, metric="rmse")
    outcome = "scored"
except ScoringError as error:
    outcome = str(error)
print(peak() - before)
print(outcome)
"""


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("memory")
    rng = np.random.default_rng(7)
    ids = pc.binary_join_element_wise(
        "u", pc.cast(pa.array(rng.permutation(ROWS) + 10**9), pa.string()), ""
    )
    truth = rng.normal(50, 10, ROWS)
    usage = pc.if_else(pa.array(rng.random(ROWS) < 0.3), "Public", "Private")
    pacsv.write_csv(pa.table({"id": ids, "y": truth, "Usage": usage}), str(folder / "s.csv"))
    Solution.from_csv(folder / "s.csv", id_column="id", target_columns=["y"]).save(
        folder / "s.arrow"
    )
    valid = folder / "valid.csv"
    pacsv.write_csv(pa.table({"id": ids, "y": truth + 1}), str(valid))
    data = valid.read_bytes().rstrip(b"\n")
    head, _, last = data.rpartition(b"\n")
    (folder / "extra_column.csv").write_bytes(head + b"\n" + last + b",1\n")
    (folder / "bad_number.csv").write_bytes(head + b"\n" + last.split(b",")[0] + b",oops\n")
    return folder


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("extra_column", "has 3 values; the header has 2 columns"),
        ("bad_number", "'oops' is not a number"),
    ],
)
def test_a_malformed_file_is_explained_within_three_times_its_size(files, name, message):
    path = files / f"{name}.csv"
    script = MEASURE.format(root=str(ROOT), solution=str(files / "s.arrow"), submission=str(path))
    output = subprocess.run(
        [sys.executable, "-c", script],
        check=True,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "COMPAGNON_ENV": "test"},
        cwd=ROOT,
    ).stdout.splitlines()
    grown, outcome = int(output[0]), output[1]
    assert message in outcome
    assert grown <= 3 * path.stat().st_size, f"{name}: +{grown / 1e6:.0f} MB"
