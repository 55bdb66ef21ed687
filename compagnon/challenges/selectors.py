"""Reads for the challenge pages: which challenges a viewer sees, and the leaderboards.

Ranking rule, everywhere: the challenge's declared ranking (one metric, a weighted
sum, or one metric under a constraint on another); on equal standing the EARLIER
submission first (then the lower id, which is the earlier insert).
Each leaderboard is one query, ranked in Python.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from compagnon.challenges.fairness import RANK_CONSTRAINT, RANK_WEIGHTED, pareto_front
from compagnon.challenges.models import (
    Challenge,
    ChallengeStatus,
    ChallengeVisibility,
    DiscussionPost,
    Submission,
    SubmissionStatus,
    Team,
    TeamInvitation,
    TeamInvitationStatus,
)
from compagnon.challenges.services import challenge_can_manage
from compagnon.members.selectors import Viewer


def challenges_visible_to(viewer: Viewer) -> QuerySet[Challenge]:
    challenges = Challenge.objects.select_related("organiser")
    if viewer.is_staff:
        return challenges
    shown = Q(status=ChallengeStatus.PUBLISHED) | Q(status=ChallengeStatus.ARCHIVED)
    if not viewer.is_member:
        shown &= Q(visibility=ChallengeVisibility.PUBLIC)
    organisation = viewer.person.organisation if viewer.person else None
    if organisation is not None and viewer.manages(organisation):
        # The same rule as `challenge_can_manage`: their own organisation's drafts too.
        shown |= Q(organiser=organisation)
    return challenges.filter(shown)


def challenge_for_viewer(slug: str, viewer: Viewer) -> Challenge:
    """The challenge, or 404 when the viewer may not know it exists."""
    challenge = Challenge.objects.select_related("organiser", "workshop").filter(slug=slug).first()
    if challenge is None:
        raise Http404
    if challenge.status == ChallengeStatus.DRAFT and not challenge_can_manage(challenge, viewer):
        raise Http404
    return challenge


@dataclass(frozen=True)
class Entry:
    rank: int | None
    team_id: int | None
    team_name: str
    score: float
    submission_id: int
    submitted_at: datetime
    entries: int
    is_baseline: bool = False
    description: str = ""
    # Every declared metric of the board's split (name -> value); the ranking's own figures.
    metrics: dict[str, float] = field(default_factory=dict)
    on_front: bool = False
    ranking_value: float | None = None
    meets_constraint: bool | None = None
    code_url: str = ""

    def metric_cells(self, names: list[str]) -> list[float | None]:
        return [self.metrics.get(name) for name in names]


def _key(challenge: Challenge):
    """Best first by the challenge's declared ranking; on ties the earlier, then the lower id."""
    ranking = challenge.ranking
    directions = challenge.metric_directions()

    def key(row: dict[str, Any]) -> tuple:
        return (ranking.key(row["values"], directions), row["created_at"], row["pk"])

    return key


def _scored_rows(challenge: Challenge, team: Team | None = None) -> list[dict[str, Any]]:
    scored = Submission.objects.filter(challenge=challenge, status=SubmissionStatus.SCORED)
    if team is not None:
        scored = scored.filter(team=team)
    return [
        dict(row)
        for row in scored.values(
            "pk",
            "team_id",
            "team__name",
            "public_score",
            "private_score",
            "public_metrics",
            "private_metrics",
            "created_at",
            "is_baseline",
            "selected_for_final",
            "description",
            "code_url",
        ).order_by("created_at", "pk")
    ]


def _on_split(challenge: Challenge, row: dict[str, Any], split: str) -> dict[str, Any]:
    """The row with its score and its metric values on `split` ("public" or "private")."""
    score = row[f"{split}_score"]
    values = dict(row.get(f"{split}_metrics") or {})
    if score is not None:
        values.setdefault(challenge.metric, score)  # scored before metrics were stored
    return {**row, "score": score, "values": values}


