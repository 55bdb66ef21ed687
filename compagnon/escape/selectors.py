"""Reads of the escape game: who may see a session or a team, the puzzles in order, the clock."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404

from compagnon.escape.models import (
    Broadcast,
    GameSession,
    HintUse,
    Puzzle,
    PuzzleSolve,
    ScenarioVersion,
    SessionStatus,
    Team,
    TeamMember,
)


def puzzles_in_order(version_id: int) -> list[Puzzle]:
    return list(
        Puzzle.objects.filter(room__version_id=version_id)
        .select_related("room", "learning_lesson")
        .order_by("room__position", "room_id", "position", "id")
    )


def clock_seconds(session: GameSession, now: dt.datetime) -> int:
    """Seconds the session has run: from the start, without its pauses."""
    if session.started_at is None:
        return 0
    end = session.finished_at or session.paused_at or now
    return max(0, int((end - session.started_at).total_seconds()) - session.paused_seconds)


def team_seconds(team: Team, session: GameSession, now: dt.datetime) -> int:
    """The team's time: the clock when it finished (or now), plus what its hints cost."""
    clock = team.finished_clock_seconds
    if clock is None:
        clock = clock_seconds(session, now)
    return clock + team.penalty_seconds


def can_facilitate(user, session: GameSession) -> bool:
    return bool(user.is_authenticated and (user.is_staff or session.facilitator_id == user.pk))


def session_for_facilitator(user, pk: int) -> GameSession:
    session = GameSession.objects.select_related("version__scenario").filter(pk=pk).first()
    if session is None or not can_facilitate(user, session):
        raise Http404
    return session


def sessions_facilitated_by(user) -> QuerySet[GameSession]:
    sessions = GameSession.objects.select_related("version__scenario").annotate(
        team_count=Count("teams", distinct=True)
    )
    return sessions if user.is_staff else sessions.filter(facilitator=user)


def published_versions() -> QuerySet[ScenarioVersion]:
    return (
        ScenarioVersion.objects.filter(published_at__isnull=False)
        .select_related("scenario")
        .order_by("scenario__title_fr", "-number")
    )


def session_by_code(code: str) -> GameSession:
    session = GameSession.objects.select_related("version__scenario").filter(code=code).first()
    if session is None:
        raise Http404
    return session


def team_for_viewer(user, pk: int) -> Team:
    """A team is its members' and its facilitator's (and staff's); 404 for everyone else."""
    team = Team.objects.select_related("session__version__scenario").filter(pk=pk).first()
    if team is None:
        raise Http404
    if can_facilitate(user, team.session):
        return team
    if not TeamMember.objects.filter(team=team, user_id=user.pk).exists():
        raise Http404
    return team


def team_for_player(user, pk: int) -> Team:
    """Only the team's own players answer and take hints: the facilitator unlocks instead."""
    team = Team.objects.select_related("session__version__scenario").filter(pk=pk).first()
    if team is None or not TeamMember.objects.filter(team=team, user_id=user.pk).exists():
        raise Http404
    return team


def teams_still_playing(session: GameSession) -> QuerySet[Team]:
    """The session's teams a player may still join: not those that have already escaped."""
    return session.teams.filter(finished_at__isnull=True).order_by("name")


def team_of(user, session: GameSession) -> Team | None:
    member = (
        TeamMember.objects.filter(session=session, user_id=user.pk).select_related("team").first()
    )
    return member.team if member else None


def user_teams(user) -> QuerySet[TeamMember]:
    return (
        TeamMember.objects.filter(user_id=user.pk)
        .select_related("team__session__version__scenario")
        .order_by("-joined_at")
    )


@dataclass
class TeamState:
    puzzles: list[Puzzle]
    solved_ids: set[int]
    current: Puzzle | None
    hints_by_puzzle: dict[int, list[HintUse]]

    @property
    def finished(self) -> bool:
        return self.current is None

    @property
    def position(self) -> int:
        return len(self.solved_ids) + (0 if self.current is None else 1)


def team_state(team: Team, puzzles: list[Puzzle] | None = None) -> TeamState:
    if puzzles is None:
        puzzles = puzzles_in_order(team.session.version_id)
    solved_ids = set(PuzzleSolve.objects.filter(team=team).values_list("puzzle_id", flat=True))
    current = next((p for p in puzzles if p.pk not in solved_ids), None)
    hints: dict[int, list[HintUse]] = {}
    for use in HintUse.objects.filter(team=team).order_by("index"):
        hints.setdefault(use.puzzle_id, []).append(use)
    return TeamState(puzzles, solved_ids, current, hints)


def console_teams(session: GameSession) -> list[Team]:
    """Every team with its members and hints counted: three queries whatever their number."""
    return list(
        Team.objects.filter(session=session)
        .annotate(hint_count=Count("hints_used", distinct=True))
        .prefetch_related(Prefetch("members", queryset=TeamMember.objects.select_related("user")))
        .order_by("name")
    )


def latest_broadcasts(session: GameSession, limit: int = 3) -> list[Broadcast]:
    return list(Broadcast.objects.filter(session=session)[:limit])


def session_is_live(session: GameSession) -> bool:
    return session.status in (SessionStatus.RUNNING, SessionStatus.PAUSED)
