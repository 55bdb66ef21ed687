import pytest
from django.urls import reverse

from compagnon.learning import selectors, services
from compagnon.learning.models import LessonKind, QuestionKind, QuizAnswer, QuizAttempt
from compagnon.members.tests.factories import PersonFactory

from .factories import LessonFactory, QuizQuestionFactory

ORDER = [
    {"fr": "Collecter", "en": "Collect"},
    {"fr": "Nettoyer", "en": "Clean"},
    {"fr": "Entraîner", "en": "Train"},
]


@pytest.fixture
def bank(db):
    lesson = LessonFactory(kind=LessonKind.QUIZ, draw_count=2, pass_mark=50)
    for position in range(1, 6):
        QuizQuestionFactory(lesson=lesson, position=position)
    return lesson


def test_a_draw_is_stable_for_an_attempt_and_changes_with_the_next(bank, member_a):
    user = member_a.user
    first = [d.question.pk for d in services.quiz_draw(user=user, lesson=bank, attempt=1)]
    assert len(first) == 2
    assert first == [d.question.pk for d in services.quiz_draw(user=user, lesson=bank, attempt=1)]
    draws = {
        tuple(d.question.pk for d in services.quiz_draw(user=user, lesson=bank, attempt=n))
        for n in range(1, 8)
    }
    assert len(draws) > 1


def test_marking_uses_the_drawn_questions_only(bank, member_a):
    user = member_a.user
    drawn = services.quiz_draw(user=user, lesson=bank, attempt=1)
    result = services.quiz_submit(
        user=user, lesson=bank, answers={d.question.pk: ["0"] for d in drawn}
    )
    assert result.score == 100
    assert QuizAnswer.objects.count() == 2
    assert QuizAttempt.objects.get().number == 1


def test_ordering_question(member_a):
    question = QuizQuestionFactory(kind=QuestionKind.ORDERING, choices=ORDER)
    user = member_a.user
    drawn = services.quiz_draw(user=user, lesson=question.lesson, attempt=1)
    assert [i for i, _label in drawn[0].items] != [0, 1, 2]  # shown shuffled
    wrong = services.quiz_submit(
        user=user, lesson=question.lesson, answers={question.pk: ["2", "1", "3"]}
    )
    assert not wrong.passed
    right = services.quiz_submit(
        user=user, lesson=question.lesson, answers={question.pk: ["1", "2", "3"]}
    )
    assert right.passed
    with pytest.raises(Exception, match="Answer every question"):
        services.quiz_submit(
            user=user, lesson=question.lesson, answers={question.pk: ["1", "", "3"]}
        )


def test_ordering_through_the_page(client_of, member_a):
    question = QuizQuestionFactory(kind=QuestionKind.ORDERING, choices=ORDER)
    client = client_of(member_a)
    page = client.get(question.lesson.get_absolute_url()).content.decode()
    assert f'name="q{question.pk}_2"' in page
    response = client.post(
        reverse("learning:quiz_submit", args=[question.lesson_id]),
        {f"q{question.pk}_0": "1", f"q{question.pk}_1": "2", f"q{question.pk}_2": "3"},
    )
    assert 'data-testid="quiz-outcome"' in response.content.decode()
    assert "Passed" in response.content.decode()


def test_item_analysis(client, staff_user, org_a):
    easy = QuizQuestionFactory(prompt_en="Easy")
    lesson = easy.lesson
    hard = QuizQuestionFactory(lesson=lesson, prompt_en="Hard")
    people = [
        PersonFactory(organisation=org_a, email=f"l{i}@alpha.example", with_account=True)
        for i in range(8)
    ]
    # Everyone gets the easy one; only the four strongest get the hard one.
    for index, person in enumerate(people):
        hard_answer = "0" if index >= 4 else "1"
        services.quiz_submit(
            user=person.user, lesson=lesson, answers={easy.pk: ["0"], hard.pk: [hard_answer]}
        )
    # A second attempt is not counted.
    services.quiz_submit(
        user=people[0].user, lesson=lesson, answers={easy.pk: ["0"], hard.pk: ["0"]}
    )
    count, rows = selectors.quiz_item_analysis(lesson)
    assert count == 8
    by_prompt = {row.question.prompt_en: row for row in rows}
    assert by_prompt["Easy"].difficulty == 1.0
    assert by_prompt["Easy"].discrimination == 0.0
    assert by_prompt["Hard"].difficulty == 0.5
    assert by_prompt["Hard"].discrimination == 1.0
    client.force_login(staff_user)
    page = client.get(reverse("learning:quiz_analysis", args=[lesson.pk]))
    assert 'data-testid="item-analysis"' in page.content.decode()
