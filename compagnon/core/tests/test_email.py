"""Email leaves through the task queue, after commit, once — checked against a real SMTP server."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from compagnon.core.email import email_queue
from compagnon.core.models import OutboundEmail
from compagnon.core.tasks import send_outbound_email
from compagnon.core.testing import free_port

DB_TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "email", "scoring", "insights"],
    }
}


class Boom(Exception):
    pass


def queue_welcome(**overrides):
    fields = {
        "to": ["ada@alpha.example"],
        "subject": "Welcome to the club",
        "text": "Hello Ada",
        "html": "<p>Hello <strong>Ada</strong></p>",
    }
    return email_queue(**{**fields, **overrides})


@pytest.mark.django_db
def test_committed_email_reaches_the_smtp_server(smtp_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        email = queue_welcome()
        assert smtp_server.received == []  # nothing leaves before commit

    [received] = smtp_server.received
    assert received.subject == "Welcome to the club"
    assert received.rcpt_tos == ["ada@alpha.example"]
    assert "Hello Ada" in received.text
    assert "<strong>Ada</strong>" in received.html
    email.refresh_from_db()
    assert email.sent_at is not None
    assert email.attempts == 1


@pytest.mark.django_db
def test_rolled_back_transaction_sends_nothing(smtp_server, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Boom),
        transaction.atomic(),
    ):
        queue_welcome()
        raise Boom

    assert callbacks == []
    assert smtp_server.received == []
    assert not OutboundEmail.objects.exists()


@pytest.mark.django_db
def test_running_the_task_twice_sends_once(smtp_server):
    email = queue_welcome()

    assert send_outbound_email.call(email.pk) is True
    assert send_outbound_email.call(email.pk) is False

    assert len(smtp_server.received) == 1
    email.refresh_from_db()
    assert email.attempts == 1


@pytest.mark.django_db
def test_same_key_is_queued_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        first = queue_welcome(key="welcome:ada")
        second = queue_welcome(key="welcome:ada")

    assert first.pk == second.pk
    assert OutboundEmail.objects.count() == 1
    assert len(callbacks) == 1


@pytest.mark.django_db
def test_failed_send_is_recorded_and_retried(smtp_server, settings):
    settings.EMAIL_PORT = free_port(smtp_server.host)  # nothing listens there
    email = queue_welcome()

    with pytest.raises(OSError):
        send_outbound_email.call(email.pk)

    email.refresh_from_db()
    assert email.sent_at is None
    assert email.attempts == 1
    assert email.last_error

    settings.EMAIL_PORT = smtp_server.port
    assert send_outbound_email.call(email.pk) is True
    assert len(smtp_server.received) == 1


@pytest.mark.django_db(transaction=True)
def test_database_worker_sends_the_queued_email(smtp_server, settings):
    # Changing TASKS fires setting_changed, which django_tasks uses to drop its
    # cached backends, so the task below goes to the database queue.
    settings.TASKS = DB_TASKS

    with transaction.atomic():
        queue_welcome(subject="From the worker")
    assert DBTaskResult.objects.count() == 1
    assert smtp_server.received == []  # queued, not sent by the request

    call_command(
        "db_worker",
        "--batch",
        "--no-startup-delay",
        "--queue-name",
        "*",
        stdout=StringIO(),
        stderr=StringIO(),
    )

    [received] = smtp_server.received
    assert received.subject == "From the worker"
    assert received.rcpt_tos == ["ada@alpha.example"]
    result = DBTaskResult.objects.get()
    assert result.status == "SUCCESSFUL"
    assert OutboundEmail.objects.get().sent_at is not None


@pytest.mark.django_db
def test_the_sweep_queues_stale_unsent_emails_once(smtp_server, settings):
    """Unsent emails whose task is older than the delay are queued again, once; fresh ones,
    sent ones and those out of attempts are left alone."""
    from compagnon.core.email import emails_requeue_stale

    settings.EMAIL_REQUEUE_AFTER_MINUTES = 5
    settings.EMAIL_MAX_ATTEMPTS = 3
    old = timezone.now() - dt.timedelta(minutes=6)
    stale = queue_welcome(key="stale", subject="Stale")
    queue_welcome(key="fresh", subject="Fresh")
    done = queue_welcome(key="done", subject="Done")
    worn = queue_welcome(key="worn", subject="Worn out")
    OutboundEmail.objects.exclude(key="fresh").update(queued_at=old)
    OutboundEmail.objects.filter(pk=done.pk).update(sent_at=old)
    OutboundEmail.objects.filter(pk=worn.pk).update(attempts=3)

    with transaction.atomic():
        assert emails_requeue_stale()["requeued"] == 1
    # The enqueue waits for the commit: run it as the commit would.
    stale.refresh_from_db()
    assert stale.queued_at > old
    assert send_outbound_email.call(stale.pk) is True
    assert [m.subject for m in smtp_server.received] == ["Stale"]
    assert emails_requeue_stale()["requeued"] == 0


def test_core_tick_runs_the_sweep(db):
    out = StringIO()
    call_command("core_tick", stdout=out)
    assert out.getvalue().strip() == (
        "emails requeued: 0, lost tasks closed: 0, old email texts forgotten: 0"
    )


def test_core_tick_forgets_the_text_of_old_sent_emails(db, settings):
    settings.OUTBOX_RETENTION_DAYS = 90
    old = queue_welcome(key="old", subject="Old")
    recent = queue_welcome(key="recent", subject="Recent")
    now = timezone.now()
    OutboundEmail.objects.filter(pk=old.pk).update(sent_at=now - dt.timedelta(days=91))
    OutboundEmail.objects.filter(pk=recent.pk).update(sent_at=now - dt.timedelta(days=89))

    call_command("core_tick", stdout=StringIO())

    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.subject, old.body_text) == ("Old", "")
    assert recent.body_text != ""
