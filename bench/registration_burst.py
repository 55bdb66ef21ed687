"""Registration burst: 200 people register at once for 20 seats, over real HTTP, next to a floor.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> uv run python bench/registration_burst.py

PostgreSQL only (SQLite serialises writers, which proves nothing about the lock).
The app runs under gunicorn (4 gthread workers) on loopback against a fresh migrated
database. Three bursts run side by side in one run, each with the same 200 signed-in
sessions firing at the same instant and /healthz probed alongside, one probe at a time:

- the floor (the issue's): each session POSTs to Django's `set_language`, a view that
  does next to nothing and reads neither the session nor the user;
- the signed-in floor (context): each session POSTs to a no-op view that reads its
  session, user and person as every member page does (`bench/burst_site`, bench only);
- the burst: each session POSTs the register form of one workshop with 20 seats.

It prints the outcome and two ratios to the floor (targets: <= 2x), then the same two
against the signed-in floor. See docs/workshops-registration.md for every run.

The confirmation emails are rendered by the task worker after the commit; no worker runs
here, so the burst measures what the web workers do (the tasks wait in the queue).
Environment: BENCH_PORT (default 8150), BENCH_DATABASE (scratch database name),
BENCH_WORKERS (4), BENCH_THREADS (4).
"""

from __future__ import annotations

import http.client
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import _common
from _common import info, report

PEOPLE = 200
SEATS = 20
PROBE_GAP_SECONDS = 0.01
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
THREADS = int(os.environ.get("BENCH_THREADS", "4"))
PORT = int(os.environ.get("BENCH_PORT", "8150"))
HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parent.parent
# Our own scratch database, so that other benchmarks on the same server are left alone.
_common.BENCH_DATABASE = os.environ.get("BENCH_DATABASE", "compagnon_bench_registration")


def populate():
    """A published workshop with 20 seats and 200 members, each with a session; returns both."""
    import datetime as dt

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from compagnon.accounts.models import User
    from compagnon.members.models import Organisation, Person
    from compagnon.workshops.models import Session, Workshop, WorkshopStatus

    organisations = Organisation.objects.bulk_create(
        [Organisation(name=f"Burst org {i}", slug=f"burst-org-{i}") for i in range(20)]
    )
    users = User.objects.bulk_create(
        [User(email=f"burst{i}@example.org", password="!") for i in range(PEOPLE)]
    )
    Person.objects.bulk_create(
        [
            Person(
                user=user,
                first_name=f"Burst{i}",
                email=user.email,
                organisation=organisations[i % len(organisations)],
            )
            for i, user in enumerate(users)
        ]
    )
    start = (timezone.now() + dt.timedelta(days=10)).replace(minute=0, second=0, microsecond=0)
    workshop = Workshop.objects.create(
        title="Burst workshop",
        onsite_seats=SEATS,
        status=WorkshopStatus.PUBLISHED,
        published_at=timezone.now(),
        starts_at=start,
        ends_at=start + dt.timedelta(hours=4),
    )
    Session.objects.create(workshop=workshop, starts_at=start, ends_at=workshop.ends_at)
    backend = settings.AUTHENTICATION_BACKENDS[0]
    cookies = []
    for user in users:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = backend
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        cookies.append(session.session_key)
    return workshop, cookies


def start_server(port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "TASKS_BACKEND": "db",
        "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'bench'}",
        "DJANGO_SETTINGS_MODULE": "burst_site.settings",
    }
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "compagnon.wsgi",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(WORKERS),
        "--threads",
        str(THREADS),
        "--worker-class",
        "gthread",
        "--log-level",
        "warning",
        "--backlog",
        "1024",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            status, _ = request(port, "GET", "/healthz")
            if status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    stop_server(server)
    raise SystemExit("bench: gunicorn did not answer /healthz within 30 s.")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def request(port: int, method: str, path: str, headers: dict | None = None, body: str = ""):
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        connection.request(method, path, body=body or None, headers=headers or {})
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("Location", "")
    finally:
        connection.close()


