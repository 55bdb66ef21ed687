"""Load test: the demo club under a realistic mix (bench/locustfile.py), on gunicorn and
PostgreSQL, then again with the web tier doubled behind nginx.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> uv run --frozen python bench/load.py

What runs, all on this machine (shared, 2 cores; Locust itself takes CPU too):
- a fresh database `compagnon_bench_load` with the demo club (`load_demo`), plus a
  20-seat workshop for the registration burst and an open challenge for submissions;
- Redis (127.0.0.1:6379, database 14, flushed) for the cache, sessions and the RQ queues;
- 2 task workers (`rqworker default email scoring insights`);
- tier "2 web": gunicorn with 2 processes (4 threads each) on BENCH_PORT;
- tier "4 web": two such gunicorns behind nginx (least_conn, keep-alive) on BENCH_PORT.

For each tier Locust runs headless in steps of users (LOAD_STEPS, default 10,25,50,100,150;
LOAD_STEP_SECONDS each, default 30). Per step it prints the throughput, the p95 over all
requests (against the floor: p95 of /healthz alone at the same number of users, same
tier) and the failure rate; a step "breaks" when failures pass 1 % or p95 passes 2 s.
Then the p95 of each page at the last step that held. The load average is printed with
each step: the figures are as good as the machine was free.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import _common
from _common import info

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("BENCH_PORT", "8171"))
STEPS = [int(n) for n in os.environ.get("LOAD_STEPS", "10,25,50,100,150").split(",")]
STEP_SECONDS = int(os.environ.get("LOAD_STEP_SECONDS", "30"))
REDIS_URL = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/14")
BREAK_P95_MS = 2000
BREAK_FAILURES = 0.01
_common.BENCH_DATABASE = os.environ.get("BENCH_DATABASE", "compagnon_bench_load")
SCRATCH = Path(tempfile.mkdtemp(prefix="compagnon-load-"))


def populate() -> dict:
    """Sessions for demo members, ids to visit, a burst workshop and an open challenge."""
    import datetime as dt
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.utils import timezone

    from compagnon.accounts.models import User
    from compagnon.challenges.models import Challenge, RulesAcceptance
    from compagnon.challenges.services import solution_upload
    from compagnon.news.models import Post, PostStatus
    from compagnon.workshops.models import Session, Workshop, WorkshopStatus

    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    store = import_module(settings.SESSION_ENGINE).SessionStore
    backend = settings.AUTHENTICATION_BACKENDS[0]

    def session_for(user) -> str:
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = backend
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        return session.session_key

    from compagnon.members.selectors import people_visible_to, viewer_for
    from compagnon.workshops.selectors import workshops_visible_to

    # Active members only (a guest's or a lapsed member's session answers 403 on member
    # pages), and only the people and workshops every one of them may see.
    candidates = User.objects.filter(is_active=True, is_staff=False, person__isnull=False)
    members = [u for u in candidates.order_by("pk")[:260] if viewer_for(u).is_member][:200]
    viewers = [viewer_for(u) for u in members]
    staff = User.objects.filter(is_staff=True).first()
    start = (timezone.now() + dt.timedelta(days=12)).replace(minute=0, second=0, microsecond=0)
    burst = Workshop.objects.create(
        title="Load test: the workshop everyone wants",
        onsite_seats=20,
        status=WorkshopStatus.PUBLISHED,
        published_at=timezone.now(),
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
    )
    Session.objects.create(workshop=burst, starts_at=start, ends_at=burst.ends_at)
    challenge = Challenge.objects.create(
        title="Load test challenge",
        slug="load-test",
        description="Predict y.",
        rules="Be nice.",
        status="published",
        starts_at=timezone.now() - dt.timedelta(days=1),
        ends_at=timezone.now() + dt.timedelta(days=10),
        submissions_per_day=10_000,
        metric="rmse",
    )
    rows = [f"{i},{i % 7 / 7:.4f}" for i in range(1, 501)]
    solution = "id,target,Usage\n" + "\n".join(
        f"{row},{'Public' if n % 3 else 'Private'}" for n, row in enumerate(rows)
    )
    solution_upload(
        challenge=challenge,
        upload=SimpleUploadedFile("solution.csv", solution.encode()),
        actor=staff,
    )
    # The demo has fewer than 220 members with an account: challengers also browse.
    challengers = members[-20:]
    RulesAcceptance.objects.bulk_create(
        [RulesAcceptance(challenge=challenge, user=user) for user in challengers]
    )
    return {
        "member_sessions": [session_for(user) for user in members],
        "challenger_sessions": [session_for(user) for user in challengers],
        "post_slugs": list(
            Post.objects.filter(status=PostStatus.PUBLISHED).values_list("slug", flat=True)[:50]
        ),
        "person_ids": sorted(
            set.intersection(
                *(set(people_visible_to(v).values_list("pk", flat=True)[:300]) for v in viewers)
            )
        )[:100],
        "workshop_ids": sorted(
            set.intersection(
                *(
                    set(
                        workshops_visible_to(v)
                        .filter(status=WorkshopStatus.PUBLISHED)
                        .values_list("pk", flat=True)
                    )
                    for v in viewers
                )
            )
        )[:30],
        "burst_workshop": burst.pk,
        "challenge_slug": challenge.slug,
        "submission_csv": "id,target\n" + "\n".join(f"{i},0.5" for i in range(1, 501)) + "\n",
    }


def _env() -> dict[str, str]:
    return {**os.environ, "DEBUG": "false", "LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT)}


def _spawn(command: list[str], log: str) -> subprocess.Popen:
    out = open(SCRATCH / log, "w")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(
        command, cwd=ROOT, env=_env(), stdout=out, stderr=subprocess.STDOUT, start_new_session=True
    )


def gunicorn(port: int) -> subprocess.Popen:
    return _spawn(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "compagnon.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--worker-class",
            "gthread",
            "--log-level",
            "warning",
            "--backlog",
            "2048",
        ],
        f"gunicorn-{port}.log",
    )


def nginx(port: int, upstreams: list[int]) -> subprocess.Popen:
    folder = SCRATCH / "nginx"
    folder.mkdir(exist_ok=True)
    servers = "\n".join(f"    server 127.0.0.1:{p};" for p in upstreams)
    (folder / "nginx.conf").write_text(
        f"""worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
