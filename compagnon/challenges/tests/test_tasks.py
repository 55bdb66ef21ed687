"""Scoring as a task: through the real database queue, retried after a crash, never stuck."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from compagnon.challenges import services
from compagnon.challenges.models import RulesAcceptance, Submission, SubmissionStatus
from compagnon.challenges.services import quota_for, solution_current, submission_create
from compagnon.challenges.tests.conftest import predictions, solution_bytes, upload
from compagnon.challenges.tests.factories import ChallengeFactory
from compagnon.members.tests.factories import PersonFactory

DB_TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "email", "scoring", "insights"],
    }
}


def queued(challenge, person, content=None) -> Submission:
    """A submission whose task was never run (as if the worker never picked it up)."""
    return submission_create(
        challenge=challenge, user=person.user, upload=upload(content or predictions(offset=1))
    )


class BrokenSolution:
    """Make the stored solution unreadable, as a full disk or a bad deploy would."""

    def __init__(self, challenge):
        self.path = solution_current(challenge).parsed.path

    def __enter__(self):
        with open(self.path, "rb") as handle:
            self.saved = handle.read()
        with open(self.path, "wb") as handle:
            handle.write(b"not a solution")
        services._SOLUTIONS.clear()
        return self

    def __exit__(self, *exc):
        with open(self.path, "wb") as handle:
            handle.write(self.saved)
        services._SOLUTIONS.clear()


@pytest.mark.django_db
def test_a_crash_leaves_the_submission_queued_and_retryable(accepted, member_a):
    submission = queued(accepted, member_a)
    with BrokenSolution(accepted):
        assert services.submission_score_run(submission.pk) == "retry"
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.QUEUED
    assert submission.attempts == 1
    assert submission.scoring_started_at is None
    assert services.submission_score_run(submission.pk) == "scored"
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SCORED
    assert submission.attempts == 2


@pytest.mark.django_db
def test_out_of_attempts_it_fails_and_does_not_count(accepted, member_a, settings):
    settings.CHALLENGE_SCORING_MAX_ATTEMPTS = 2
    submission = queued(accepted, member_a)
    with BrokenSolution(accepted):
        assert services.submission_score_run(submission.pk) == "retry"
        assert services.submission_score_run(submission.pk) == "failed"
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.FAILED
    assert submission.counts_toward_quota is False
    assert "internal error" in submission.error_message
    assert quota_for(accepted, submission.team).used_today == 0


@pytest.mark.django_db
def test_the_sweep_requeues_what_a_killed_worker_left_scoring(
    accepted, member_a, django_capture_on_commit_callbacks
):
    submission = queued(accepted, member_a)
    # What a worker killed mid-scoring leaves behind.
    Submission.objects.filter(pk=submission.pk).update(
        status=SubmissionStatus.SCORING,
        attempts=1,
        scoring_started_at=timezone.now() - timedelta(minutes=30),
    )
    recent = queued(accepted, member_a, predictions(offset=2))
    Submission.objects.filter(pk=recent.pk).update(
        status=SubmissionStatus.SCORING, attempts=1, scoring_started_at=timezone.now()
    )
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("challenges_tick", stdout=out)
    assert "requeued=1" in out.getvalue()
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SCORED
    assert submission.attempts == 2
    recent.refresh_from_db()
    assert recent.status == SubmissionStatus.SCORING  # still being worked on: left alone


@pytest.mark.django_db
def test_the_sweep_requeues_a_submission_whose_task_was_lost(
    accepted, member_a, django_capture_on_commit_callbacks
):
    submission = queued(accepted, member_a)
    Submission.objects.filter(pk=submission.pk).update(
        queued_at=timezone.now() - timedelta(hours=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        counts = services.submissions_requeue_stuck()
    assert counts == {"requeued": 1, "failed": 0}
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SCORED


@pytest.mark.django_db
def test_the_sweep_fails_what_is_out_of_attempts(accepted, member_a, settings):
    settings.CHALLENGE_SCORING_MAX_ATTEMPTS = 3
    submission = queued(accepted, member_a)
    Submission.objects.filter(pk=submission.pk).update(
        status=SubmissionStatus.SCORING,
        attempts=3,
        scoring_started_at=timezone.now() - timedelta(hours=1),
    )
    assert services.submissions_requeue_stuck() == {"requeued": 0, "failed": 1}
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.FAILED
    assert submission.counts_toward_quota is False


@pytest.mark.django_db(transaction=True)
def test_submit_to_scored_through_the_database_queue(settings, staff_user):
    # Changing TASKS makes django_tasks drop its cached backends: the task goes to the database.
    settings.TASKS = DB_TASKS
    challenge = ChallengeFactory()
    services.solution_upload(
        challenge=challenge, upload=upload(solution_bytes(), "solution.csv"), actor=staff_user
    )
    person = PersonFactory(with_account=True)
    RulesAcceptance.objects.create(challenge=challenge, user=person.user)
    with transaction.atomic():
        submission = queued(challenge, person, predictions(offset=0.25))
    assert DBTaskResult.objects.count() == 1
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.QUEUED

    call_command(
        "db_worker",
        "--batch",
        "--no-startup-delay",
        "--queue-name",
        "*",
        stdout=StringIO(),
        stderr=StringIO(),
    )

    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SCORED
    assert submission.public_score == pytest.approx(0.25)
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
