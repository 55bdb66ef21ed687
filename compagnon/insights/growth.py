"""Skills growth, from what people already give (seed 002: "a formal evaluation would weigh
down the exchanges"): the levels before and after in "I learned" feedback, the history of
profile levels, challenge results over time, and quiz scores (first and best attempt, read
from the learning app's selectors). One pair (before, after) per person and
source, so the bootstrap resamples people, not answers.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np

from compagnon.insights.stats import paired_gain
from compagnon.members.models import SkillLevelChange, SkillSource

# History rows that are not growth: the first point, an import, the demo's first levels.
_NOT_GROWTH = (SkillSource.INITIAL, SkillSource.IMPORT, SkillSource.DEMO)


def feedback_pairs(person_ids: list[int] | None) -> dict[int, tuple[float, float]]:
    """Per person: mean level before and after over their "I learned" answers."""
    from compagnon.workshops.models import FeedbackLevel

    levels = FeedbackLevel.objects.all()
    if person_ids is not None:
        levels = levels.filter(feedback__registration__person_id__in=person_ids)
    sums: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
    for person_id, before, after in levels.values_list(
        "feedback__registration__person_id", "before", "after"
    ):
        row = sums[person_id]
        row[0] += before
        row[1] += after
        row[2] += 1
    return {pk: (b / n, a / n) for pk, (b, a, n) in sums.items()}


def history_pairs(person_ids: list[int] | None) -> dict[int, tuple[float, float]]:
    """Per person: mean level on their tags at the first point and now, for the tags whose
    level moved after the first point (profile edits, feedback, learning, staff)."""
    changes = SkillLevelChange.objects.all()
    if person_ids is not None:
        changes = changes.filter(person_id__in=person_ids)
    first: dict[tuple[int, int], int | None] = {}
    last: dict[tuple[int, int], int | None] = {}
    moved: set[tuple[int, int]] = set()
    for person_id, tag_id, previous, level, source in changes.order_by(
        "changed_at", "pk"
    ).values_list("person_id", "tag_id", "previous_level", "level", "source"):
        key = (person_id, tag_id)
        if key not in first:
            first[key] = previous if previous is not None else level
        if source not in _NOT_GROWTH and key in last:
            moved.add(key)
        last[key] = level
    per_person: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
    for key in moved:
        start, end = first[key], last[key]
        if start is None or end is None:
            continue  # a skill removed says nothing about growth
        row = per_person[key[0]]
        row[0] += start
        row[1] += end
        row[2] += 1
    return {pk: (b / n, a / n) for pk, (b, a, n) in per_person.items()}


def challenge_pairs(person_ids: list[int] | None) -> dict[int, tuple[float, float]]:
    """Per person who entered at least two scored challenges: their percentile (0 = last,
    100 = first) in the first one and in the latest one."""
    from compagnon.challenges.models import Submission, SubmissionStatus, TeamMembership
    from compagnon.members.models import Person

    best: dict[tuple[int, int], float] = {}
    when: dict[int, Any] = {}
    for challenge_id, team_id, score, higher_is_better, closes in Submission.objects.filter(
        status=SubmissionStatus.SCORED, team__isnull=False, public_score__isnull=False
    ).values_list(
        "challenge_id", "team_id", "public_score", "challenge__higher_is_better", "created_at"
    ):
        if score is None or team_id is None:
            continue
        key = (challenge_id, team_id)
        signed = float(score) if higher_is_better else -float(score)
        best[key] = max(best.get(key, signed), signed)
        when[challenge_id] = max(when.get(challenge_id, closes), closes)
    by_challenge: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for (challenge_id, team_id), score in best.items():
        by_challenge[challenge_id].append((team_id, score))
    percentile: dict[tuple[int, int], float] = {}
    for challenge_id, teams in by_challenge.items():
        if len(teams) < 2:
            continue
        scores = np.array([score for _team, score in teams])
        for team_id, score in teams:
            below = float((scores < score).sum())
            percentile[(challenge_id, team_id)] = 100 * below / (len(teams) - 1)
    person_by_user = dict(Person.objects.filter(user__isnull=False).values_list("user_id", "pk"))
    results: dict[int, list[tuple[Any, float]]] = defaultdict(list)
    for challenge_id, team_id, user_id in TeamMembership.objects.values_list(
        "challenge_id", "team_id", "user_id"
    ):
        person_id = person_by_user.get(user_id)
        value = percentile.get((challenge_id, team_id))
        if person_id is None or value is None:
            continue
        if person_ids is not None and person_id not in person_ids:
            continue
        results[person_id].append((when[challenge_id], value))
    pairs = {}
    for person_id, entries in results.items():
        if len(entries) >= 2:
            entries.sort(key=lambda entry: entry[0])
            pairs[person_id] = (entries[0][1], entries[-1][1])
    return pairs


def quiz_pairs(person_ids: list[int] | None) -> dict[int, tuple[float, float]]:
    """Per person who sent a quiz: their mean score (0-100) over their quizzes at the first
    attempt and at the best one. Best is never below first: the gain says what trying again
    (after re-reading the lesson) brought, not a comparison with people who did not learn."""
    from compagnon.learning.selectors import quiz_first_best_for_insights

    sums: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
    for row in quiz_first_best_for_insights(person_ids=person_ids):
        entry = sums[row["person_id"]]
        entry[0] += row["first"]
        entry[1] += row["best"]
        entry[2] += 1
    return {pk: (first / n, best / n) for pk, (first, best, n) in sums.items()}


def growth_figures(person_ids: list[int] | None) -> dict[str, Any]:
    """Each source's gain, effect size and share of people who improved, with 95 % CIs."""
    figures: dict[str, Any] = {}
    chosen = set(person_ids) if person_ids is not None else None
    for name, build in (
        ("feedback", feedback_pairs),
        ("history", history_pairs),
        ("challenges", challenge_pairs),
        ("quizzes", quiz_pairs),
    ):
        pairs = build(list(chosen) if chosen is not None else None)
        if chosen is not None:
            pairs = {pk: pair for pk, pair in pairs.items() if pk in chosen}
        before = np.array([pair[0] for pair in pairs.values()], dtype=float)
        after = np.array([pair[1] for pair in pairs.values()], dtype=float)
        figures[name] = paired_gain(before, after) if len(pairs) else None
    return figures
