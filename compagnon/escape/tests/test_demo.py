import pytest
from django.utils import translation

from compagnon.escape.answers import is_correct
from compagnon.escape.artefacts import artefact_context
from compagnon.escape.demo import demo_escape_load, scenario_lumen_create
from compagnon.escape.models import ArtefactKind, GameSession, Scenario
from compagnon.escape.selectors import puzzles_in_order

pytestmark = pytest.mark.django_db

# What a team types, in French and in English, for each of the nine puzzles.
SOLUTIONS = [
    ("0,63", "0.63"),
    ("46,7 %", "46.7"),
    ("First_Account_Years", "first_account_years"),
    ("drop_missing_income", "step 3"),
    ("B, C et F", "f, b and c"),
    ("29", "29"),
    ("V2.3", "version 2.3.0"),
    ("11,25", "11.25 %"),
    ("sales_units", "Sales units"),
]


def test_the_lumen_scenario_is_complete_and_solvable():
    version = scenario_lumen_create()
    puzzles = puzzles_in_order(version.pk)
    assert version.is_published
    assert len(puzzles) == len(SOLUTIONS) == 9
    assert {p.artefact_kind for p in puzzles} == set(ArtefactKind.values)
    assert {p.rule for p in puzzles} == {"exact", "set", "number", "pattern"}
    for puzzle, answers in zip(puzzles, SOLUTIONS, strict=True):
        for given in answers:
            assert is_correct(puzzle.rule, puzzle.answer, given), (puzzle.title_en, given)
        assert not is_correct(puzzle.rule, puzzle.answer, "42"), puzzle.title_en
        assert len(puzzle.hints) == 2
        for language in ("fr", "en"):
            with translation.override(language):
                assert puzzle.title and puzzle.prompt and puzzle.teaches
                artefact_context(puzzle.artefact_kind, puzzle.artefact)


def test_demo_load_is_idempotent(staff_user, settings):
    from compagnon.site.demo import data

    staff_user.email = data.STAFF_EMAIL
    staff_user.save()
    assert demo_escape_load() == 2
    assert demo_escape_load() == 0
    assert Scenario.objects.count() == 1
    session = GameSession.objects.get()
    assert session.teams.count() == 3
