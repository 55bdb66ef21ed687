"""The task worker, as a real process: killed mid-send, and through a database outage.

PostgreSQL only: the worker is a separate `manage.py` process on the test database, sending
to a real SMTP server on loopback. The outage is real for that database alone: new
connections are refused (ALLOW_CONNECTIONS false) and the worker's connections are
terminated, for eight seconds; the shared server keeps running.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from compagnon.core.email import SEND_TASK_PATH, email_queue
from compagnon.core.models import OutboundEmail

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[3]
DB_TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "email", "scoring", "insights"],
    }
}


def _database_url() -> str:
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def start_worker(tmp_path, smtp_port: int, command: str = "worker") -> subprocess.Popen:
    env = {
        **os.environ,
        "COMPAGNON_ENV": "development",
        "DEBUG": "false",
        "DATABASE_URL": _database_url(),
        "TASKS_BACKEND": "db",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "COMPAGNON_VAR_DIR": str(tmp_path),
        "LOG_LEVEL": "WARNING",
    }
    arguments = ["--no-reload", "--no-startup-delay", "--interval", "0.2", "--queue-name", "*"]
    if command == "worker":
        arguments += ["--max-backoff", "2"]
    return subprocess.Popen(
        [sys.executable, "manage.py", command, *arguments],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(process: subprocess.Popen) -> str:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.stdout.read().decode(errors="replace") if process.stdout else ""


def wait_for(condition, *, timeout: float = 30.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def queue(subject: str) -> OutboundEmail:
    with transaction.atomic():
        return email_queue(to=["ada@alpha.example"], subject=subject, text="Hello", key=subject)


def sent(email: OutboundEmail) -> bool:
    email.refresh_from_db()
    return email.sent_at is not None


class SilentSmtp:
    """Accepts connections and never greets: a send hangs, as on a stuck mail server."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(8)
        self.port = self.socket.getsockname()[1]
        self.held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.socket.accept()
            except OSError:
                return
            self.held.append(client)

    def close(self) -> None:
        for client in self.held:
            client.close()
        self.socket.close()


def test_a_worker_killed_mid_send_loses_no_email(settings, smtp_server, tmp_path):
    settings.TASKS = DB_TASKS
    email = queue("Killed mid-send")
    silent = SilentSmtp()
    worker = start_worker(tmp_path, silent.port)
    try:
        wait_for(
            lambda: DBTaskResult.objects.filter(status="RUNNING").exists(),
            what="the worker to start sending",
        )
        time.sleep(0.3)  # inside smtplib, waiting for the greeting
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        stop(worker)
        silent.close()
    # What a killed worker leaves: the email unsent, its task RUNNING for ever.
    assert not sent(email)
    lost = DBTaskResult.objects.get(task_path=SEND_TASK_PATH)
    assert lost.status == "RUNNING"

    # A few minutes later (the sweep's delay) a worker starts again: its start-up sweep
    # queues the email again and it leaves, once.
    before = timezone.now() - dt.timedelta(minutes=10)
    OutboundEmail.objects.filter(pk=email.pk).update(queued_at=before)
    DBTaskResult.objects.filter(pk=lost.pk).update(started_at=before)
    worker = start_worker(tmp_path, smtp_server.port)
    try:
        wait_for(lambda: sent(email), what="the email to be sent again")
    finally:
        stop(worker)
    assert [received.subject for received in smtp_server.received] == ["Killed mid-send"]
    lost.refresh_from_db()
    assert lost.status == "FAILED"
    assert DBTaskResult.objects.filter(task_path=SEND_TASK_PATH, status="SUCCESSFUL").count() == 1

    # The sweep is idempotent: run again (core_tick) it finds nothing to do.
    out = StringIO()
    call_command("core_tick", stdout=out)
    assert "emails requeued: 0" in out.getvalue()
    assert DBTaskResult.objects.filter(task_path=SEND_TASK_PATH).count() == 2


def _outage(seconds: float, worker: subprocess.Popen) -> bool:
    """Refuse new connections to the test database and cut the worker's; True if it lived."""
    import psycopg

    name = connection.settings_dict["NAME"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (ours,) = cursor.fetchone()
    # ALTER DATABASE cannot run on the database itself: an admin connection to `postgres`.
    admin_url = _database_url().rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
        try:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> %s",
                [name, ours],
            )
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline and worker.poll() is None:
                time.sleep(0.2)
        finally:
            admin.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true')
    return worker.poll() is None


def test_the_library_worker_exits_on_a_database_outage(settings, smtp_server, tmp_path):
    """Proves the problem: django-tasks-db's own db_worker dies with the database."""
    settings.TASKS = DB_TASKS
    worker = start_worker(tmp_path, smtp_server.port, command="db_worker")
    try:
        email = queue("Before the outage")
        wait_for(lambda: sent(email), what="the first email")
        assert not _outage(8, worker)
    finally:
        stop(worker)


def test_the_worker_survives_an_eight_second_database_outage(settings, smtp_server, tmp_path):
    settings.TASKS = DB_TASKS
    worker = start_worker(tmp_path, smtp_server.port)
    try:
        first = queue("Before the outage")
        wait_for(lambda: sent(first), what="the first email")
        assert _outage(8, worker), stop(worker)
        second = queue("After the outage")
        wait_for(lambda: sent(second), what="the email queued after the outage")
        assert worker.poll() is None
    finally:
        output = stop(worker)
    assert [received.subject for received in smtp_server.received] == [
        "Before the outage",
        "After the outage",
    ]
    assert "Database unavailable" in output
