"""Readiness: the checks, their figures, who may read them, and the command."""

from __future__ import annotations

import json
import time
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from compagnon.core.heartbeat import worker_heartbeat_record
from compagnon.ops.health import checks_run, report

DB_TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "email", "scoring", "insights"],
    }
}

pytestmark = pytest.mark.django_db


@pytest.fixture
def db_queue(settings):
    settings.TASKS_BACKEND = "db"
    settings.TASKS = DB_TASKS


def test_inline_tasks_need_no_worker_and_have_no_queue():
    body = report(checks_run())
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "queues", "workers"}
    assert body["queues"] == {}


def test_queue_depth_per_queue_and_its_limit(
    db_queue, settings, django_capture_on_commit_callbacks
):
    from compagnon.core.email import email_queue

    worker_heartbeat_record(worker_id="w1", queue_names=["*"])
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            email_queue(to=["a@b.example"], subject=f"s{n}", text="t", key=f"k{n}")
    body = report(checks_run())
    assert body["queues"] == {"default": 0, "email": 3, "scoring": 0, "insights": 0}
    assert body["status"] == "ok"

    settings.HEALTH_QUEUE_MAX_DEPTH = 2
    body = report(checks_run(["queues"]))
    assert body["status"] == "fail"
    assert body["checks"]["queues"]["message"] == "Warning: queues deeper than 2: email=3"


def test_a_silent_queue_fails_the_worker_check(db_queue, settings):
    settings.HEALTH_WORKER_MAX_SILENCE_SECONDS = 60
    # The clock stands still: on a busy machine a second passed between the two reads and
    # the message said 301 s.
    with time_machine.travel(time.time(), tick=False):
        worker_heartbeat_record(worker_id="w1", queue_names=["default", "email"])
        worker_heartbeat_record(worker_id="w2", queue_names=["scoring"], now=time.time() - 300)
        body = report(checks_run(["workers"]))
    assert body["status"] == "fail"
    assert body["checks"]["workers"]["message"] == (
        "Unavailable: no live worker for: scoring (300 s ago), insights (never)"
    )
    worker_heartbeat_record(worker_id="w3", queue_names=["*"])
    assert report(checks_run(["workers"]))["status"] == "ok"


@pytest.mark.django_db(transaction=True)  # the worker closes its connections between tasks
def test_the_worker_command_beats_for_every_queue(db_queue):
    from compagnon.core.heartbeat import worker_heartbeats

    call_command("worker", "--batch", "--no-reload", "--no-startup-delay")
    beats = worker_heartbeats(["default", "email", "scoring", "insights"])
    assert all(beat and time.time() - beat["at"] < 30 for beat in beats.values())


def test_readiness_page_for_staff_and_for_a_monitors_token(client, settings, django_user_model):
    url = reverse("ops:readiness")
    assert client.get(url).status_code == 302
    settings.HEALTHCHECK_TOKEN = "a-long-monitoring-token"
    assert client.get(url, headers={"Authorization": "Bearer wrong"}).status_code == 302
    response = client.get(url, headers={"Authorization": "Bearer a-long-monitoring-token"})
    assert response.status_code == 200
    assert response.json()["checks"]["database"]["ok"] is True
    assert "no-cache" in response["Cache-Control"]

    staff = django_user_model.objects.create_user(email="s@x.example", password="pw", is_staff=True)
    client.force_login(staff)
    assert client.get(url).json()["status"] == "ok"


def test_readiness_answers_503_when_a_check_fails(client, settings, db_queue):
    settings.HEALTHCHECK_TOKEN = "a-long-monitoring-token"
    response = client.get(
        reverse("ops:readiness"), headers={"Authorization": "Bearer a-long-monitoring-token"}
    )
    assert response.status_code == 503
    assert response.json()["workers_last_beat_seconds"]["email"] is None


def test_healthcheck_command(db_queue):
    out = StringIO()
    call_command("healthcheck", "--only", "database,cache", stdout=out)
    assert out.getvalue().splitlines()[-1] == "status: ok"
    out = StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("healthcheck", "--json", stdout=out)
    assert exit_.value.code == 1
    assert json.loads(out.getvalue())["checks"]["workers"]["ok"] is False


def test_healthcheck_refuses_an_unknown_check():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="Unknown check"):
        call_command("healthcheck", "--only", "dns")


def test_plain_healthz_stays_one_query(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert client.get("/healthz").json() == {"status": "ok"}
