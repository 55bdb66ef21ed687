"""Every change to the escape game: authoring versions, running sessions, and playing.

Playing locks the team's row (`select_for_update`): two members answering the same
puzzle at once take turns, so the puzzle is solved and counted once, the rate limit
(the site's one limiter, core.ratelimit) counts every wrong try, and a hint is charged once. `now` is injected for the tests.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from compagnon.accounts.models import User
from compagnon.core.ratelimit import RateDecision, rate_hit, rate_peek
from compagnon.escape.answers import MAX_ANSWER, answer_problems, is_correct
from compagnon.escape.models import (
    Attempt,
    Broadcast,
    GameSession,
    HintUse,
    Puzzle,
    PuzzleSolve,
    Role,
    Room,
    ScenarioVersion,
    SessionStatus,
    Team,
    TeamMember,
)
from compagnon.escape.selectors import clock_seconds, puzzles_in_order, team_state

RATE_WINDOW_SECONDS = 60
# The site's one limiter (core.ratelimit) counts a team's wrong answers under this scope.
WRONG_ANSWERS_SCOPE = "escape:wrong-answers"


def wrong_answers_per_minute() -> int:
    """Wrong answers a team may give per minute: enough to think aloud, too few to guess."""
    return int(getattr(settings, "ESCAPE_WRONG_ANSWERS_PER_MINUTE", 5))


# ---- Authoring ---------------------------------------------------------------------------


def puzzle_check(puzzle: Puzzle) -> None:
    """Refuse a puzzle that cannot be played: a broken answer rule or malformed hints."""
    errors: dict[str, list[str]] = {}
    problems = answer_problems(puzzle.rule, puzzle.answer)
    if problems:
        errors["answer"] = problems
    hints = puzzle.hints
    if not isinstance(hints, list) or not all(
        isinstance(h, dict) and (h.get("fr") or h.get("en")) for h in hints
    ):
        errors["hints"] = [_('Hints are a list of {"fr": "…", "en": "…"}.')]
    if not isinstance(puzzle.artefact, dict) or not puzzle.artefact:
        errors["artefact"] = [_("The artefact needs its data (a JSON object).")]
    if errors:
        raise ValidationError(errors)


def _refuse_published(version: ScenarioVersion) -> None:
    if version.is_published:
        raise ValidationError(
            _("Version %(number)s is published and frozen: copy it into a new draft to edit.")
            % {"number": version.number}
        )


def puzzle_save(*, puzzle: Puzzle) -> Puzzle:
    with transaction.atomic():
        version = ScenarioVersion.objects.select_for_update().get(pk=puzzle.room.version_id)
        _refuse_published(version)
        puzzle_check(puzzle)
        puzzle.full_clean()
        puzzle.save()
    return puzzle


def room_save(*, room: Room) -> Room:
    with transaction.atomic():
        version = ScenarioVersion.objects.select_for_update().get(pk=room.version_id)
        _refuse_published(version)
        room.full_clean()
        room.save()
    return room


def scenario_version_publish(
    *, version: ScenarioVersion, now: dt.datetime | None = None
) -> ScenarioVersion:
    with transaction.atomic():
        version = ScenarioVersion.objects.select_for_update().get(pk=version.pk)
        _refuse_published(version)
        puzzles = puzzles_in_order(version.pk)
        if not puzzles:
            raise ValidationError(_("A version needs at least one puzzle to be published."))
        for puzzle in puzzles:
            try:
                puzzle_check(puzzle)
            except ValidationError as error:
                raise ValidationError(
                    _("Puzzle « %(title)s »: %(problems)s")
                    % {"title": puzzle.title, "problems": " ".join(error.messages)}
                ) from error
        version.published_at = now or timezone.now()
        version.save(update_fields=["published_at"])
    return version


def scenario_version_copy(*, version: ScenarioVersion) -> ScenarioVersion:
    """A new draft with the same rooms and puzzles; sessions keep the version they started with."""
    with transaction.atomic():
        latest = (
            ScenarioVersion.objects.select_for_update()
            .filter(scenario_id=version.scenario_id)
            .aggregate(Max("number"))["number__max"]
        )
        draft = ScenarioVersion.objects.create(
            scenario_id=version.scenario_id,
            number=(latest or 0) + 1,
            story_fr=version.story_fr,
            story_en=version.story_en,
            duration_minutes=version.duration_minutes,
        )
        for room in version.rooms.prefetch_related("puzzles"):
            puzzles = list(room.puzzles.all())
            room.pk = None
            room.version = draft
            room.save()
            for puzzle in puzzles:
                puzzle.pk = None
                puzzle.room = room
                puzzle.save()
    return draft


# ---- Sessions ----------------------------------------------------------------------------


def session_create(
    *, version: ScenarioVersion, title: str, facilitator: User, team_names: list[str]
) -> GameSession:
    if not version.is_published:
        raise ValidationError(_("Only a published version can be played."))
    names = [name.strip() for name in team_names if name.strip()]
    if not names:
        raise ValidationError(_("Name at least one team."))
    if len({name.casefold() for name in names}) != len(names):
        raise ValidationError(_("Two teams have the same name."))
    with transaction.atomic():
        session = GameSession(version=version, title=title.strip(), facilitator=facilitator)
        session.full_clean()
        session.save()
        for name in names:
            team = Team(session=session, name=name[:80])
            team.full_clean(validate_constraints=False)
            team.save()
    return session


def _locked_session(session: GameSession) -> GameSession:
    return GameSession.objects.select_for_update().get(pk=session.pk)


def session_start(
    *, session: GameSession, actor: User, now: dt.datetime | None = None
) -> GameSession:
    now = now or timezone.now()
    with transaction.atomic():
        session = _locked_session(session)
        if session.status != SessionStatus.READY:
            raise ValidationError(_("The session has already started."))
        session.status = SessionStatus.RUNNING
        session.started_at = now
        session.save(update_fields=["status", "started_at"])
    return session


def session_pause(
    *, session: GameSession, actor: User, now: dt.datetime | None = None
) -> GameSession:
    now = now or timezone.now()
    with transaction.atomic():
        session = _locked_session(session)
        if session.status != SessionStatus.RUNNING:
            raise ValidationError(_("Only a running session can be paused."))
        session.status = SessionStatus.PAUSED
        session.paused_at = now
        session.save(update_fields=["status", "paused_at"])
    return session


def session_resume(
    *, session: GameSession, actor: User, now: dt.datetime | None = None
) -> GameSession:
    now = now or timezone.now()
    with transaction.atomic():
        session = _locked_session(session)
        if session.status != SessionStatus.PAUSED or session.paused_at is None:
            raise ValidationError(_("Only a paused session can be resumed."))
        session.paused_seconds += max(0, int((now - session.paused_at).total_seconds()))
        session.status = SessionStatus.RUNNING
        session.paused_at = None
        session.save(update_fields=["status", "paused_at", "paused_seconds"])
    return session


def session_finish(
    *, session: GameSession, actor: User, now: dt.datetime | None = None
) -> GameSession:
    now = now or timezone.now()
    with transaction.atomic():
        session = _locked_session(session)
        if session.status == SessionStatus.FINISHED:
            return session
        if session.status == SessionStatus.PAUSED and session.paused_at is not None:
            session.paused_seconds += max(0, int((now - session.paused_at).total_seconds()))
            session.paused_at = None
        session.status = SessionStatus.FINISHED
        session.finished_at = now
        session.save(update_fields=["status", "paused_at", "paused_seconds", "finished_at"])
    return session


def broadcast_send(
    *, session: GameSession, text: str, actor: User, now: dt.datetime | None = None
) -> Broadcast:
    text = " ".join(text.split())
    if not text:
        raise ValidationError(_("Write the clue to send."))
    broadcast = Broadcast(session=session, text=text, sent_at=now or timezone.now(), sent_by=actor)
    with transaction.atomic():
        broadcast.full_clean()
        broadcast.save()
    return broadcast


def team_join(*, session: GameSession, team: Team, user: User, role: str) -> TeamMember:
    if team.session_id != session.pk:
        raise ValidationError(_("This team plays another session."))
    if role not in Role.values:
        raise ValidationError(_("Choose a role."))
    if session.status == SessionStatus.FINISHED:
        raise ValidationError(_("This session is over."))
    try:
        with transaction.atomic():
            # Under the team's lock: its last puzzle may fall while this person joins.
            if _team_locked(team.pk).finished_at is not None:
                raise ValidationError(
                    {"team": _("This team has already escaped: choose a team still playing.")}
                )
            return TeamMember.objects.create(session=session, team=team, user=user, role=role)
    except IntegrityError as error:
        raise ValidationError(_("You are already in a team of this session.")) from error


# ---- Playing -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerOutcome:
    status: str  # correct, wrong, already_solved, rate_limited, not_running, not_current
    retry_after: int = 0

    @property
    def message(self) -> str:
        return {
            "correct": _("Correct! The next door opens."),
            "wrong": _("That is not it. Look at the artefact again."),
            "already_solved": _("A teammate has just solved this puzzle."),
            "rate_limited": _("Too many tries: wait %(seconds)s seconds before answering again.")
            % {"seconds": self.retry_after},
            "not_running": _("The game is not running: wait for the facilitator."),
            "not_current": _("This puzzle is not open for your team."),
        }[self.status]


def _wrong_answers(team: Team, now: dt.datetime, *, count: bool = False) -> RateDecision:
    """The team's wrong answers this minute, in the site's one limiter; `count` adds one."""
    limiter = rate_hit if count else rate_peek
    return limiter(
        scope=WRONG_ANSWERS_SCOPE,
        identity=str(team.pk),
        limit=wrong_answers_per_minute(),
        window=RATE_WINDOW_SECONDS,
        now=now.timestamp(),
    )


def _team_locked(team_pk: int) -> Team:
    """The team's row, locked until the end of the transaction: its members take turns."""
    return Team.objects.select_for_update().select_related("session").get(pk=team_pk)


