"""Insights reading the learning app: lessons and programmes finished, quiz score growth,
the organisation's cohort funnels; the 5-person rule and fixed query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from compagnon.insights.charts import source_labels
from compagnon.insights.growth import growth_figures, quiz_pairs
from compagnon.insights.participation import organisation_participation
from compagnon.insights.selectors import cohort_funnels_visible
from compagnon.insights.services import snapshot_compute
from compagnon.learning.models import (
    Badge,
    Certificate,
    Cohort,
    CohortMember,
    LessonKind,
    LessonProgress,
    QuizAttempt,
)
from compagnon.learning.tests.factories import LessonFactory, ProgrammeFactory
from compagnon.members.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def _quiz(person, lesson, *scores):
    for number, score in enumerate(scores, start=1):
        QuizAttempt.objects.create(user=person.user, lesson=lesson, number=number, score=score)


def _completed(person, lesson, when=None):
    LessonProgress.objects.create(user=person.user, lesson=lesson, completed_at=when or NOW)


def _cohort(organisation, *, people, programme=None, title="Cohorte"):
    cohort = Cohort.objects.create(
        programme=programme or ProgrammeFactory(),
        title=title,
        starts_on=NOW.date(),
        ends_on=NOW.date() + dt.timedelta(days=30),
    )
    cohort.organisations.add(organisation)
    for person in people:
        CohortMember.objects.create(
            cohort=cohort,
            email=person.email,
            user=person.user,
            organisation=organisation,
            joined_at=NOW,
        )
    return cohort


def test_quiz_pairs_average_first_and_best_per_person(org_a):
    ada = PersonFactory(organisation=org_a, with_account=True)
    quiz_1, quiz_2 = LessonFactory(kind=LessonKind.QUIZ), LessonFactory(kind=LessonKind.QUIZ)
    _quiz(ada, quiz_1, 40, 100, 80)  # first 40, best 100
    _quiz(ada, quiz_2, 60)  # one attempt: first = best

    assert quiz_pairs(None) == {ada.pk: (50.0, 80.0)}
    assert quiz_pairs([ada.pk + 1000]) == {}


def test_quiz_growth_is_a_source_with_its_interval_for_five_people(org_a, org_b):
    quiz = LessonFactory(kind=LessonKind.QUIZ)
    inside = [PersonFactory(organisation=org_a, with_account=True) for _ in range(5)]
    for index, person in enumerate(inside):
        _quiz(person, quiz, 50, 60 + 10 * index)
    _quiz(PersonFactory(organisation=org_b, with_account=True), quiz, 0, 100)

    figures = growth_figures([p.pk for p in inside])["quizzes"]

    assert figures["mean_gain"]["n"] == 5
    assert figures["mean_gain"]["value"] == pytest.approx(30.0)
    low, high = figures["effect_size"]["low"], figures["effect_size"]["high"]
    assert low is not None and high is not None and low <= figures["effect_size"]["value"] <= high


def test_participation_counts_lessons_modules_and_programmes_by_year(org_a, org_b):
    ada = PersonFactory(organisation=org_a, with_account=True)
    other = PersonFactory(organisation=org_b, with_account=True)
    lesson = LessonFactory()
    old = LessonFactory(module=lesson.module)
    _completed(ada, lesson)
    _completed(ada, old, when=timezone.make_aware(dt.datetime(2021, 3, 1)))
    _completed(other, lesson)
    Badge.objects.create(user=ada.user, module=lesson.module)
    Certificate.objects.create(
        user=ada.user, programme=lesson.module.programme, holder_name="Ada", programme_title="P"
    )

    all_years = organisation_participation(org_a, year=None)
    in_2021 = organisation_participation(org_a, year=2021)

    assert (all_years["lessons_completed"], all_years["learners"]) == (2, 1)
    assert (all_years["modules_finished"], all_years["programmes_finished"]) == (1, 1)
    assert (in_2021["lessons_completed"], in_2021["modules_finished"]) == (1, 0)


def test_cohort_funnels_count_the_organisations_people_and_hide_small_groups(org_a, org_b):
    programme = ProgrammeFactory()
    first = LessonFactory(module__programme=programme)
    second = LessonFactory(module=first.module)
    people = [PersonFactory(organisation=org_a, with_account=True) for _ in range(5)]
    big = _cohort(org_a, people=people, programme=programme, title="Big")
    big.organisations.add(org_b)
    CohortMember.objects.create(  # another organisation's person: not counted for org_a
        cohort=big, email="x@beta.example", organisation=org_b
    )
    for person in people[:3]:
        _completed(person, first)
    _completed(people[0], second)
    small = _cohort(org_a, people=people[:4], title="Small")
    _cohort(org_b, people=[], title="Not ours")

    rows = {row["cohort"].title: row["counts"] for row in cohort_funnels_visible(org_a)}

    assert set(rows) == {"Big", "Small"}
    assert rows["Big"] == {"invited": 5, "started": 3, "half": 3, "finished": 1, "wants_more": 0}
    assert rows["Small"] is None  # 4 people: withheld
    assert small.pk


def test_the_organisation_page_shows_learning_and_its_cohorts(client_of, manager_a, org_a):
    people = [PersonFactory(organisation=org_a, with_account=True) for _ in range(5)]
    quiz = LessonFactory(kind=LessonKind.QUIZ)
    for person in people:
        _quiz(person, quiz, 40, 90)
        _completed(person, quiz)
    _cohort(org_a, people=people, title="Printemps de la donnée")
    snapshot_compute(organisation=org_a)  # the nightly run

    response = client_of(manager_a).get(reverse("insights:organisation", args=[org_a.slug]))

    assert 'data-testid="insights-cohorts"' in response.text
    assert "Printemps de la donnée" in response.text
    assert source_labels()["quizzes"] in [row["label"] for row in response.context["growth_rows"]]
    assert response.context["participation"]["lessons_completed"] == 5


def test_a_small_organisation_sees_no_quiz_figure(client_of, manager_a, org_a):
    quiz = LessonFactory(kind=LessonKind.QUIZ)
    for person in [PersonFactory(organisation=org_a, with_account=True) for _ in range(4)]:
        _quiz(person, quiz, 40, 90)
    snapshot_compute(organisation=org_a)

    response = client_of(manager_a).get(reverse("insights:organisation", args=[org_a.slug]))

    labels = [row["label"] for row in response.context["growth_rows"]]
    assert source_labels()["quizzes"] not in labels


@pytest.mark.parametrize("count", [1, 3])
def test_organisation_page_queries_do_not_grow_with_cohorts(
    client_of, manager_a, org_a, count, django_assert_num_queries
):
    people = [PersonFactory(organisation=org_a, with_account=True) for _ in range(5)]
    for index in range(count):
        _cohort(org_a, people=people, title=f"Cohorte {index}")
    snapshot_compute(organisation=org_a)
    client = client_of(manager_a)
    client.get(reverse("insights:organisation", args=[org_a.slug]))
    with django_assert_num_queries(QUERIES_ORGANISATION_PAGE):
        response = client.get(reverse("insights:organisation", args=[org_a.slug]))
    assert response.text.count("Cohorte ") == count


# The participation figures are kept per snapshot (views._participation): the second visit reads
# them from the cache instead of the 16 counting queries.
QUERIES_ORGANISATION_PAGE = 10


def test_my_growth_shows_my_quizzes_only(client_of, member_a, org_a):
    quiz = LessonFactory(kind=LessonKind.QUIZ, title_en="Joins", title_fr="Jointures")
    other_quiz = LessonFactory(kind=LessonKind.QUIZ, title_en="Secret", title_fr="Secret")
    _quiz(member_a, quiz, 33, 67, 100)
    _completed(member_a, quiz)
    _quiz(PersonFactory(organisation=org_a, with_account=True), other_quiz, 10)

    response = client_of(member_a).get(reverse("insights:me"))

    learning = response.context["learning"]
    assert learning["counts"]["lessons_completed"] == 1
    assert [(q["first"], q["best"], q["attempts"]) for q in learning["quizzes"]] == [(33, 100, 3)]
    assert "Joins" in response.text and "Secret" not in response.text


def test_my_growth_learning_empty_state(client_of, member_a):
    response = client_of(member_a).get(reverse("insights:me"))

    assert 'data-testid="insights-my-learning"' in response.text
    assert reverse("learning:catalogue") in response.text


def test_the_club_page_counts_learning(client_of, staff_user, org_a):
    ada = PersonFactory(organisation=org_a, with_account=True)
    _completed(ada, LessonFactory())

    response = client_of(staff_user).get(reverse("insights:club"))

    assert 'data-testid="insights-learning"' in response.text
    assert response.context["learning"]["lessons_completed"] == 1
