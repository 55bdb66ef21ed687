"""Where other apps hand insights what it measures, without insights importing them.

The learning app (lessons and quizzes, built separately) calls `learning_completions_record`
with the lessons people completed. Insights never imports that app: the events are plain
dataclasses, and the level a lesson brings goes through members' skill service (source
"learning"), so it lands in the same skills history as every other change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from compagnon.members.models import Person, SkillSource
from compagnon.members.services import person_skills_learned


@dataclass(frozen=True)
class LearningCompletion:
    """One lesson completed by one person."""

    person_id: int
    lesson: str  # the learning app's own identifier, for logs
    completed_at: dt.datetime
    tag_id: int | None = None  # the skill the lesson teaches, if any
    level_reached: int | None = None  # 1-4: the level the lesson brings the person to
    quiz_score: float | None = None  # 0-1, kept by the learning app; not stored here


def learning_completions_record(events: Iterable[LearningCompletion]) -> int:
    """Raise profile levels to what completed lessons bring (never lowers); returns how many
    skill levels changed. Safe to call twice with the same events: a level already reached
    is left alone."""
    by_person: dict[int, dict[int, int]] = {}
    for event in events:
        if event.tag_id is None or event.level_reached not in (1, 2, 3, 4):
            continue
        levels = by_person.setdefault(event.person_id, {})
        levels[event.tag_id] = max(levels.get(event.tag_id, 0), int(event.level_reached))
    changed = 0
    for person in Person.objects.filter(pk__in=list(by_person)).order_by("pk"):
        changed += len(
            person_skills_learned(
                person=person, levels=by_person[person.pk], actor=None, source=SkillSource.LEARNING
            )
        )
    return changed
