"""Leaderboards: best per team, ties to the earlier submission, finals, baselines."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from compagnon.challenges.models import RulesAcceptance, SubmissionStatus
from compagnon.challenges.selectors import (
    default_final_ids,
    leaderboard_private,
    leaderboard_public,
)
from compagnon.challenges.services import (
    baseline_create,
    challenge_reveal_private,
    submission_create,
    submission_final_set,
    team_of,
)
from compagnon.challenges.tests.conftest import TARGETS, predictions, upload
from compagnon.members.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def send(run_tasks, challenge, person, content, at=None):
    def go():
        return submission_create(
            challenge=challenge, user=person.user, upload=upload(content), now=at
        )

    submission = run_tasks(go)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SCORED, submission.error_message
    return submission


def split(public_offset: float, private_offset: float) -> bytes:
    """Errors of `public_offset` on public ids (odd) and `private_offset` on private ones."""
    rows = {i: value + (public_offset if i % 2 else private_offset) for i, value in TARGETS.items()}
    return ("id,target\n" + "".join(f"{i},{v}\n" for i, v in rows.items())).encode()


def test_best_public_score_per_team(accepted, member_a, member_b, run_tasks):
    send(run_tasks, accepted, member_a, predictions(offset=2))
    best_a = send(run_tasks, accepted, member_a, predictions(offset=0.5))
    send(run_tasks, accepted, member_b, predictions(offset=1))
    board = leaderboard_public(accepted)
    assert [(e.rank, e.team_name) for e in board] == [
        (1, member_a.full_name),
        (2, member_b.full_name),
    ]
    assert board[0].submission_id == best_a.pk
    assert board[0].entries == 2


def test_ties_go_to_the_earlier_submission(accepted, member_a, member_b, run_tasks):
    now = timezone.now()
    # member_b submits first; member_a ties later: member_b ranks first.
    send(run_tasks, accepted, member_b, predictions(offset=1), at=now - timedelta(hours=2))
    send(run_tasks, accepted, member_a, predictions(offset=-1), at=now - timedelta(hours=1))
    board = leaderboard_public(accepted)
    assert board[0].score == board[1].score
    assert [e.team_name for e in board] == [member_b.full_name, member_a.full_name]
    assert [e.rank for e in board] == [1, 2]


def test_within_a_team_the_earlier_of_equal_scores_counts(accepted, member_a, run_tasks):
    now = timezone.now()
    first = send(run_tasks, accepted, member_a, predictions(offset=1), at=now - timedelta(hours=2))
    send(run_tasks, accepted, member_a, predictions(offset=-1), at=now - timedelta(hours=1))
    assert leaderboard_public(accepted)[0].submission_id == first.pk


def test_higher_is_better_metric_orders_the_other_way(accepted, member_a, member_b, run_tasks):
    send(run_tasks, accepted, member_a, predictions(offset=3))
    send(run_tasks, accepted, member_b, predictions(offset=1))
    accepted.higher_is_better = True
    accepted.save()
    assert leaderboard_public(accepted)[0].team_name == member_a.full_name


def test_baselines_are_shown_marked_and_unranked(accepted, member_a, staff_user, run_tasks):
    send(run_tasks, accepted, member_a, predictions(offset=1))
    run_tasks(
        baseline_create,
        challenge=accepted,
        upload=upload(predictions(offset=0.1)),
        actor=staff_user,
        description="Linear model",
    )
    board = leaderboard_public(accepted)
    assert [(e.rank, e.is_baseline) for e in board] == [(None, True), (1, False)]
    assert board[0].description == "Linear model"


def test_finals_default_to_the_best_public_ones(accepted, member_a, run_tasks):
    # Good on public, bad on private; and the other way round.
    overfit = send(run_tasks, accepted, member_a, split(0.1, 5))
    robust = send(run_tasks, accepted, member_a, split(0.2, 0.2))
    worst = send(run_tasks, accepted, member_a, split(3, 0.01))
    team = team_of(accepted, member_a.user)
    assert default_final_ids(accepted, team) == {overfit.pk, robust.pk}
    [entry] = leaderboard_private(accepted)
    assert entry.submission_id == robust.pk
    # Choosing the one with the bad public score makes it count.
    submission_final_set(submission=worst, user=member_a.user, selected=True)
    [entry] = leaderboard_private(accepted)
    assert entry.submission_id == worst.pk
    assert entry.score == pytest.approx(0.01)


def test_at_most_n_finals(accepted, member_a, run_tasks):
    subs = [send(run_tasks, accepted, member_a, predictions(offset=k)) for k in (1, 2, 3)]
    submission_final_set(submission=subs[0], user=member_a.user, selected=True)
    submission_final_set(submission=subs[1], user=member_a.user, selected=True)
    with pytest.raises(ValidationError, match="up to 2"):
        submission_final_set(submission=subs[2], user=member_a.user, selected=True)
    submission_final_set(submission=subs[0], user=member_a.user, selected=False)
    submission_final_set(submission=subs[2], user=member_a.user, selected=True)


def test_finals_cannot_change_after_the_deadline(accepted, member_a, run_tasks):
    submission = send(run_tasks, accepted, member_a, predictions(offset=1))
    with (
        time_machine.travel(accepted.ends_at + timedelta(minutes=1)),
        pytest.raises(ValidationError, match="deadline"),
    ):
        submission_final_set(submission=submission, user=member_a.user, selected=True)


def test_another_team_cannot_choose_my_finals(accepted, member_a, member_b, run_tasks):
    from django.core.exceptions import PermissionDenied

    submission = send(run_tasks, accepted, member_a, predictions(offset=1))
    with pytest.raises(PermissionDenied):
        submission_final_set(submission=submission, user=member_b.user, selected=True)


def test_reveal_only_after_the_end(accepted, staff_user):
    with pytest.raises(ValidationError):
        challenge_reveal_private(challenge=accepted, actor=staff_user)
    revealed = challenge_reveal_private(
        challenge=accepted, actor=staff_user, now=accepted.ends_at + timedelta(seconds=1)
    )
    assert revealed.private_revealed_at is not None


def test_many_teams(accepted, run_tasks):
    people = [PersonFactory(with_account=True) for _ in range(4)]
    for k, person in enumerate(people):
        RulesAcceptance.objects.create(challenge=accepted, user=person.user)
        send(run_tasks, accepted, person, predictions(offset=4 - k))
    board = leaderboard_public(accepted)
    assert [e.team_name for e in board] == [p.full_name for p in reversed(people)]
    assert [e.rank for e in board] == [1, 2, 3, 4]
