"""Registration burst: 200 people register within one second for 20 seats, over real HTTP.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> uv run python bench/registration_burst.py

PostgreSQL only (SQLite serialises writers, which proves nothing about the lock).
The app runs under gunicorn (several gthread workers) on loopback against a fresh
migrated database; 200 members, each with a signed-in session cookie, POST the
register form spread evenly over one second. Then it checks the outcome (exactly
20 confirmed, 180 on the waiting list, no 5xx) and prints the latency of the
burst next to the same burst on /healthz:

    registration_burst_p50: 95.1 ms (4.2x floor healthz_p50 22.6 ms)
    registration_burst_p95: 180.3 ms (3.9x floor healthz_p95 46.0 ms)
    registration_burst_outcome: 20 confirmed, 180 waiting, 0 server errors
"""

from __future__ import annotations

import http.client
import os
import secrets
import signal
import socket
import statistics
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
WINDOW_SECONDS = 1.0
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
THREADS = int(os.environ.get("BENCH_THREADS", "4"))
HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parent.parent
# Our own scratch database, so that other benchmarks on the same server are left alone.
_common.BENCH_DATABASE = "compagnon_bench_registration"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


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
        "PYTHONPATH": str(ROOT),
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


def burst(port: int, calls: list[tuple[str, str, dict, str]]) -> tuple[list[float], list[int]]:
    """Fire the calls spread evenly over WINDOW_SECONDS; latencies in ms and statuses."""
    latencies = [0.0] * len(calls)
    statuses = [0] * len(calls)
    start_at = time.perf_counter() + 0.5
    step = WINDOW_SECONDS / len(calls)

    def fire(index: int) -> None:
        method, path, headers, body = calls[index]
        delay = start_at + index * step - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        began = time.perf_counter()
        try:
            statuses[index], _ = request(port, method, path, headers, body)
        except OSError:
            statuses[index] = 599
        latencies[index] = (time.perf_counter() - began) * 1000

    threads = [threading.Thread(target=fire, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, statuses


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


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
    port = _free_port()
    info(f"gunicorn: {WORKERS} workers x {THREADS} threads on {HOST}:{port}")
    server = start_server(port)
    try:
        for _ in range(20):  # warm every worker's imports and connections
            request(port, "GET", "/healthz")
        healthz_latencies, healthz_statuses = burst(port, [("GET", "/healthz", {}, "")] * PEOPLE)
        csrf = secrets.token_hex(16)  # 32 characters: an unmasked CSRF secret
        path = f"/workshops/{workshop.pk}/register/"
        calls = [
            (
                "POST",
                path,
                {
                    "Cookie": f"sessionid={cookie}; csrftoken={csrf}",
                    "X-CSRFToken": csrf,
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Host": HOST,
                },
                "seat=onsite",
            )
            for cookie in cookies
        ]
        latencies, statuses = burst(port, calls)
    finally:
        stop_server(server)

    statuses_seen = {status: statuses.count(status) for status in sorted(set(statuses))}
    info(f"register answers: {statuses_seen}; healthz answers: {set(healthz_statuses)}")
    server_errors = sum(1 for status in statuses if status >= 500)
    rows = Registration.objects.filter(workshop=workshop)
    confirmed = rows.filter(status=RegistrationStatus.CONFIRMED).count()
    waiting = rows.filter(status=RegistrationStatus.WAITING).count()
    report(
        "registration_burst_p50",
        statistics.median(latencies),
        statistics.median(healthz_latencies),
        floor_name="healthz_p50",
    )
    report(
        "registration_burst_p95",
        percentile(latencies, 0.95),
        percentile(healthz_latencies, 0.95),
        floor_name="healthz_p95",
    )
    print(
        f"registration_burst_outcome: {confirmed} confirmed, {waiting} waiting, "
        f"{server_errors} server errors",
        flush=True,
    )
    ok = (
        confirmed == SEATS
        and waiting == PEOPLE - SEATS
        and server_errors == 0
        and all(status == 302 for status in statuses)
    )
    if not ok:
        raise SystemExit("registration_burst: FAILED (expected 20 confirmed, 180 waiting, no 5xx)")


if __name__ == "__main__":
    main()
