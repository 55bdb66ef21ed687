"""Tasks on RQ, on the real local Redis (127.0.0.1:6379, database 13, flushed per test).

In-process: each task lands on the queue its decorator names and a worker (rq's
SimpleWorker, django-tasks-rq's job class) runs it. As processes, on PostgreSQL: the
scheduler's tick lands on its queue, and `manage.py rqworker` runs it and an email task.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.db import connection, transaction

from compagnon.core.email import email_queue
from compagnon.core.models import OutboundEmail

ROOT = Path(__file__).resolve().parents[3]
REDIS_URL = "redis://127.0.0.1:6379/13"
QUEUES = ["default", "email", "scoring", "insights"]


def _redis():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("needs Redis on 127.0.0.1:6379")
    return client


@pytest.fixture
def rq_settings(settings):
    client = _redis()
    client.flushdb()
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "django_rq"]
    settings.TASKS_BACKEND = "rq"
    settings.RQ_QUEUES = {q: {"URL": REDIS_URL} for q in QUEUES}
    settings.RQ = {"JOB_CLASS": "django_tasks_rq.backend.Job"}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": QUEUES}}
    yield client
    client.flushdb()
    # django_rq registers its dashboard in the admin on import; once the app is gone from
    # INSTALLED_APPS the admin index would look up a missing app (a later admin test failed).
    from django.contrib import admin

    for model in [m for m in admin.site._registry if m._meta.app_label == "django_rq"]:
        admin.site.unregister(model)


def _depths() -> dict[str, int]:
    import django_rq

    return {q: django_rq.get_queue(q).count for q in QUEUES}


@pytest.mark.django_db
def test_each_task_goes_to_its_queue_and_a_worker_runs_it(
    rq_settings, django_capture_on_commit_callbacks
):
    import django_rq
    from django_tasks_rq.backend import Job
    from rq import SimpleWorker

    from compagnon.challenges.tasks import submission_score
    from compagnon.insights.tasks import insights_recompute_all_task

    with django_capture_on_commit_callbacks(execute=True):
        email = email_queue(to=["ada@alpha.example"], subject="Hello", text="Hi", key="rq-1")
    submission_score.enqueue(999_999)
    insights_recompute_all_task.enqueue()

    assert _depths() == {"default": 0, "email": 1, "scoring": 1, "insights": 1}

    worker = SimpleWorker(
        [django_rq.get_queue("email", job_class=Job)],
        connection=django_rq.get_connection("email"),
        job_class=Job,
    )
    worker.work(burst=True)

    email.refresh_from_db()
    assert email.sent_at is not None
    assert [m.subject for m in mail.outbox] == ["Hello"]
    assert _depths() == {"default": 0, "email": 0, "scoring": 1, "insights": 1}


@pytest.mark.django_db
def test_readiness_reads_the_rq_queues_and_workers(rq_settings):
    from compagnon.insights.tasks import insights_recompute_all_task
    from compagnon.ops.health import checks_run, report

    insights_recompute_all_task.enqueue()
    body = report(checks_run(["queues", "workers"]))
    assert body["queues"] == {"default": 0, "email": 0, "scoring": 0, "insights": 1}
    assert body["status"] == "fail"
    assert body["checks"]["workers"]["message"].startswith(
        "Unavailable: no live worker for: default"
    )


def _database_url() -> str:
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def _manage(tmp_path, *args: str, smtp_port: int) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "COMPAGNON_ENV": "development",
        "DEBUG": "false",
        "DATABASE_URL": _database_url(),
        "TASKS_BACKEND": "rq",
        "REDIS_URL": REDIS_URL,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "false",
        "COMPAGNON_VAR_DIR": str(tmp_path),
        "PYTHONWARNINGS": "ignore",
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_scheduler_and_rqworker_processes_run_the_ticks_and_emails(
    rq_settings, smtp_server, tmp_path
):
    import django_rq
    from rq_scheduler import Scheduler

    from compagnon.ops.schedule import TICKS, tick_job_id

    installed = _manage(tmp_path, "scheduler", "--install-only", smtp_port=smtp_server.port)
    assert installed.returncode == 0, installed.stderr
    assert installed.stdout.count("scheduled compagnon-tick-") == len(TICKS)

    # What the scheduler's loop does when the tick is due: move it onto its queue.
    scheduler = Scheduler(queue_name="default", connection=django_rq.get_connection("default"))
    core_tick = next(j for j in scheduler.get_jobs() if j.id == tick_job_id(TICKS[0]))
    scheduler.enqueue_job(core_tick)
    with transaction.atomic():
        email_queue(to=["ada@alpha.example"], subject="Through RQ", text="Hi", key="rq-2")
    assert _depths() == {"default": 1, "email": 1, "scoring": 0, "insights": 0}

    worked = _manage(
        tmp_path, "rqworker", "default", "email", "--burst", smtp_port=smtp_server.port
    )
    assert worked.returncode == 0, worked.stderr
    assert _depths() == {"default": 0, "email": 0, "scoring": 0, "insights": 0}
    assert "Through RQ" in [m.message["Subject"] for m in smtp_server.received]
    assert OutboundEmail.objects.get(key="rq-2").sent_at is not None
    assert "compagnon.core.tasks.core_tick" in worked.stderr + worked.stdout
    # The tick is still scheduled for its next run.
    assert tick_job_id(TICKS[0]) in {j.id for j in scheduler.get_jobs()}