def puzzle_answer(
    *, team: Team, puzzle: Puzzle, user: User, given: str, now: dt.datetime | None = None
) -> AnswerOutcome:
    now = now or timezone.now()
    given = given.strip()[:MAX_ANSWER]
    with transaction.atomic():
        team = _team_locked(team.pk)
        if team.session.status != SessionStatus.RUNNING:
            return AnswerOutcome("not_running")
        if PuzzleSolve.objects.filter(team=team, puzzle=puzzle).exists():
            return AnswerOutcome("already_solved")
        state = team_state(team)
        if state.current is None or state.current.pk != puzzle.pk:
            return AnswerOutcome("not_current")
        # Only wrong answers count: peek before checking, count after a wrong one. The
        # team's lock makes the two one step for the team (its members take turns).
        seen = _wrong_answers(team, now)
        if not seen.allowed:
            return AnswerOutcome("rate_limited", retry_after=seen.retry_after)
        correct = is_correct(puzzle.rule, puzzle.answer, given)
        Attempt.objects.create(
            team=team, puzzle=puzzle, user=user, given=given, correct=correct, at=now
        )
        if not correct:
            _wrong_answers(team, now, count=True)
            return AnswerOutcome("wrong")
        _solve(team, puzzle, state, user=user, now=now, unlocked=False)
    return AnswerOutcome("correct")


