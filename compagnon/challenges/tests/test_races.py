"""Two uploads at the limit at the same moment: exactly one is accepted.

Each upload counts the team's submissions of the day, then writes its row.
Without the team-row lock both count before either commits, each sees room
for one more, and the team ends the day over its limit. With the lock the
second upload waits at the lock, counts after the first committed, and is
refused. PostgreSQL only: SQLite serialises writers anyway.
"""

from __future__ import annotations

import contextlib
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from compagnon.challenges import services
from compagnon.challenges.models import RulesAcceptance, Submission, Team
from compagnon.challenges.services import QuotaExceeded, solution_upload, team_create
from compagnon.challenges.tests.conftest import predictions, solution_bytes
from compagnon.challenges.tests.factories import ChallengeFactory
from compagnon.members.tests.factories import PersonFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _team_at_its_last_submission():
    staff = UserFactory(is_staff=True)
    challenge = ChallengeFactory(submissions_per_day=1)
    solution_upload(
        challenge=challenge,
        upload=SimpleUploadedFile("solution.csv", solution_bytes()),
        actor=staff,
    )
    people = [PersonFactory(with_account=True) for _ in range(2)]
    for person in people:
        RulesAcceptance.objects.create(challenge=challenge, user=person.user)
    team = team_create(challenge=challenge, user=people[0].user, name="Twins")
    services.TeamMembership.objects.create(challenge=challenge, team=team, user=people[1].user)
    return challenge, people


def _upload_together(challenge, people, monkeypatch, *, wait):
    """Both uploads reach the count while the other's transaction is open, if they can."""
    barrier = threading.Barrier(2, timeout=wait)
    counting = services._quota_used

    def count_when_both_are_there(team, day_start):
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait()
        return counting(team, day_start)

    monkeypatch.setattr(services, "_quota_used", count_when_both_are_there)
    # No task runs: scoring is not what is raced here.
    monkeypatch.setattr(services, "_enqueue_scoring", lambda ids, version_id=None: None)
    accepted, refused, errors = [], [], []

    def submit(person):
        try:
            services.submission_create(
                challenge=challenge,
                user=person.user,
                upload=SimpleUploadedFile("p.csv", predictions(offset=1)),
            )
            accepted.append(person)
        except QuotaExceeded:
            refused.append(person)
        except Exception as error:  # reported below, a thread cannot fail the test itself
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    return accepted, refused


def test_without_the_lock_both_uploads_get_in(monkeypatch):
    challenge, people = _team_at_its_last_submission()
    monkeypatch.setattr(services, "_team_locked", lambda team: Team.objects.get(pk=team.pk))
    accepted, _refused = _upload_together(challenge, people, monkeypatch, wait=20)
    assert len(accepted) == 2  # the oversubmission the lock exists for
    assert Submission.objects.filter(challenge=challenge).count() == 2


def test_with_the_lock_exactly_one_upload_gets_in(monkeypatch):
    challenge, people = _team_at_its_last_submission()
    accepted, refused = _upload_together(challenge, people, monkeypatch, wait=2)
    assert len(accepted) == 1
    assert len(refused) == 1
    assert Submission.objects.filter(challenge=challenge).count() == 1


def _first_uploads_together(monkeypatch, *, wait):
    """One person's two first uploads; both look for their team while the other is there."""
    staff = UserFactory(is_staff=True)
    challenge = ChallengeFactory(submissions_per_day=5)
    solution_upload(
        challenge=challenge,
        upload=SimpleUploadedFile("solution.csv", solution_bytes()),
        actor=staff,
    )
    person = PersonFactory(with_account=True)
    RulesAcceptance.objects.create(challenge=challenge, user=person.user)
    monkeypatch.setattr(services, "_enqueue_scoring", lambda ids, version_id=None: None)
    barrier = threading.Barrier(2, timeout=wait)
    looking = services.team_of

    def team_of_when_both_are_there(challenge, user):
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait()
        return looking(challenge, user)

    monkeypatch.setattr(services, "team_of", team_of_when_both_are_there)
    errors = []

    def submit():
        try:
            services.submission_create(
                challenge=challenge,
                user=person.user,
                upload=SimpleUploadedFile("p.csv", predictions(offset=1)),
            )
        except Exception as error:  # reported below, a thread cannot fail the test itself
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return challenge, errors


def test_without_the_challenge_lock_two_first_uploads_make_two_teams_or_fail(monkeypatch):
    monkeypatch.setattr(services, "_challenge_locked", lambda challenge: None)
    challenge, errors = _first_uploads_together(monkeypatch, wait=20)
    assert errors or Team.objects.filter(challenge=challenge).count() == 2


def test_two_first_uploads_at_once_make_one_team(monkeypatch):
    challenge, errors = _first_uploads_together(monkeypatch, wait=2)
    assert errors == []
    assert Team.objects.filter(challenge=challenge).count() == 1
    assert Submission.objects.filter(challenge=challenge).count() == 2
