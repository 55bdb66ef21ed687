import pytest
from django.urls import reverse

from compagnon.learning.demo import PROGRAMME_SLUG, demo_learning_load
from compagnon.learning.models import Cohort, Lesson, Programme, ProgrammeKind
from compagnon.learning.services import exercise_submit, quiz_submit
from compagnon.site.demo.loader import demo_club_load


@pytest.mark.django_db
def test_demo_programme_is_whole_and_loads_once(client, member_a):
    demo_club_load()
    assert demo_learning_load() == 5
    assert demo_learning_load() == 0
    programme = Programme.objects.get(slug=PROGRAMME_SLUG)
    assert set(Programme.objects.values_list("kind", flat=True)) == set(ProgrammeKind.values)
    assert Cohort.objects.filter(programme=programme).count() == 1
    lessons = Lesson.objects.filter(module__programme=programme)
    quiz = lessons.get(kind="quiz")
    answers = {
        q.pk: [str(i + 1) for i in range(len(q.choices))]
        if q.kind == "ordering"
        else [str(i) for i, c in enumerate(q.choices) if c.get("correct")] or ["0,25"]
        for q in quiz.questions.all()
    }
    assert quiz_submit(user=member_a.user, lesson=quiz, answers=answers).score == 100
    assert exercise_submit(user=member_a.user, lesson=lessons.get(kind="exercise"), answer="0.25")
    page = client.get(reverse("learning:catalogue"), {"audience": "dpo"}).content.decode()
    assert "RGPD" in page or "GDPR" in page