def _solve(team: Team, puzzle: Puzzle, state, *, user: User | None, now, unlocked: bool) -> None:
    PuzzleSolve.objects.create(
        team=team, puzzle=puzzle, solved_at=now, solved_by=user, unlocked_by_facilitator=unlocked
    )
    team.solved_count += 1
    fields = ["solved_count"]
    if len(state.solved_ids) + 1 == len(state.puzzles):
        team.finished_at = now
        team.finished_clock_seconds = clock_seconds(team.session, now)
        fields += ["finished_at", "finished_clock_seconds"]
    team.save(update_fields=fields)


def hint_take(*, team: Team, puzzle: Puzzle, user: User, now: dt.datetime | None = None) -> HintUse:
    """Reveal the puzzle's next hint to the team and add its cost to the team's time."""
    now = now or timezone.now()
    with transaction.atomic():
        team = _team_locked(team.pk)
        if team.session.status != SessionStatus.RUNNING:
            raise ValidationError(_("The game is not running: wait for the facilitator."))
        state = team_state(team)
        if state.current is None or state.current.pk != puzzle.pk:
            raise ValidationError(_("This puzzle is not open for your team."))
        index = len(state.hints_by_puzzle.get(puzzle.pk, []))
        if index >= len(puzzle.hints):
            raise ValidationError(_("There is no other hint for this puzzle."))
        use = HintUse.objects.create(
            team=team,
            puzzle=puzzle,
            index=index,
            penalty_seconds=puzzle.hint_penalty_seconds,
            used_by=user,
            used_at=now,
        )
        team.penalty_seconds += puzzle.hint_penalty_seconds
        team.save(update_fields=["penalty_seconds"])
    return use


def puzzle_unlock(*, team: Team, actor: User, now: dt.datetime | None = None) -> Puzzle:
    """The facilitator opens the next door for a stuck team: its current puzzle counts as done."""
    now = now or timezone.now()
    with transaction.atomic():
        team = _team_locked(team.pk)
        if team.session.status not in (SessionStatus.RUNNING, SessionStatus.PAUSED):
            # Before the start or after the end, an unlock would change the results.
            raise ValidationError(_("The session is not running: no puzzle can be unlocked."))
        state = team_state(team)
        if state.current is None:
            raise ValidationError(_("This team has solved every puzzle."))
        puzzle = state.current
        _solve(team, puzzle, state, user=actor, now=now, unlocked=True)
    return puzzle