def _ranked(
    challenge: Challenge,
    best: dict[int, dict[str, Any]],
    counts: dict[int, int],
    baselines: Iterable[dict[str, Any]],
) -> list[Entry]:
    key = _key(challenge)
    ranking = challenge.ranking
    directions = challenge.metric_directions()
    rows = sorted([*best.values(), *({**b, "baseline": True} for b in baselines)], key=key)
    # The Pareto front among the ranked rows (baselines are references, not contenders),
    # over every declared metric, each in its own direction.
    contenders = [
        index
        for index, row in enumerate(rows)
        if not row.get("baseline") and all(name in row["values"] for name in directions)
    ]
    front: set[int] = set()
    if challenge.is_multi_metric and contenders:
        found = pareto_front([rows[i]["values"] for i in contenders], directions)
        front = {contenders[i] for i in found}
    entries = []
    rank = 0
    for index, row in enumerate(rows):
        is_baseline = row.get("baseline", False)
        if not is_baseline:
            rank += 1
        values = row["values"]
        entries.append(
            Entry(
                rank=None if is_baseline else rank,
                team_id=row["team_id"],
                team_name=row["team__name"] or "",
                score=row["score"],
                submission_id=row["pk"],
                submitted_at=row["created_at"],
                entries=counts.get(row["team_id"], 0) if row["team_id"] else 0,
                is_baseline=is_baseline,
                description=row["description"] if is_baseline else "",
                metrics=values,
                on_front=index in front,
                ranking_value=ranking.weighted_sum(values, directions)
                if ranking.kind == RANK_WEIGHTED
                else None,
                meets_constraint=ranking.miss(values, directions) == 0
                if ranking.kind == RANK_CONSTRAINT
                else None,
                code_url=row.get("code_url") or "",
            )
        )
    return entries


def leaderboard_public(challenge: Challenge) -> list[Entry]:
    """Each team's best public score; the organiser's baselines among them, unranked."""
    key = _key(challenge)
    best: dict[int, dict[str, Any]] = {}
    counts: dict[int, int] = {}
    baselines = []
    for row in _scored_rows(challenge):
        if row["public_score"] is None:
            continue
        row = _on_split(challenge, row, "public")
        if row["is_baseline"] or row["team_id"] is None:
            baselines.append(row)
            continue
        counts[row["team_id"]] = counts.get(row["team_id"], 0) + 1
        current = best.get(row["team_id"])
        if current is None or key(row) < key(current):
            best[row["team_id"]] = row
    return _ranked(challenge, best, counts, baselines)


def final_rows(challenge: Challenge, rows: list[dict[str, Any]]) -> dict[int, list[dict]]:
    """Each team's finals: those it chose, or by default its best public ones (up to N)."""
    by_team: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        if row["is_baseline"] or row["team_id"] is None or row["public_score"] is None:
            continue
        by_team.setdefault(row["team_id"], []).append(row)
    key = _key(challenge)
    finals = {}
    for team_id, team_rows in by_team.items():
        chosen = [row for row in team_rows if row["selected_for_final"]]
        if not chosen:
            chosen = sorted((_on_split(challenge, row, "public") for row in team_rows), key=key)[
                : challenge.final_selections
            ]
        finals[team_id] = chosen[: challenge.final_selections]
    return finals


def leaderboard_private(challenge: Challenge) -> list[Entry]:
    """Each team's best private score among its final submissions."""
    key = _key(challenge)
    rows = _scored_rows(challenge)
    best: dict[int, dict[str, Any]] = {}
    counts: dict[int, int] = {}
    for row in rows:
        if row["team_id"] is not None and not row["is_baseline"]:
            counts[row["team_id"]] = counts.get(row["team_id"], 0) + 1
    for team_id, chosen in final_rows(challenge, rows).items():
        candidates = [
            _on_split(challenge, row, "private")
            for row in chosen
            if row["private_score"] is not None
        ]
        if candidates:
            best[team_id] = min(candidates, key=key)
    baselines = [
        _on_split(challenge, row, "private")
        for row in rows
        if row["is_baseline"] and row["private_score"] is not None
    ]
    return _ranked(challenge, best, counts, baselines)


def submissions_of_team(team: Team | None) -> QuerySet[Submission]:
    if team is None:
        return Submission.objects.none()
    return (
        Submission.objects.filter(team=team)
        .select_related("submitted_by__person")
        .order_by("-created_at", "-pk")
    )


def default_final_ids(challenge: Challenge, team: Team | None) -> set[int]:
    """The submissions that will count if the team chooses none."""
    if team is None:
        return set()
    finals = final_rows(challenge, _scored_rows(challenge, team)).get(team.pk, [])
    return {row["pk"] for row in finals}


def invitations_for(challenge: Challenge, user: Any) -> QuerySet[TeamInvitation]:
    return TeamInvitation.objects.filter(
        team__challenge=challenge, invitee=user, status=TeamInvitationStatus.PENDING
    ).select_related("team", "invited_by")


def challenge_cards(challenges: QuerySet[Challenge]) -> QuerySet[Challenge]:
    return challenges.annotate(
        team_count=Count("teams", filter=Q(teams__merged_into__isnull=True), distinct=True)
    )


def discussion_posts(challenge: Challenge) -> QuerySet[DiscussionPost]:
    """The thread, oldest first, with each author's name in the same query."""
    return (
        DiscussionPost.objects.filter(challenge=challenge)
        .select_related("author__person")
        .order_by("created_at", "pk")
    )
