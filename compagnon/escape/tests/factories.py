"""A small published scenario: `n` puzzles with exact answers "secret-answer-1", …, two hints each."""

from __future__ import annotations

from django.utils import timezone

from compagnon.escape.models import Puzzle, Room, Scenario, ScenarioVersion
from compagnon.escape.services import session_create

SECRET = "secret-answer-{}"
HINT = "unused-hint-{}-{}"


def scenario_version(puzzles: int = 3, *, published: bool = True, slug: str = "test-game"):
    scenario = Scenario.objects.create(slug=slug, title_fr="Jeu test", title_en="Test game")
    version = ScenarioVersion.objects.create(
        scenario=scenario, number=1, story_fr="Il était une fois", story_en="Once upon a time"
    )
    room = Room.objects.create(version=version, position=1, title_fr="Salle", title_en="Room")
    for position in range(1, puzzles + 1):
        Puzzle.objects.create(
            room=room,
            position=position,
            title_fr=f"Énigme {position}",
            title_en=f"Puzzle {position}",
            prompt_fr="Quel est le mot ?",
            prompt_en="What is the word?",
            artefact_kind="table",
            artefact={"columns": ["a", "b"], "rows": [[1, 2]]},
            rule="exact",
            answer={"accept": [SECRET.format(position)]},
            answer_shown_fr=f"Réponse {position}",
            answer_shown_en=f"Answer {position}",
            hints=[
                {"fr": HINT.format(position, i), "en": HINT.format(position, i)} for i in (1, 2)
            ],
            hint_penalty_seconds=120,
            lesson_fr="Ce que ça apprend",
            lesson_en="What it teaches",
        )
    if published:
        version.published_at = timezone.now()
        version.save()
    return version


def game(facilitator, *, puzzles: int = 3, teams: int = 1, slug: str = "test-game"):
    version = scenario_version(puzzles, slug=slug)
    return session_create(
        version=version,
        title="Session test",
        facilitator=facilitator,
        team_names=[f"Team {i}" for i in range(1, teams + 1)],
    )
