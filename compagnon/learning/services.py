"""Every change in learning goes through these functions (authoring, progress, cohorts)."""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from compagnon.accounts.models import User
from compagnon.learning import emails
from compagnon.learning.captions import parse_vtt, transcript_of
from compagnon.learning.models import (
    Badge,
    Caption,
    CaptionLanguage,
    Certificate,
    Cohort,
    CohortMember,
    DiscussionPost,
    LearnerConsent,
    Lesson,
    LessonKind,
    LessonProgress,
    Module,
    Programme,
    ProposalStatus,
    QuestionKind,
    QuizAnswer,
    QuizAttempt,
    QuizQuestion,
    SkillProposal,
)
from compagnon.members.models import Organisation, Person, Skill, SkillSource
from compagnon.members.selectors import viewer_for
from compagnon.members.services import person_interest_add, person_skill_set

logger = logging.getLogger(__name__)

# A video counts as watched when this share of it was seen.
WATCHED_TO_COMPLETE = 0.9
# Players may run at up to twice the speed; the heartbeat may come a few seconds late.
PLAYBACK_MAX_RATE = 2.0
HEARTBEAT_GRACE_SECONDS = 5.0
# The player beats every 15 s; a longer silence (a pause, a closed tab) earns no more than this.
HEARTBEAT_MAX_GAP_SECONDS = 30.0
VIDEO_SIGNATURES = (
    (4, b"ftyp", "video/mp4"),
    (0, b"\x1a\x45\xdf\xa3", "video/webm"),
)


# ---------------------------------------------------------------------------
# Authoring: video, captions, chapters
# ---------------------------------------------------------------------------


def video_content_type(head: bytes) -> str | None:
    for offset, signature, content_type in VIDEO_SIGNATURES:
        if head[offset : offset + len(signature)] == signature:
            return content_type
    return None


