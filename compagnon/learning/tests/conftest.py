import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from compagnon.learning.models import LessonKind
from compagnon.learning.services import lesson_captions_set, lesson_video_set

from .factories import FAKE_MP4, VTT_EN, VTT_FR, LessonFactory, ModuleFactory


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    settings.PRIVATE_ROOT = tmp_path / "private"


@pytest.fixture
def module(db):
    return ModuleFactory()


@pytest.fixture
def video_lesson(module):
    lesson = LessonFactory(module=module, kind=LessonKind.VIDEO, video_seconds=100)
    lesson_video_set(
        lesson=lesson,
        upload=SimpleUploadedFile("talk.mp4", FAKE_MP4, content_type="video/mp4"),
        seconds=100,
        actor=None,
    )
    lesson_captions_set(lesson=lesson, language="fr", data=VTT_FR.encode(), actor=None)
    lesson_captions_set(lesson=lesson, language="en", data=VTT_EN.encode(), actor=None)
    return lesson
