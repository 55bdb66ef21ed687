import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from compagnon.learning import services
from compagnon.learning.models import (
    Badge,
    Certificate,
    LessonKind,
    LessonProgress,
    ProposalStatus,
    QuestionKind,
    SkillProposal,
)
from compagnon.members.models import Skill
from compagnon.members.tests.factories import SkillFactory, TagFactory

from .factories import LessonFactory, QuizQuestionFactory

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def _beat(user, lesson, position, seconds):
    return services.progress_heartbeat(
        user=user, lesson=lesson, position=position, now=T0 + dt.timedelta(seconds=seconds)
    )


def test_share_grows_with_time_and_never_jumps(member_a, video_lesson):
    user = member_a.user
    services.progress_start(user=user, lesson=video_lesson, now=T0)
    # Seeking to the end after 15 s proves at most 15 s x 2 (speed) + 5 s of grace.
    progress = _beat(user, video_lesson, 100, 15)
    assert progress.watched_seconds == 35
    assert progress.share_watched == pytest.approx(0.35)
    assert progress.position_seconds == 100
    # Going back does not lower the share; the position is kept for resuming.
    progress = _beat(user, video_lesson, 10, 30)
    assert progress.share_watched == pytest.approx(0.35)
    assert progress.position_seconds == 10
    assert progress.completed_at is None
    # A burst of beats in the same second earns nothing more.
    for _ in range(5):
        progress = _beat(user, video_lesson, 100, 30)
    assert progress.watched_seconds == 35


def test_a_long_silence_earns_no_more_than_the_gap(member_a, video_lesson):
    user = member_a.user
    services.progress_start(user=user, lesson=video_lesson, now=T0)
    progress = _beat(user, video_lesson, 100, 3600)
    assert progress.watched_seconds == 65  # 30 s gap x 2 + 5


def test_position_is_clamped_and_must_be_a_number(member_a, video_lesson):
    user = member_a.user
    progress = _beat(user, video_lesson, -50, 10)
    assert progress.position_seconds == 0
    progress = _beat(user, video_lesson, 10_000, 20)
    assert progress.position_seconds == 100
    for bad in ("abc", None, "nan", "inf"):
        with pytest.raises(ValidationError, match="number of seconds"):
            _beat(user, video_lesson, bad, 30)


def test_watching_to_the_end_completes_and_awards(member_a, video_lesson):
    user = member_a.user
    services.progress_start(user=user, lesson=video_lesson, now=T0)
    for step in range(1, 8):
        progress = _beat(user, video_lesson, step * 15, step * 15)
    assert progress.share_watched >= 0.9
    assert progress.completed_at is not None
    # The only lesson of its module and programme: a badge and a certificate.
    assert Badge.objects.filter(user=user, module=video_lesson.module).exists()
    certificate = Certificate.objects.get(user=user)
    assert certificate.holder_name == member_a.full_name


def test_quiz_keeps_best_score_and_feedback(member_a):
    question = QuizQuestionFactory()
    number = QuizQuestionFactory(
        lesson=question.lesson,
        kind=QuestionKind.NUMBER,
        choices=[],
        expected_number=3.14,
        tolerance=0.01,
        explanation_en="Pi, to two decimals.",
    )
    lesson = question.lesson
    user = member_a.user
    result = services.quiz_submit(
        user=user, lesson=lesson, answers={question.pk: ["1"], number.pk: ["3,141"]}
    )
    assert result.score == 50 and not result.passed
    assert "Think again." in result.feedback[0].messages
    result = services.quiz_submit(
        user=user, lesson=lesson, answers={question.pk: ["0"], number.pk: ["3.15"]}
    )
    assert result.score == 100 and result.passed
    services.quiz_submit(user=user, lesson=lesson, answers={question.pk: ["1"], number.pk: ["0"]})
    progress = LessonProgress.objects.get(user=user, lesson=lesson)
    assert progress.quiz_score == 100
    assert progress.attempts == 3
    assert progress.completed_at is not None


def test_quiz_refuses_unanswered(member_a):
    question = QuizQuestionFactory()
    with pytest.raises(ValidationError, match="Answer every question"):
        services.quiz_submit(user=member_a.user, lesson=question.lesson, answers={question.pk: []})
    assert not LessonProgress.objects.filter(lesson=question.lesson).exists()


def test_exercise_checked_by_value_with_tolerance(member_a):
    lesson = LessonFactory(
        kind=LessonKind.EXERCISE, dataset_csv="x\n1\n2\n", expected_answer=1.5, tolerance=0.05
    )
    user = member_a.user
    with pytest.raises(ValidationError, match="Enter a number"):
        services.exercise_submit(user=user, lesson=lesson, answer="one and a half")
    assert services.exercise_submit(user=user, lesson=lesson, answer="2") is False
    assert services.exercise_submit(user=user, lesson=lesson, answer="1,52") is True
    assert LessonProgress.objects.get(user=user, lesson=lesson).completed_at is not None


