import datetime as dt

from django.utils import timezone

from compagnon.accounts.privacy import person_erase
from compagnon.learning import services
from compagnon.learning.models import Certificate, CohortMember, DiscussionPost, LessonProgress
from compagnon.learning.privacy import learning_export

from .factories import LessonFactory


def _history(person, staff_user):
    lesson = LessonFactory()
    services.lesson_mark_read(user=person.user, lesson=lesson)
    today = timezone.localdate()
    cohort = services.cohort_create(
        actor=staff_user,
        programme=lesson.module.programme,
        title="MOOC",
        organisations=[person.organisation],
        starts_on=today,
        ends_on=today + dt.timedelta(days=10),
    )
    services.cohort_join(cohort=cohort, user=person.user, by_link=True)
    services.discussion_post_add(
        cohort=cohort, module=lesson.module, author=person.user, body="Ma question"
    )
    return lesson


def test_export_holds_everything(member_a, staff_user):
    _history(member_a, staff_user)
    data = learning_export(member_a, member_a.user)
    assert data["learning_certificates"][0]["holder"] == member_a.full_name
    assert data["learning_discussion_posts"][0]["message"] == "Ma question"
    assert data["learning_cohorts"][0]["email"] == member_a.email


def test_erasure_forgets_the_name_keeps_the_counts(member_a, staff_user):
    lesson = _history(member_a, staff_user)
    person_erase(actor=staff_user, person=member_a)
    assert not Certificate.objects.exists()
    assert not DiscussionPost.objects.exists()
    assert LessonProgress.objects.filter(lesson=lesson).count() == 1
    member = CohortMember.objects.get()
    assert member.email.endswith("@erased.invalid")
