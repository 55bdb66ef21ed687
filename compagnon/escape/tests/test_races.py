"""Three teammates press « Check » on the same puzzle at the same instant, all with the right answer.

With the team's row locked they take turns: the first solves the puzzle, the others
are told a teammate just did, and the puzzle counts once. Without the lock, every
one of them sees the puzzle open and records a solve: the unique constraint turns
all but one into a server error. PostgreSQL only: SQLite serialises writers anyway.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection
from django.utils import timezone

from compagnon.escape import services
from compagnon.escape.models import Attempt, PuzzleSolve, Team
from compagnon.escape.selectors import puzzles_in_order
from compagnon.members.tests.factories import PersonFactory

from .factories import SECRET, game

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
PLAYERS = 3


def _race(staff_user, given=None, now=None):
    given = SECRET.format(1) if given is None else given
    session = game(staff_user, puzzles=2)
    services.session_start(session=session, actor=staff_user)
    team = session.teams.get()
    players = []
    for role in ("lead", "analyst", "scribe"):
        person = PersonFactory(with_account=True)
        services.team_join(session=session, team=team, user=person.user, role=role)
        players.append(person.user)
    puzzle = puzzles_in_order(session.version_id)[0]
    barrier = threading.Barrier(PLAYERS, timeout=30)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def press(user):
        try:
            barrier.wait()
            outcome = services.puzzle_answer(
                team=team, puzzle=puzzle, user=user, given=given, now=now
            )
            outcomes.append(outcome.status)
        except BaseException as error:  # reported below: a thread cannot fail the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=press, args=(user,)) for user in players]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return team, puzzle, outcomes, errors


@pytest.fixture
def slow_check(monkeypatch):
    """Widen the window between reading the puzzle's state and writing the solve."""
    real = services.is_correct

    def slow(*args, **kwargs):
        time.sleep(0.3)
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "is_correct", slow)


def test_simultaneous_right_answers_count_once(staff_user, slow_check):
    team, puzzle, outcomes, errors = _race(staff_user)
    assert not errors, errors
    assert sorted(outcomes) == ["already_solved", "already_solved", "correct"]
    assert PuzzleSolve.objects.filter(team=team, puzzle=puzzle).count() == 1
    assert Team.objects.get(pk=team.pk).solved_count == 1
    assert Attempt.objects.filter(team=team).count() == 1


def test_without_the_lock_the_race_exists(staff_user, slow_check, monkeypatch):
    monkeypatch.setattr(
        services, "_team_locked", lambda pk: Team.objects.select_related("session").get(pk=pk)
    )
    _team, _puzzle, outcomes, errors = _race(staff_user)
    # Every player passed the "not solved yet" check; only the constraint stopped the doubles.
    assert len(errors) == PLAYERS - 1, (outcomes, errors)
    assert all("escape_solve_once" in str(error) for error in errors)


def test_simultaneous_wrong_answers_stay_within_the_limit(staff_user, slow_check, settings):
    # The limit is peeked before the answer is checked and counted after: under the team's
    # lock, three wrong answers at once with room for one give one "wrong", two refusals.
    settings.ESCAPE_WRONG_ANSWERS_PER_MINUTE = 1
    mid_minute = timezone.now().replace(second=30, microsecond=0)
    team, _puzzle, outcomes, errors = _race(staff_user, given="not it", now=mid_minute)
    assert not errors, errors
    assert sorted(outcomes) == ["rate_limited", "rate_limited", "wrong"]
    assert Attempt.objects.filter(team=team, correct=False).count() == 1
