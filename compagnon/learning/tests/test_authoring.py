import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from compagnon.learning.admin import LessonForm, QuizQuestionForm
from compagnon.learning.models import LessonKind, QuestionKind
from compagnon.learning.services import chapters_check

from .factories import LessonFactory, ModuleFactory


@pytest.mark.parametrize(
    ("chapters", "message"),
    [
        ({"start": 0}, "Chapters are a list"),
        ([{"start": 0, "title": ""}], "Chapter 1 needs a start"),
        ([{"start": 10, "title": "B"}, {"start": 5, "title": "A"}], "Chapter 2 starts before"),
        ([{"start": 500, "title": "Late"}], "after the end of the video"),
    ],
)
def test_chapters_are_checked(chapters, message):
    with pytest.raises(ValidationError, match=message):
        chapters_check(chapters, length_seconds=120)


def test_lesson_form_refuses_bad_chapters(db):
    module = ModuleFactory()
    form = LessonForm(
        data={
            "module": module.pk,
            "position": 1,
            "title_fr": "Vidéo",
            "title_en": "Video",
            "kind": LessonKind.VIDEO,
            "duration_minutes": 10,
            "level": 1,
            "audiences": ["all", "dpo"],
            "languages": ["fr"],
            "licence": "CC-BY-SA-4.0",
            "video_seconds": 60,
            "chapters": '[{"start": 90, "title": "Too late"}]',
            "pass_mark": 70,
            "draw_count": 0,
            "tolerance": 0,
        }
    )
    assert not form.is_valid()
    assert "Chapter 1 starts after the end of the video." in form.errors["chapters"]


def test_question_form_needs_one_right_choice(db):
    lesson = LessonFactory(kind=LessonKind.QUIZ)
    form = QuizQuestionForm(
        data={
            "lesson": lesson.pk,
            "position": 1,
            "kind": QuestionKind.SINGLE,
            "prompt_fr": "Q",
            "prompt_en": "Q",
            "choices": '[{"fr": "a", "en": "a"}, {"fr": "b", "en": "b"}]',
            "tolerance": 0,
        }
    )
    assert not form.is_valid()
    assert "A single-choice question has exactly one right choice." in form.errors["choices"]


def test_tick_command_runs(db):
    out = io.StringIO()
    call_command("learning_tick", stdout=out)
    assert "cohort reminders queued: 0" in out.getvalue()