def burst(port: int, calls: list[tuple[str, str, dict, str]]):
    """Fire every call at the same instant while probing /healthz one call at a time.

    Returns (wall time of the burst in ms, the calls' statuses, the probes' latencies in ms).
    """
    statuses = [0] * len(calls)
    ready = threading.Barrier(len(calls) + 1)
    done = threading.Event()
    probes: list[float] = []

    def fire(index: int) -> None:
        method, path, headers, body = calls[index]
        ready.wait()
        try:
            statuses[index], _ = request(port, method, path, headers, body)
        except OSError:
            statuses[index] = 599

    def probe() -> None:
        while not done.is_set():
            began = time.perf_counter()
            try:
                status, _ = request(port, "GET", "/healthz")
            except OSError:
                status = 599
            if status >= 500:
                statuses.append(status)  # a failing probe fails the run
            probes.append((time.perf_counter() - began) * 1000)
            time.sleep(PROBE_GAP_SECONDS)

    threads = [threading.Thread(target=fire, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    prober = threading.Thread(target=probe)
    prober.start()
    time.sleep(0.2)  # the prober is under way before the burst
    ready.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = (time.perf_counter() - began) * 1000
    done.set()
    prober.join()
    return wall, statuses, probes


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def signed_in_post(cookie: str, csrf: str, path: str, body: str) -> tuple[str, str, dict, str]:
    headers = {
        "Cookie": f"sessionid={cookie}; csrftoken={csrf}",
        "X-CSRFToken": csrf,
        "Content-Type": "application/x-www-form-urlencoded",
        "Host": HOST,
    }
    return ("POST", path, headers, body)


def main() -> None:
    url = os.environ.get("DATABASE_URL", "").strip()
    if urlsplit(url).scheme not in ("postgres", "postgresql", "pgsql"):
        print(
            "registration_burst: skipped, needs PostgreSQL "
            "(DATABASE_URL=postgres://user@host:5432/db uv run python bench/registration_burst.py)"
        )
        return
    _common.setup_django()
    from django.db import connections

    from compagnon.workshops.models import Registration, RegistrationStatus

    workshop, cookies = populate()
    connections.close_all()
    info(f"gunicorn: {WORKERS} workers x {THREADS} threads on {HOST}:{PORT}")
    info("load average at the start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    server = start_server(PORT)
    csrf = secrets.token_hex(16)  # 32 characters: an unmasked CSRF secret
    try:
        for _ in range(40):  # warm every worker's imports and connections
            request(PORT, "GET", "/healthz")
        floor_calls = [
            signed_in_post(cookie, csrf, "/i18n/setlang/", "language=fr&next=/healthz")
            for cookie in cookies
        ]
        # A first floor warms every worker's sessions and views; the second is measured.
        burst(PORT, floor_calls)
        floor_wall, floor_statuses, floor_probes = burst(PORT, floor_calls)
        signed_in_calls = [
            signed_in_post(cookie, csrf, "/bench/signed-in/", "") for cookie in cookies
        ]
        signed_in_wall, signed_in_statuses, signed_in_probes = burst(PORT, signed_in_calls)
        register_path = f"/workshops/{workshop.pk}/register/"
        calls = [signed_in_post(cookie, csrf, register_path, "seat=onsite") for cookie in cookies]
        wall, statuses, probes = burst(PORT, calls)
    finally:
        stop_server(server)

    def seen(values: list[int]) -> dict[int, int]:
        return {status: values.count(status) for status in sorted(set(values))}

    info(
        f"floor answers: {seen(floor_statuses)}; signed-in floor answers: "
        f"{seen(signed_in_statuses)}; register answers: {seen(statuses)}"
    )
    info(f"healthz probes: {len(floor_probes)} during the floor, {len(probes)} during the burst")
    info("load average at the end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    server_errors = sum(
        1 for status in statuses + floor_statuses + signed_in_statuses if status >= 500
    )
    rows = Registration.objects.filter(workshop=workshop)
    confirmed = rows.filter(status=RegistrationStatus.CONFIRMED).count()
    waiting = rows.filter(status=RegistrationStatus.WAITING).count()
    print(
        f"registration_burst_outcome: {confirmed} confirmed, {waiting} waiting, "
        f"{server_errors} 5xx",
        flush=True,
    )
    report("registration_burst_wall", wall, floor_wall, floor_name="set_language_wall")
    report(
        "registration_burst_healthz_p95",
        percentile(probes, 0.95),
        percentile(floor_probes, 0.95),
        floor_name="healthz_p95_during_floor",
    )
    # Context, not a target: the same burst against a floor that signs the member in.
    report(
        "registration_burst_wall_vs_signed_in",
        wall,
        signed_in_wall,
        floor_name="signed_in_noop_wall",
    )
    report(
        "registration_burst_healthz_p95_vs_signed_in",
        percentile(probes, 0.95),
        percentile(signed_in_probes, 0.95),
        floor_name="healthz_p95_during_signed_in_floor",
    )
    ok = (
        confirmed == SEATS
        and server_errors == 0
        and all(status == 302 for status in statuses[:PEOPLE])
    )
    if not ok:
        raise SystemExit("registration_burst: FAILED (expected 20 confirmed, no 5xx, all 302)")


if __name__ == "__main__":
    main()
