"""The demo's escape game: the Lumen scenario (version 1, published) and a session ready to play.

Idempotent by slug: a scenario that exists is left alone. The staff animator
facilitates the session « Soirée escape game » with three teams; members join with the
link shown on the console (/escape/).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from compagnon.accounts.models import User
from compagnon.escape import scenario_lumen as lumen
from compagnon.escape.models import GameSession, Puzzle, Room, Scenario, ScenarioVersion
from compagnon.escape.services import puzzle_check, session_create

DEMO_SESSION_TITLE = "Soirée escape game · Lumen"
DEMO_TEAMS = ["Équipe Lovelace", "Équipe Turing", "Équipe Hopper"]


def scenario_lumen_create() -> ScenarioVersion | None:
    """The Lumen scenario's first version, published; None when it exists already."""
    from compagnon.learning.models import Lesson

    if Scenario.objects.filter(slug=lumen.SLUG).exists():
        return None
    lessons = {
        lesson.title_en: lesson
        for lesson in Lesson.objects.filter(module__programme__slug="dix-minutes-data-ia")
    }
    scenario = Scenario.objects.create(
        slug=lumen.SLUG, title_fr=lumen.TITLE_FR, title_en=lumen.TITLE_EN
    )
    version = ScenarioVersion.objects.create(
        scenario=scenario, number=1, story_fr=lumen.STORY_FR, story_en=lumen.STORY_EN
    )
    for room_position, spec in enumerate(lumen.ROOMS, 1):
        room = Room.objects.create(
            version=version,
            position=room_position,
            title_fr=spec["title"]["fr"],
            title_en=spec["title"]["en"],
            story_fr=spec["story"]["fr"],
            story_en=spec["story"]["en"],
        )
        for position, item in enumerate(spec["puzzles"], 1):
            puzzle = Puzzle(
                room=room,
                position=position,
                title_fr=item["title"]["fr"],
                title_en=item["title"]["en"],
                prompt_fr=item["prompt"]["fr"],
                prompt_en=item["prompt"]["en"],
                artefact_kind=item["artefact_kind"],
                artefact=item["artefact"],
                rule=item["rule"],
                answer=item["answer"],
                answer_shown_fr=item["answer_shown"]["fr"],
                answer_shown_en=item["answer_shown"]["en"],
                hints=item["hints"],
                lesson_fr=item["lesson"]["fr"],
                lesson_en=item["lesson"]["en"],
                learning_lesson=lessons.get(item.get("lesson_title_en", "")),
            )
            puzzle_check(puzzle)
            puzzle.save()
    version.published_at = timezone.now()
    version.save(update_fields=["published_at"])
    return version


def demo_escape_load() -> int:
    """Create what is missing; returns how many scenarios and sessions it made."""
    from compagnon.site.demo.data import STAFF_EMAIL

    made = 0
    with transaction.atomic():
        version = scenario_lumen_create()
        if version is not None:
            made += 1
        version = (
            ScenarioVersion.objects.filter(scenario__slug=lumen.SLUG, published_at__isnull=False)
            .order_by("-number")
            .first()
        )
        staff = User.objects.filter(email__iexact=STAFF_EMAIL).first()
        if (
            version is not None
            and staff is not None
            and not GameSession.objects.filter(title=DEMO_SESSION_TITLE).exists()
        ):
            session_create(
                version=version,
                title=DEMO_SESSION_TITLE,
                facilitator=staff,
                team_names=DEMO_TEAMS,
            )
            made += 1
    return made
