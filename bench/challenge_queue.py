"""Challenge queue benchmark: submit-to-scored latency through the real queue.

Run: uv run python bench/challenge_queue.py   (SQLite in a temp dir, or DATABASE_URL=postgres://…)

One `manage.py db_worker` runs in a subprocess (default polling interval, as
`make run` starts it). A 100 000-row submission (shuffled integer ids) is
submitted through `submission_create`; the clock runs from the commit to the
moment the row reads "scored". The floor is the bare `score_submission` call
on the same file in this process. Then 20 submissions are committed at once
and must all be scored, none stuck.

Prints:
    challenge_submit_to_scored_median: 612.0 ms (9.1x floor score_submission 67.0 ms)
    challenge_burst20_all_scored: 4100.0 ms (61.2x floor score_submission 67.0 ms)
    challenge_burst20_stuck: 0 of 20
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from _common import ROOT, info, report, setup_django

ROWS = 100_000
SEED = 20260601
LATENCY_RUNS = 10
BURST = 20
TIMEOUT_SECONDS = 180


def write_files(folder: Path, rng: random.Random) -> tuple[Path, bytes]:
    ids = list(range(1, ROWS + 1))
    rng.shuffle(ids)
    truth = {i: rng.gauss(0, 1) for i in ids}
    solution = folder / "solution.csv"
    with open(solution, "w") as out:
        out.write("id,target,Usage\n")
        for i in ids:
            out.write(f"{i},{truth[i]!r},{'Public' if rng.random() < 0.3 else 'Private'}\n")
    rng.shuffle(ids)
    lines = ["id,target"] + [f"{i},{truth[i] + rng.gauss(0, 0.3):.6f}" for i in ids]
    return solution, ("\n".join(lines) + "\n").encode()


def main() -> None:
    os.environ["TASKS_BACKEND"] = "db"
    vendor = setup_django()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction
    from django.utils import timezone

    from compagnon.accounts.models import User
    from compagnon.challenges.models import (
        Challenge,
        RulesAcceptance,
        Submission,
        SubmissionStatus,
    )
    from compagnon.challenges.scoring import score_submission
    from compagnon.challenges.services import solution_load, solution_upload, submission_create
    from compagnon.members.models import MembershipType, Person

    rng = random.Random(SEED)
    folder = Path(tempfile.mkdtemp(prefix="challenge-bench-"))
    solution_path, submission = write_files(folder, rng)
    info(f"database: {vendor}; submission {len(submission) / 1e6:.1f} MB, {ROWS} rows")

    staff = User.objects.create_user(email="staff@bench.example", password="x", is_staff=True)
    challenge = Challenge.objects.create(
        title="Bench",
        slug="bench",
        description="d",
        rules="r",
        status="published",
        starts_at=timezone.now() - timedelta(days=1),
        ends_at=timezone.now() + timedelta(days=1),
        submissions_per_day=1000,
        metric="rmse",
    )
    with open(solution_path, "rb") as handle:
        version = solution_upload(
            challenge=challenge,
            upload=SimpleUploadedFile("solution.csv", handle.read()),
            actor=staff,
        )
    users = []
    for n in range(BURST):
        user = User.objects.create_user(email=f"p{n}@bench.example", password="x")
        Person.objects.create(
            user=user,
            email=user.email,
            first_name=f"P{n}",
            last_name="Bench",
            membership_type=MembershipType.RESIDENT,
        )
        RulesAcceptance.objects.create(challenge=challenge, user=user)
        users.append(user)

    solution = solution_load(version)
    submission_file = folder / "submission.csv"
    submission_file.write_bytes(submission)
    floors = []
    for _ in range(LATENCY_RUNS):
        start = time.perf_counter()
        score_submission(solution, str(submission_file), metric="rmse")
        floors.append((time.perf_counter() - start) * 1000)
    floor = statistics.median(floors)

    worker = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "db_worker", "--no-startup-delay"],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:

        def submit(user) -> int:
            with transaction.atomic():
                created = submission_create(
                    challenge=challenge,
                    user=user,
                    upload=SimpleUploadedFile("p.csv", submission),
                )
            return created.pk

        def wait(pks: list[int]) -> float:
            deadline = time.monotonic() + TIMEOUT_SECONDS
            while time.monotonic() < deadline:
                done = Submission.objects.filter(
                    pk__in=pks,
                    status__in=(
                        SubmissionStatus.SCORED,
                        SubmissionStatus.INVALID,
                        SubmissionStatus.FAILED,
                    ),
                ).count()
                if done == len(pks):
                    return time.perf_counter()
                time.sleep(0.01)
            return float("nan")

        # The worker's first task also pays for loading Django and the solution.
        wait([submit(users[0])])
        latencies = []
        for _ in range(LATENCY_RUNS):
            start = time.perf_counter()
            pk = submit(users[0])
            latencies.append((wait([pk]) - start) * 1000)
        report(
            "challenge_submit_to_scored_median",
            statistics.median(latencies),
            floor,
            floor_name="score_submission",
        )
        start = time.perf_counter()
        pks = [submit(user) for user in users]
        finished = wait(pks)
        report(
            f"challenge_burst{BURST}_all_scored",
            (finished - start) * 1000,
            floor,
            floor_name="score_submission",
        )
        scored = Submission.objects.filter(pk__in=pks, status=SubmissionStatus.SCORED).count()
        stuck = Submission.objects.filter(
            pk__in=pks, status__in=(SubmissionStatus.QUEUED, SubmissionStatus.SCORING)
        ).count()
        print(f"challenge_burst{BURST}_stuck: {stuck} of {BURST} ({scored} scored)", flush=True)
    finally:
        worker.terminate()
        worker.wait(timeout=30)


if __name__ == "__main__":
    main()