def lesson_video_set(
    *, lesson: Lesson, upload: UploadedFile, seconds: int | None, actor: User | None
) -> Lesson:
    """Attach an MP4 or WebM file to a video lesson (checked by its first bytes and size)."""
    limit_mb = getattr(settings, "LEARNING_VIDEO_MAX_MB", 500)
    if lesson.kind != LessonKind.VIDEO:
        raise ValidationError({"video": _("Only a video lesson takes a video file.")})
    if upload.size is not None and upload.size > limit_mb * 1024 * 1024:
        raise ValidationError(
            {"video": _("The video is larger than %(size)d MB.") % {"size": limit_mb}}
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if video_content_type(head) is None:
        raise ValidationError({"video": _("Upload an MP4 or WebM video.")})
    if seconds is not None and seconds <= 0:
        raise ValidationError(
            {"video_seconds": _("The length must be a positive number of seconds.")}
        )
    with transaction.atomic():
        locked = Lesson.objects.select_for_update().get(pk=lesson.pk)
        old = locked.video.name if locked.video else ""
        locked.video.save(upload.name or "video.mp4", upload, save=False)
        if seconds:
            locked.video_seconds = seconds
        locked.save(update_fields=["video", "video_seconds"])
        if old:
            storage = locked.video.storage
            transaction.on_commit(lambda: storage.delete(old))
    lesson.video, lesson.video_seconds = locked.video, locked.video_seconds
    logger.info("lesson video set lesson=%s actor=%s", lesson.pk, actor and actor.pk)
    return lesson


def lesson_captions_set(
    *, lesson: Lesson, language: str, data: bytes, actor: User | None
) -> Caption:
    """Store captions in one language after checking them; the cues make the transcript."""
    if language not in CaptionLanguage.values:
        raise ValidationError(_("Captions are in French or English."))
    cues = parse_vtt(data)
    text = data.decode("utf-8").removeprefix("\ufeff")
    with transaction.atomic():
        caption, _created = Caption.objects.update_or_create(
            lesson=lesson,
            language=language,
            defaults={
                "vtt": text,
                "cues": [cue.as_json() for cue in cues],
                "transcript": transcript_of(cues),
                "uploaded_at": timezone.now(),
            },
        )
    logger.info("captions set lesson=%s lang=%s actor=%s", lesson.pk, language, actor and actor.pk)
    return caption


def chapters_check(chapters: Any, *, length_seconds: int | None = None) -> list[dict[str, Any]]:
    """Chapters as [{"start": seconds, "title": "…"}], in order, inside the video."""
    if not isinstance(chapters, list):
        raise ValidationError(
            _('Chapters are a list like [{"start": 0, "title": "Introduction"}].')
        )
    checked: list[dict[str, Any]] = []
    for number, chapter in enumerate(chapters, start=1):
        start = chapter.get("start") if isinstance(chapter, dict) else None
        title = chapter.get("title") if isinstance(chapter, dict) else None
        if (
            not isinstance(start, int | float)
            or start < 0
            or not isinstance(title, str)
            or not title.strip()
        ):
            raise ValidationError(
                _("Chapter %(number)d needs a start in seconds and a title.") % {"number": number}
            )
        if checked and start <= checked[-1]["start"]:
            raise ValidationError(
                _("Chapter %(number)d starts before the one above it.") % {"number": number}
            )
        if length_seconds and start >= length_seconds:
            raise ValidationError(
                _("Chapter %(number)d starts after the end of the video.") % {"number": number}
            )
        checked.append({"start": start, "title": title.strip()})
    return checked


# ---------------------------------------------------------------------------
# Progress
# ---------------------------------------------------------------------------


def progress_start(*, user: User, lesson: Lesson, now: dt.datetime | None = None) -> LessonProgress:
    """The person opened the lesson: their progress row (kept as it was when it exists)."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            progress, _created = LessonProgress.objects.get_or_create(
                user=user, lesson=lesson, defaults={"started_at": now, "last_seen_at": now}
            )
    except IntegrityError:
        # Two tabs opened at once: the other one made the row.
        progress = LessonProgress.objects.get(user=user, lesson=lesson)
    return progress


def progress_heartbeat(
    *, user: User, lesson: Lesson, position: Any, now: dt.datetime | None = None
) -> LessonProgress:
    """The player says where it is. The server decides what that proves.

    The position is clamped to the video. The seconds watched grow at most by the
    time elapsed since the last heartbeat (times the fastest playback rate, plus
    a little grace), so seeking to the end proves nothing; they never go down,
    and neither does the share watched. The position is kept for resuming.
    """
    now = now or timezone.now()
    try:
        value = float(position)
    except (TypeError, ValueError):
        raise ValidationError(_("The position must be a number of seconds.")) from None
    if not math.isfinite(value):
        raise ValidationError(_("The position must be a number of seconds."))
    length = float(lesson.length_seconds)
    value = min(max(value, 0.0), length)
    with transaction.atomic():
        # The row lock makes two beats of one person (two tabs) take turns, so the
        # second sees what the first credited and cannot add the same seconds again.
        progress = (
            LessonProgress.objects.select_for_update().filter(user=user, lesson=lesson).first()
        )
        if progress is None:
            progress_start(user=user, lesson=lesson, now=now)
            progress = LessonProgress.objects.select_for_update().get(user=user, lesson=lesson)
        elapsed = min(
            max(0.0, (now - progress.last_seen_at).total_seconds()), HEARTBEAT_MAX_GAP_SECONDS
        )
        # The grace covers a beat that comes a little late, not a burst of beats at once.
        credit = elapsed * PLAYBACK_MAX_RATE + HEARTBEAT_GRACE_SECONDS if elapsed >= 1 else 0.0
        allowed = progress.watched_seconds + credit
        watched = min(max(progress.watched_seconds, min(value, allowed)), length)
        progress.watched_seconds = watched
        progress.share_watched = max(progress.share_watched, min(1.0, watched / length))
        progress.position_seconds = value
        progress.last_seen_at = now
        fields = ["watched_seconds", "share_watched", "position_seconds", "last_seen_at"]
        progress.save(update_fields=fields)
        if (
            lesson.kind == LessonKind.VIDEO
            and progress.completed_at is None
            and progress.share_watched >= WATCHED_TO_COMPLETE
        ):
            _complete(progress, now=now)
    return progress


def lesson_mark_read(
    *, user: User, lesson: Lesson, now: dt.datetime | None = None
) -> LessonProgress:
    """A text lesson is done when the person says they read it."""
    now = now or timezone.now()
    if lesson.kind != LessonKind.TEXT:
        raise ValidationError(_("Only a text lesson is completed by reading it."))
    progress_start(user=user, lesson=lesson, now=now)
    with transaction.atomic():
        progress = LessonProgress.objects.select_for_update().get(user=user, lesson=lesson)
        if progress.completed_at is None:
            progress.share_watched = 1.0
            progress.save(update_fields=["share_watched"])
            _complete(progress, now=now)
    return progress


def parse_number(text: Any) -> float | None:
    """ "3,14", " 1 200.5 ", "42" -> a float; anything else None (French decimal comma welcome)."""
    if isinstance(text, int | float):
        return float(text)
    cleaned = re.sub(r"[\s\u00a0\u202f]", "", str(text or "")).replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


@dataclass
class AnswerFeedback:
    question: QuizQuestion
    correct: bool
    messages: list[str] = field(default_factory=list)


@dataclass
class QuizResult:
    score: int
    passed: bool
    feedback: list[AnswerFeedback]


def _check_answer(question: QuizQuestion, given: list[str]) -> AnswerFeedback:
    from compagnon.learning.models import _bilingual

    extra = [question.explanation] if question.explanation else []
    if question.kind == QuestionKind.NUMBER:
        value = parse_number(given[0] if given else "")
        expected = question.expected_number
        correct = (
            value is not None
            and expected is not None
            and abs(value - expected) <= question.tolerance
        )
        return AnswerFeedback(question, correct, extra)
    if question.kind == QuestionKind.ORDERING:
        # given[i] is the position the person gave to item i (items are stored in order).
        positions = [str(p).strip() for p in given]
        correct = positions == [str(i + 1) for i in range(len(question.choices))]
        return AnswerFeedback(question, correct, extra)
    chosen = {int(v) for v in given if str(v).isdigit() and int(v) < len(question.choices)}
    right = {i for i, choice in enumerate(question.choices) if choice.get("correct")}
    messages = [
        _bilingual(
            question.choices[i].get("feedback_fr", ""), question.choices[i].get("feedback_en", "")
        )
        for i in sorted(chosen)
    ]
    messages = [m for m in messages if m]
    return AnswerFeedback(question, chosen == right, messages + extra)


@dataclass
class DrawnQuestion:
    question: QuizQuestion
    # For an ordering question: (index in the right order, label), shuffled for display.
    items: list[tuple[int, str]] = field(default_factory=list)


def quiz_draw(*, user: User, lesson: Lesson, attempt: int) -> list[DrawnQuestion]:
    """The questions of this attempt: the whole bank, or `draw_count` drawn from it.

    Seeded by person, lesson and attempt number, so the page and the marking
    agree without storing the draw, and a new attempt draws again.
    """
    import random

    questions = list(lesson.questions.all())
    rng = random.Random(f"{user.pk}:{lesson.pk}:{attempt}")
    if lesson.draw_count and lesson.draw_count < len(questions):
        questions = sorted(
            rng.sample(questions, lesson.draw_count), key=lambda q: (q.position, q.pk)
        )
    drawn = []
    for question in questions:
        items: list[tuple[int, str]] = []
        if question.kind == QuestionKind.ORDERING:
            items = list(enumerate(question.choice_labels()))
            while len(items) > 1 and [i for i, _label in items] == list(range(len(items))):
                rng.shuffle(items)
        drawn.append(DrawnQuestion(question, items))
    return drawn


def quiz_attempt_number(*, user: User, lesson: Lesson) -> int:
    """The number of the attempt the person is about to make (1 for the first)."""
    attempts = (
        LessonProgress.objects.filter(user=user, lesson=lesson)
        .values_list("attempts", flat=True)
        .first()
    )
    return (attempts or 0) + 1


def quiz_submit(
    *, user: User, lesson: Lesson, answers: dict[int, list[str]], now: dt.datetime | None = None
) -> QuizResult:
    """Mark a quiz attempt on the questions drawn for it; the best score is kept.

    Every answer's correctness is recorded (item analysis); passing completes the lesson.
    """
    now = now or timezone.now()
    if lesson.kind != LessonKind.QUIZ:
        raise ValidationError(_("This lesson is not a quiz."))
    number = quiz_attempt_number(user=user, lesson=lesson)
    questions = [d.question for d in quiz_draw(user=user, lesson=lesson, attempt=number)]
    if not questions:
        raise ValidationError(_("This quiz has no questions yet."))
    unanswered = [
        q
        for q in questions
        if not [a for a in answers.get(q.pk, []) if str(a).strip()]
        or (q.kind == QuestionKind.ORDERING and not all(str(a).strip() for a in answers[q.pk]))
    ]
    if unanswered:
        raise ValidationError(
            _("Answer every question before sending (%(count)d left).") % {"count": len(unanswered)}
        )
    feedback = [_check_answer(q, answers.get(q.pk, [])) for q in questions]
    score = round(100 * sum(f.correct for f in feedback) / len(questions))
    passed = score >= lesson.pass_mark
    progress_start(user=user, lesson=lesson, now=now)
    with transaction.atomic():
        progress = LessonProgress.objects.select_for_update().get(user=user, lesson=lesson)
        progress.attempts += 1
        progress.quiz_score = max(progress.quiz_score or 0, score)
        progress.last_seen_at = now
        progress.save(update_fields=["attempts", "quiz_score", "last_seen_at"])
        attempt = QuizAttempt.objects.create(
            user=user, lesson=lesson, number=progress.attempts, score=score, created_at=now
        )
        QuizAnswer.objects.bulk_create(
            [QuizAnswer(attempt=attempt, question=f.question, correct=f.correct) for f in feedback]
        )
        if passed and progress.completed_at is None:
            _complete(progress, now=now)
    return QuizResult(score=score, passed=passed, feedback=feedback)


def exercise_submit(
    *, user: User, lesson: Lesson, answer: str, now: dt.datetime | None = None
) -> bool:
    """Check an exercise's answer by value, within the lesson's tolerance; True when right."""
    now = now or timezone.now()
    if lesson.kind != LessonKind.EXERCISE or lesson.expected_answer is None:
        raise ValidationError(_("This lesson is not an exercise."))
    value = parse_number(answer)
    if value is None:
        raise ValidationError({"answer": _("Enter a number, like 12.5 or 12,5.")})
    correct = abs(value - lesson.expected_answer) <= lesson.tolerance
    progress_start(user=user, lesson=lesson, now=now)
    with transaction.atomic():
        progress = LessonProgress.objects.select_for_update().get(user=user, lesson=lesson)
        progress.attempts += 1
        progress.last_seen_at = now
        progress.save(update_fields=["attempts", "last_seen_at"])
        if correct and progress.completed_at is None:
            _complete(progress, now=now)
    return correct


def _complete(progress: LessonProgress, *, now: dt.datetime) -> None:
    """Mark done, then award what it finishes: the module's badge, the programme's certificate."""
    progress.completed_at = now
    progress.save(update_fields=["completed_at"])
    module = Module.objects.select_related("programme").get(pk=progress.lesson.module_id)
    user = progress.user
    if _all_done(user, Lesson.objects.filter(module=module)):
        _badge, created = Badge.objects.get_or_create(
            user=user, module=module, defaults={"awarded_at": now}
        )
        if created:
            _skills_propose(user=user, module=module, now=now)
    programme = module.programme
    if _all_done(user, Lesson.objects.filter(module__programme=programme)):
        certificate_issue(user=user, programme=programme, now=now)


def _all_done(user: User, lessons) -> bool:
    total = lessons.count()
    done = LessonProgress.objects.filter(
        user=user, lesson__in=lessons, completed_at__isnull=False
    ).count()
    return total > 0 and done >= total


def certificate_issue(
    *, user: User, programme: Programme, now: dt.datetime | None = None
) -> Certificate:
    """The programme's certificate for this person, once (the same one if asked again)."""
    now = now or timezone.now()
    person = Person.objects.filter(user=user).first()
    name = person.full_name if person else user.email
    with transaction.atomic():
        certificate, _created = Certificate.objects.get_or_create(
            user=user,
            programme=programme,
            defaults={"holder_name": name, "programme_title": programme.title, "issued_at": now},
        )
    return certificate


def _skills_propose(*, user: User, module: Module, now: dt.datetime) -> int:
    """With consent, propose the module's level on each of its tags the person is below."""
    consent = LearnerConsent.objects.filter(user=user, propose_skills=True).exists()
    person = Person.objects.filter(user=user).first()
    if not consent or person is None:
        return 0
    levels = dict(Skill.objects.filter(person=person).values_list("tag_id", "level"))
    made = 0
    for tag in module.tags.all():
        if levels.get(tag.pk, 0) >= module.skill_level:
            continue
        _proposal, created = SkillProposal.objects.get_or_create(
            user=user,
            module=module,
            tag=tag,
            defaults={"level": module.skill_level, "created_at": now},
        )
        made += int(created)
    return made


def consent_set(*, user: User, propose_skills: bool) -> LearnerConsent:
    with transaction.atomic():
        consent, _created = LearnerConsent.objects.update_or_create(
            user=user,
            defaults={"propose_skills": bool(propose_skills), "decided_at": timezone.now()},
        )
        if not propose_skills:
            # Withdrawing consent withdraws the proposals not yet answered.
            SkillProposal.objects.filter(user=user, status=ProposalStatus.PENDING).delete()
    return consent


def skill_proposal_answer(*, proposal: SkillProposal, user: User, accept: bool) -> SkillProposal:
    """Accept (the skill is set at the proposed level, never lowered) or decline."""
    if proposal.user_id != user.pk:
        raise PermissionDenied("Only the person may answer their proposal.")
    with transaction.atomic():
        locked = SkillProposal.objects.select_for_update().get(pk=proposal.pk)
        if locked.status != ProposalStatus.PENDING:
            raise ValidationError(_("This proposal was already answered."))
        if accept:
            person = Person.objects.filter(user=user).first()
            if person is None:
                raise ValidationError(_("You need a member profile to add a skill."))
            current = Skill.objects.filter(person=person, tag=locked.tag).first()
            person_skill_set(
                person=person,
                tag=locked.tag,
                level=max(locked.level, current.level if current else 0),
                can_teach=current.can_teach if current else False,
                actor=user,
                source=SkillSource.LEARNING,
            )
        locked.status = ProposalStatus.ACCEPTED if accept else ProposalStatus.DECLINED
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_at"])
    return locked


# ---------------------------------------------------------------------------
# Cohorts: the internal MOOC
# ---------------------------------------------------------------------------


def cohort_create(
    *,
    actor: User,
    programme: Programme,
    title: str,
    organisations: list[Organisation],
    starts_on: dt.date,
    ends_on: dt.date,
    reminder_weekday: int = 0,
    enrol_by_domain: bool = True,
) -> Cohort:
    """Staff launch a cohort for any organisations; a manager for their own organisation only."""
    viewer = viewer_for(actor)
    errors: dict[str, list[str]] = {}
    if not organisations:
        errors.setdefault("organisations", []).append(_("Choose at least one organisation."))
    if not viewer.is_staff and not all(viewer.manages(org) for org in organisations):
        raise PermissionDenied("A manager launches cohorts for their own organisation only.")
    if not programme.is_published:
        errors.setdefault("programme", []).append(_("This programme is not published."))
    if ends_on < starts_on:
        errors.setdefault("ends_on", []).append(_("The cohort must end after it starts."))
    if not title.strip():
        errors.setdefault("title", []).append(_("Give the cohort a title."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        cohort = Cohort(
            programme=programme,
            title=title.strip(),
            starts_on=starts_on,
            ends_on=ends_on,
            reminder_weekday=reminder_weekday,
            enrol_by_domain=enrol_by_domain,
            created_by=actor,
        )
        cohort.full_clean()
        cohort.save()
        cohort.organisations.set(organisations)
    logger.info("cohort created cohort=%s actor=%s", cohort.pk, actor.pk)
    return cohort


def _organisation_for_email(cohort: Cohort, email: str) -> Organisation | None:
    domain = email.rsplit("@", 1)[-1].lower()
    for organisation in cohort.organisations.all():
        if domain in organisation.domain_list:
            return organisation
    return None


def cohort_invite(*, cohort: Cohort, emails_text: str, actor: User) -> list[CohortMember]:
    """Invite people by email (one per line or comma); each gets one email, however often asked.

    Only addresses at the cohort's organisations' domains: a manager cannot
    enrol strangers. Refuses the whole list if one address is wrong.
    """
    addresses = [a.strip().lower() for a in re.split(r"[\s,;]+", emails_text or "") if a.strip()]
    if not addresses:
        raise ValidationError({"emails": _("Enter at least one email address.")})
    wrong = []
    for address in addresses:
        try:
            validate_email(address)
        except ValidationError:
            wrong.append(address)
            continue
        if _organisation_for_email(cohort, address) is None:
            wrong.append(address)
    if wrong:
        raise ValidationError(
            {
                "emails": _(
                    "These addresses are not valid or not at the cohort's organisations: %(list)s"
                )
                % {"list": ", ".join(wrong[:10])}
            }
        )
    invited = []
    with transaction.atomic():
        for address in dict.fromkeys(addresses):
            user = User.objects.filter(email__iexact=address).first()
            member, _created = CohortMember.objects.get_or_create(
                cohort=cohort,
                email=address,
                defaults={"user": user, "organisation": _organisation_for_email(cohort, address)},
            )
            invited.append(member)
            emails.cohort_invitation_email(member=member)
    logger.info("cohort invite cohort=%s count=%s actor=%s", cohort.pk, len(invited), actor.pk)
    return invited


def cohort_join_refusal(
    *, cohort: Cohort, user: User, by_link: bool, today: dt.date | None = None
) -> str | None:
    """Why this person may not join (shown on the page and enforced by `cohort_join`)."""
    today = today or timezone.localdate()
    if cohort.ends_on < today:
        return _("This cohort has ended.")
    if by_link:
        return None
    if CohortMember.objects.filter(cohort=cohort, email__iexact=user.email).exists():
        return None
    if not cohort.enrol_by_domain:
        return _("This cohort is by invitation: ask your manager for the link.")
    person = Person.objects.filter(user=user).only("organisation_id").first()
    in_organisation = (
        person is not None
        and person.organisation_id is not None
        and cohort.organisations.filter(pk=person.organisation_id).exists()
    )
    if not in_organisation and _organisation_for_email(cohort, user.email) is None:
        return _(
            "This cohort is for the people of its organisations (your address is not at their domains)."
        )
    return None


def cohort_join(
    *, cohort: Cohort, user: User, by_link: bool, now: dt.datetime | None = None
) -> CohortMember:
    """Join by the invite link, by email domain, or by answering an invitation."""
    now = now or timezone.now()
    refusal = cohort_join_refusal(
        cohort=cohort, user=user, by_link=by_link, today=timezone.localdate(now)
    )
    if refusal:
        raise ValidationError(refusal)
    email = user.email.lower()
    person = Person.objects.filter(user=user).first()
    with transaction.atomic():
        member, _created = CohortMember.objects.get_or_create(
            cohort=cohort,
            email=email,
            defaults={
                "user": user,
                "organisation": person.organisation if person else None,
                "invited_at": now,
                "joined_at": now,
            },
        )
        if member.joined_at is None or member.user_id != user.pk:
            member.user = user
            member.joined_at = member.joined_at or now
            member.save(update_fields=["user", "joined_at"])
    return member


def cohort_want_more(*, cohort: Cohort, user: User, now: dt.datetime | None = None) -> CohortMember:
    """« I want more »: recorded for the funnel, and the programme's topics become interests.

    The interests are what the matching engine reads to rank open cases (and so
    workshops) for the person, and to invite them.
    """
    member = CohortMember.objects.filter(cohort=cohort, user=user).first()
    if member is None:
        raise ValidationError(_("Join the cohort first."))
    with transaction.atomic():
        if member.wants_more_at is None:
            member.wants_more_at = now or timezone.now()
            member.save(update_fields=["wants_more_at"])
        person = Person.objects.filter(user=user).first()
        if person is not None:
            tags = {tag for module in cohort.programme.modules.all() for tag in module.tags.all()}
            for tag in sorted(tags, key=lambda t: t.pk):
                person_interest_add(person=person, tag=tag, actor=user)
    return member


def discussion_post_add(
    *, cohort: Cohort, module: Module, author: User, body: str
) -> DiscussionPost:
    if module.programme_id != cohort.programme_id:
        raise ValidationError(_("This module is not part of the cohort's programme."))
    text = (body or "").strip()
    if not text:
        raise ValidationError({"body": _("Write a message before sending.")})
    if len(text) > 5000:
        raise ValidationError({"body": _("A message is limited to 5000 characters.")})
    post = DiscussionPost(cohort=cohort, module=module, author=author, body=text)
    post.save()
    return post


def cohort_reminders_send(*, now: dt.datetime | None = None) -> int:
    """On each running cohort's reminder day, remind its members who have not finished.

    Keyed by cohort, ISO week and member: a second run the same week sends nothing.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    cohorts = Cohort.objects.filter(
        starts_on__lte=today, ends_on__gte=today, reminder_weekday=today.weekday()
    ).select_related("programme")
    queued = 0
    for cohort in cohorts:
        total = Lesson.objects.filter(module__programme=cohort.programme).count()
        members = list(
            CohortMember.objects.filter(cohort=cohort, user__isnull=False).select_related("user")
        )
        done = _completed_counts(cohort, [m.user_id for m in members])
        week = (today - cohort.starts_on).days // 7 + 1
        for member in members:
            if total and member.user_id and done.get(member.user_id, 0) >= total:
                continue
            emails.cohort_reminder_email(
                member=member, week=week, year_week=today.isocalendar()[:2]
            )
            queued += 1
    return queued


def _completed_counts(cohort: Cohort, user_ids: list[int | None]) -> dict[int, int]:
    from django.db.models import Count

    rows = (
        LessonProgress.objects.filter(
            user_id__in=[u for u in user_ids if u],
            lesson__module__programme=cohort.programme,
            completed_at__isnull=False,
        )
        .values("user_id")
        .annotate(n=Count("id"))
    )
    return {row["user_id"]: row["n"] for row in rows}


def quiz_question_check(question: QuizQuestion) -> None:
    """An author's question must be answerable: choices with the right ones marked, or a number."""
    if question.kind == QuestionKind.NUMBER:
        if question.expected_number is None:
            raise ValidationError(
                {"expected_number": _("A number question needs the expected number.")}
            )
        return
    if not isinstance(question.choices, list) or len(question.choices) < 2:
        raise ValidationError({"choices": _("A choice question needs at least two choices.")})
    if question.kind == QuestionKind.ORDERING:
        return
    right = [c for c in question.choices if isinstance(c, dict) and c.get("correct")]
    if question.kind == QuestionKind.SINGLE and len(right) != 1:
        raise ValidationError(
            {"choices": _("A single-choice question has exactly one right choice.")}
        )
    if question.kind == QuestionKind.MULTIPLE and not right:
        raise ValidationError({"choices": _("Mark at least one right choice.")})
