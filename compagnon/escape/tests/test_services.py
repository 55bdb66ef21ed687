import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from compagnon.escape import services
from compagnon.escape.models import (
    Attempt,
    GameSession,
    Puzzle,
    PuzzleSolve,
    ScenarioVersion,
    SessionStatus,
)
from compagnon.escape.selectors import clock_seconds, puzzles_in_order, team_seconds

from .factories import SECRET, game, scenario_version

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 3, 2, 18, 0, tzinfo=dt.UTC)


def _at(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


@pytest.fixture
def session(staff_user):
    session = game(staff_user, puzzles=3)
    return services.session_start(session=session, actor=staff_user, now=T0)


@pytest.fixture
def team(session, member_a):
    team = session.teams.get()
    services.team_join(session=session, team=team, user=member_a.user, role="lead")
    return team


def _puzzles(session):
    return puzzles_in_order(session.version_id)


def test_a_right_answer_opens_the_next_puzzle_and_a_wrong_one_does_not(session, team, member_a):
    first, _second, _ = _puzzles(session)
    wrong = services.puzzle_answer(
        team=team, puzzle=first, user=member_a.user, given="nope", now=_at(1)
    )
    assert wrong.status == "wrong"
    right = services.puzzle_answer(
        team=team, puzzle=first, user=member_a.user, given=" SECRET-answer-1 ", now=_at(2)
    )
    assert right.status == "correct"
    again = services.puzzle_answer(
        team=team, puzzle=first, user=member_a.user, given=SECRET.format(1), now=_at(3)
    )
    assert again.status == "already_solved"
    ahead = services.puzzle_answer(
        team=team, puzzle=_puzzles(session)[2], user=member_a.user, given="x", now=_at(3)
    )
    assert ahead.status == "not_current"
    team.refresh_from_db()
    assert team.solved_count == 1
    assert Attempt.objects.filter(team=team).count() == 2


def test_the_last_puzzle_stops_the_team_clock(session, team, member_a):
    for index, puzzle in enumerate(_puzzles(session), 1):
        services.puzzle_answer(
            team=team, puzzle=puzzle, user=member_a.user, given=SECRET.format(index), now=_at(index)
        )
    team.refresh_from_db()
    assert team.finished_at == _at(3)
    assert team.finished_clock_seconds == 180
    assert team_seconds(team, session, _at(30)) == 180


def test_hints_cost_time_once_each_and_run_out(session, team, member_a):
    first = _puzzles(session)[0]
    services.hint_take(team=team, puzzle=first, user=member_a.user, now=_at(1))
    services.hint_take(team=team, puzzle=first, user=member_a.user, now=_at(1))
    with pytest.raises(ValidationError, match="no other hint"):
        services.hint_take(team=team, puzzle=first, user=member_a.user, now=_at(1))
    team.refresh_from_db()
    assert team.penalty_seconds == 240
    assert team_seconds(team, session, _at(5)) == 300 + 240


def test_wrong_answers_are_rate_limited_per_team(session, team, member_a, settings):
    settings.ESCAPE_WRONG_ANSWERS_PER_MINUTE = 3
    first = _puzzles(session)[0]
    for second in range(3):
        outcome = services.puzzle_answer(
            team=team, puzzle=first, user=member_a.user, given="guess", now=_at(1 + second / 60)
        )
        assert outcome.status == "wrong"
    blocked = services.puzzle_answer(
        team=team, puzzle=first, user=member_a.user, given=SECRET.format(1), now=_at(1.5)
    )
    assert blocked.status == "rate_limited"
    assert blocked.retry_after == 30
    assert "30 seconds" in blocked.message
    assert not PuzzleSolve.objects.filter(team=team).exists()
    # The window moves on: a minute after the first guess, the team may answer again.
    later = services.puzzle_answer(
        team=team, puzzle=first, user=member_a.user, given=SECRET.format(1), now=_at(2.1)
    )
    assert later.status == "correct"


def test_the_wrong_answer_limit_is_counted_by_the_sites_one_limiter(
    session, team, member_a, settings
):
    """core.ratelimit counts the team's wrong answers; a right one is never counted."""
    from compagnon.core.ratelimit import rate_peek

    settings.ESCAPE_WRONG_ANSWERS_PER_MINUTE = 2
    first, second = _puzzles(session)[:2]
    services.puzzle_answer(team=team, puzzle=first, user=member_a.user, given="x", now=_at(1))
    services.puzzle_answer(
        team=team, puzzle=first, user=member_a.user, given=SECRET.format(1), now=_at(1.1)
    )
    services.puzzle_answer(team=team, puzzle=second, user=member_a.user, given="y", now=_at(1.2))
    seen = rate_peek(
        scope=services.WRONG_ANSWERS_SCOPE,
        identity=str(team.pk),
        limit=2,
        window=services.RATE_WINDOW_SECONDS,
        now=_at(1.3).timestamp(),
    )
    assert (seen.count, seen.allowed) == (2, False)
    blocked = services.puzzle_answer(
        team=team, puzzle=second, user=member_a.user, given=SECRET.format(2), now=_at(1.5)
    )
    assert blocked.message == "Too many tries: wait 30 seconds before answering again."
    assert Attempt.objects.filter(team=team).count() == 3  # the refused try is not recorded


def test_pause_stops_the_clock_and_answers(session, team, member_a, staff_user):
    services.session_pause(session=session, actor=staff_user, now=_at(10))
    session.refresh_from_db()
    assert clock_seconds(session, _at(20)) == 600
    outcome = services.puzzle_answer(
        team=team, puzzle=_puzzles(session)[0], user=member_a.user, given=SECRET.format(1)
    )
    assert outcome.status == "not_running"
    with pytest.raises(ValidationError):
        services.session_pause(session=session, actor=staff_user, now=_at(11))
    services.session_resume(session=session, actor=staff_user, now=_at(25))
    session.refresh_from_db()
    assert clock_seconds(session, _at(30)) == 15 * 60
    services.session_finish(session=session, actor=staff_user, now=_at(40))
    session.refresh_from_db()
    assert session.status == SessionStatus.FINISHED
    assert clock_seconds(session, _at(90)) == 25 * 60


def test_unlock_opens_the_current_puzzle_for_a_stuck_team(session, team, staff_user):
    first = _puzzles(session)[0]
    assert services.puzzle_unlock(team=team, actor=staff_user, now=_at(5)) == first
    solve = PuzzleSolve.objects.get(team=team, puzzle=first)
    assert solve.unlocked_by_facilitator


def test_a_person_joins_one_team_per_session(staff_user, member_a):
    session = game(staff_user, teams=2)
    first, second = session.teams.order_by("name")
    services.team_join(session=session, team=first, user=member_a.user, role="lead")
    with pytest.raises(ValidationError, match="already in a team"):
        services.team_join(session=session, team=second, user=member_a.user, role="scribe")
    with pytest.raises(ValidationError, match="role"):
        services.team_join(session=session, team=second, user=member_a.user, role="king")


def test_only_a_published_version_is_played_and_it_stays_frozen(staff_user):
    draft = scenario_version(published=False)
    with pytest.raises(ValidationError, match="published"):
        services.session_create(version=draft, title="x", facilitator=staff_user, team_names=["A"])
    services.scenario_version_publish(version=draft)
    puzzle = Puzzle.objects.filter(room__version=draft).first()
    puzzle.title_en = "Changed"
    with pytest.raises(ValidationError, match="frozen"):
        services.puzzle_save(puzzle=puzzle)


def test_a_running_session_keeps_its_version_when_authors_edit_a_copy(staff_user):
    session = game(staff_user, puzzles=2)
    draft = services.scenario_version_copy(version=session.version)
    assert draft.number == 2 and not draft.is_published
    puzzle = Puzzle.objects.filter(room__version=draft).first()
    puzzle.answer = {"accept": ["a new answer"]}
    services.puzzle_save(puzzle=puzzle)
    services.scenario_version_publish(version=draft)
    session.refresh_from_db()
    assert session.version.number == 1
    assert _puzzles(session)[0].answer == {"accept": [SECRET.format(1)]}
    assert ScenarioVersion.objects.filter(scenario=draft.scenario).count() == 2


def test_an_unplayable_puzzle_is_refused_and_nothing_is_written(staff_user):
    draft = scenario_version(published=False)
    puzzle = Puzzle.objects.filter(room__version=draft).first()
    puzzle.rule = "pattern"
    puzzle.answer = {"regex": "(unclosed"}
    with pytest.raises(ValidationError, match="does not compile"):
        services.puzzle_save(puzzle=puzzle)
    puzzle.refresh_from_db()
    assert puzzle.rule == "exact"
    Puzzle.objects.filter(pk=puzzle.pk).update(rule="pattern", answer={"regex": "("})
    with pytest.raises(ValidationError, match="Puzzle"):
        services.scenario_version_publish(version=draft)
    draft.refresh_from_db()
    assert not draft.is_published


def test_session_creation_refuses_bad_team_lists_and_writes_nothing(staff_user):
    version = scenario_version()
    for names, message in (([" ", ""], "at least one"), (["A", "a"], "same name")):
        with pytest.raises(ValidationError, match=message):
            services.session_create(
                version=version, title="x", facilitator=staff_user, team_names=names
            )
    assert not GameSession.objects.exists()


def test_broadcast_needs_text(session, staff_user):
    with pytest.raises(ValidationError):
        services.broadcast_send(session=session, text="   ", actor=staff_user)
    clue = services.broadcast_send(session=session, text=" Look  at the log ", actor=staff_user)
    assert clue.text == "Look at the log"


def test_unlock_is_refused_once_the_session_is_over(session, team, staff_user):
    services.session_finish(session=session, actor=staff_user, now=_at(30))
    with pytest.raises(ValidationError, match="not running"):
        services.puzzle_unlock(team=team, actor=staff_user, now=_at(31))
    assert not PuzzleSolve.objects.filter(team=team).exists()


def test_unlock_is_refused_before_the_session_starts(staff_user):
    ready = game(staff_user, puzzles=1)
    with pytest.raises(ValidationError, match="not running"):
        services.puzzle_unlock(team=ready.teams.get(), actor=staff_user)
    assert not PuzzleSolve.objects.filter(team__session=ready).exists()