def test_skills_are_proposed_only_with_consent(member_a):
    tag = TagFactory(slug="bias", label_en="Bias", label_fr="Biais")
    lesson = LessonFactory()
    lesson.module.tags.add(tag)
    lesson.module.skill_level = 2
    lesson.module.save()
    other = LessonFactory(module=lesson.module)
    user = member_a.user
    services.lesson_mark_read(user=user, lesson=lesson)
    services.consent_set(user=user, propose_skills=False)
    services.lesson_mark_read(user=user, lesson=other)
    assert not SkillProposal.objects.exists()
    # With consent, a module completed later proposes its level.
    lesson2 = LessonFactory()
    lesson2.module.tags.add(tag)
    lesson2.module.skill_level = 2
    lesson2.module.save()
    services.consent_set(user=user, propose_skills=True)
    services.lesson_mark_read(user=user, lesson=lesson2)
    proposal = SkillProposal.objects.get(user=user)
    assert proposal.level == 2
    services.skill_proposal_answer(proposal=proposal, user=user, accept=True)
    assert Skill.objects.get(person=member_a, tag=tag).level == 2
    with pytest.raises(ValidationError, match="already answered"):
        services.skill_proposal_answer(proposal=proposal, user=user, accept=False)


def test_an_accepted_proposal_never_lowers_a_skill(member_a):
    tag = TagFactory(slug="nlp", label_en="NLP", label_fr="TAL")
    SkillFactory(person=member_a, tag=tag, level=1, can_teach=True)
    lesson = LessonFactory()
    lesson.module.tags.add(tag)
    lesson.module.skill_level = 3
    lesson.module.save()
    services.consent_set(user=member_a.user, propose_skills=True)
    services.lesson_mark_read(user=member_a.user, lesson=lesson)
    proposal = SkillProposal.objects.get()
    services.skill_proposal_answer(proposal=proposal, user=member_a.user, accept=True)
    skill = Skill.objects.get(person=member_a, tag=tag)
    assert (skill.level, skill.can_teach) == (3, True)
    assert SkillProposal.objects.get().status == ProposalStatus.ACCEPTED


def test_declining_leaves_the_profile_alone(member_a):
    tag = TagFactory(slug="ethics", label_en="Ethics", label_fr="Éthique")
    lesson = LessonFactory()
    lesson.module.tags.add(tag)
    services.consent_set(user=member_a.user, propose_skills=True)
    services.lesson_mark_read(user=member_a.user, lesson=lesson)
    proposal = SkillProposal.objects.get()
    services.skill_proposal_answer(proposal=proposal, user=member_a.user, accept=False)
    assert not Skill.objects.filter(person=member_a).exists()


def test_someone_else_cannot_answer(member_a, member_b):
    from django.core.exceptions import PermissionDenied

    tag = TagFactory(slug="ops", label_en="Ops", label_fr="Ops")
    lesson = LessonFactory()
    lesson.module.tags.add(tag)
    services.consent_set(user=member_a.user, propose_skills=True)
    services.lesson_mark_read(user=member_a.user, lesson=lesson)
    with pytest.raises(PermissionDenied):
        services.skill_proposal_answer(
            proposal=SkillProposal.objects.get(), user=member_b.user, accept=True
        )


def test_certificate_is_issued_once(member_a):
    lesson = LessonFactory()
    services.lesson_mark_read(user=member_a.user, lesson=lesson, now=timezone.now())
    first = Certificate.objects.get()
    again = services.certificate_issue(user=member_a.user, programme=lesson.module.programme)
    assert again.pk == first.pk


def test_an_accepted_proposal_lands_in_the_skills_history_as_learning(member_a):
    """Insights counts growth from this history: the source says it came from a lesson."""
    from compagnon.members.models import SkillLevelChange

    tag = TagFactory(slug="sql", label_en="SQL", label_fr="SQL")
    lesson = LessonFactory()
    lesson.module.tags.add(tag)
    lesson.module.skill_level = 3
    lesson.module.save()
    services.consent_set(user=member_a.user, propose_skills=True)
    services.lesson_mark_read(user=member_a.user, lesson=lesson)
    services.skill_proposal_answer(
        proposal=SkillProposal.objects.get(), user=member_a.user, accept=True
    )

    assert list(
        SkillLevelChange.objects.filter(person=member_a).values_list("level", "source")
    ) == [(3, "learning")]