daemon off;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  client_body_temp_path {folder}/body; proxy_temp_path {folder}/proxy;
  fastcgi_temp_path {folder}/fastcgi; uwsgi_temp_path {folder}/uwsgi; scgi_temp_path {folder}/scgi;
  client_max_body_size 50m;
  upstream web {{
    least_conn;
{servers}
    keepalive 64;
  }}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://web;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_read_timeout 120s;
    }}
  }}
}}
"""
    )
    return _spawn(["nginx", "-p", str(folder), "-c", str(folder / "nginx.conf")], "nginx.log")


def workers() -> list[subprocess.Popen]:
    command = [
        sys.executable,
        "manage.py",
        "rqworker",
        "default",
        "email",
        "scoring",
        "insights",
        "--with-scheduler",
    ]
    return [_spawn(command, f"rqworker-{n}.log") for n in range(2)]


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def wait_healthy(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"bench: nothing answered /healthz on port {port} within 60 s")


def locust(users: int, fixture: Path, label: str, *, classes: list[str] | None = None) -> dict:
    """One headless Locust run; returns {page: row} from its stats CSV."""
    prefix = SCRATCH / f"{label}-{users}"
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(max(users // 2, 5)),
        "--run-time",
        f"{STEP_SECONDS}s",
        "--host",
        f"http://127.0.0.1:{PORT}",
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "ERROR",
        "--stop-timeout",
        "5",
    ]
    mix = os.environ.get("LOAD_CLASSES", "Visitor,Member,Registrant,Challenger").split(",")
    command += classes or mix
    # The burst: a fifth of the users, spawned first, all press "Register" on one workshop.
    env = {**os.environ, "LOAD_FIXTURE": str(fixture), "LOAD_REGISTRANTS": str(max(2, users // 5))}
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    with open(f"{prefix}_stats.csv") as handle:
        stats = {row["Name"]: row for row in csv.DictReader(handle)}
    failures_csv = Path(f"{prefix}_failures.csv")
    if failures_csv.exists():
        with open(failures_csv) as handle:
            stats["Aggregated"]["failures"] = list(csv.DictReader(handle))
    if int(stats["Aggregated"]["Request Count"]) == 0:
        raise SystemExit(f"bench: Locust made no request:\n{done.stderr[-3000:]}")
    return stats


def _load_average() -> str:
    return f"{os.getloadavg()[0]:.1f}"


def run_tier(label: str, fixture: Path) -> None:
    held = None
    for users in STEPS:
        floor = locust(users, fixture, f"{label}-floor", classes=["HealthzOnly"])
        stats = locust(users, fixture, label)
        total = stats["Aggregated"]
        requests = int(total["Request Count"]) or 1
        failures = int(total["Failure Count"]) / requests
        p95 = float(total["95%"] or 0)
        floor_p95 = float(floor["Aggregated"]["95%"] or 0) or 1.0
        broke = failures > BREAK_FAILURES or p95 > BREAK_P95_MS
        print(
            f"load_{label}_{users}users: {float(total['Requests/s']):.1f} req/s, "
            f"p95 {p95:.0f} ms ({p95 / floor_p95:.1f}x floor healthz_p95 {floor_p95:.0f} ms), "
            f"failures {failures:.1%}, load average {_load_average()}"
            + (" — BROKE" if broke else ""),
            flush=True,
        )
        # What failed, so that a break says why (timeouts, refused connections, 5xx).
        for row in sorted(total.get("failures", []), key=lambda row: -int(row["Occurrences"]))[:4]:
            print(
                f"  failed: {row['Method']} {row['Name']}: {row['Error'][:120]} "
                f"({row['Occurrences']}x)",
                flush=True,
            )
        if broke:
            break
        held = (users, stats)
    if held is None:
        print(f"load_{label}: broke at the first step ({STEPS[0]} users)", flush=True)
        return
    users, stats = held
    print(f"load_{label}: held up to {users} users; p95 per page at {users} users:", flush=True)
    for name, row in sorted(stats.items()):
        if name != "Aggregated":
            print(
                f"  {row['Type']} {name}: p95 {row['95%']} ms, {row['Request Count']} requests, "
                f"{row['Failure Count']} failed",
                flush=True,
            )


def main() -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("bench: load.py runs on PostgreSQL: set DATABASE_URL=postgres://…")
    if shutil.which("nginx") is None:
        raise SystemExit("bench: nginx is needed for the second tier (apt-get install nginx).")
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    os.environ.update(
        REDIS_URL=REDIS_URL, TASKS_BACKEND="rq", COMPAGNON_VAR_DIR=str(SCRATCH / "var")
    )
    _common.setup_django()
    started = time.monotonic()
    fixture = SCRATCH / "fixture.json"
    fixture.write_text(json.dumps(populate()))
    info(f"demo club loaded in {time.monotonic() - started:.0f} s; scratch {SCRATCH}")

    from django.db import connections

    connections.close_all()
    background = workers()
    try:
        web = [gunicorn(PORT)]
        try:
            wait_healthy(PORT)
            run_tier("2web", fixture)
        finally:
            stop(web)
        web = [gunicorn(PORT + 1), gunicorn(PORT + 2)]
        proxy = nginx(PORT, [PORT + 1, PORT + 2])
        try:
            wait_healthy(PORT + 1)
            wait_healthy(PORT + 2)
            wait_healthy(PORT)
            run_tier("4web_nginx", fixture)
        finally:
            stop([proxy, *web])
        time.sleep(10)  # let the workers finish what the last step queued
        outcome()
    finally:
        stop(background)
        shutil.rmtree(SCRATCH, ignore_errors=True)


def outcome() -> None:
    """What the workers did with the writes: the burst's seats, scored submissions, emails."""
    from django.db.models import Count

    from compagnon.challenges.models import Submission
    from compagnon.core.models import OutboundEmail
    from compagnon.workshops.models import Registration

    fixture = json.loads((SCRATCH / "fixture.json").read_text())
    seats = dict(
        Registration.objects.filter(workshop_id=fixture["burst_workshop"])
        .values_list("status")
        .annotate(n=Count("id"))
    )
    scored = dict(Submission.objects.values_list("status").annotate(n=Count("id")))
    sent = OutboundEmail.objects.exclude(sent_at=None).count()
    waiting = OutboundEmail.objects.filter(sent_at=None).count()
    print(
        f"load_outcome: burst workshop {seats}; submissions {scored}; emails sent {sent}, unsent {waiting}",
        flush=True,
    )


if __name__ == "__main__":
    main()
