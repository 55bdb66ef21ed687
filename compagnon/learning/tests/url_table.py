"""Who gets what on every learning URL (walked by core/tests/test_permissions.py).

The world gets, lazily: a published programme with a video, a text, a quiz and
an exercise lesson; a draft programme; a cohort of organisation A that member_a
joined; member_a's certificate and a pending skill proposal.
"""

from __future__ import annotations

from compagnon.core.tests.urltable import (
    LOGIN,
    REDIRECT,
    Case,
    everyone,
    members_only,
    org_a_private,
    signed_in,
    staff_only,
)


def _learning(world):
    if not hasattr(world, "learning_programme"):
        import datetime as dt

        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.utils import timezone

        from compagnon.learning import services
        from compagnon.learning.models import LessonKind, SkillProposal
        from compagnon.learning.tests.factories import (
            FAKE_MP4,
            VTT_EN,
            LessonFactory,
            ModuleFactory,
            ProgrammeFactory,
            QuizQuestionFactory,
        )

        programme = ProgrammeFactory(slug="ten-minutes")
        module = ModuleFactory(programme=programme)
        world.video_lesson = LessonFactory(module=module, kind=LessonKind.VIDEO, video_seconds=60)
        services.lesson_video_set(
            lesson=world.video_lesson,
            upload=SimpleUploadedFile("v.mp4", FAKE_MP4),
            seconds=60,
            actor=None,
        )
        services.lesson_captions_set(
            lesson=world.video_lesson, language="en", data=VTT_EN.encode(), actor=None
        )
        world.text_lesson = LessonFactory(module=module)
        world.quiz_question = QuizQuestionFactory(lesson__module=module)
        world.exercise_lesson = LessonFactory(
            module=module, kind=LessonKind.EXERCISE, dataset_csv="x\n1\n", expected_answer=1.0
        )
        world.learning_programme = programme
        world.draft_programme = ProgrammeFactory(slug="draft-programme", is_published=False)
        today = timezone.localdate()
        world.cohort_a = services.cohort_create(
            actor=world.staff_user,
            programme=programme,
            title="Alpha MOOC",
            organisations=[world.org_a],
            starts_on=today,
            ends_on=today + dt.timedelta(days=30),
        )
        services.cohort_join(cohort=world.cohort_a, user=world.member_a.user, by_link=True)
        world.certificate = services.certificate_issue(
            user=world.member_a.user, programme=programme
        )
        world.proposal = SkillProposal.objects.create(
            user=world.member_a.user, module=module, tag=world.tag, level=2
        )
    return world


def _lesson(name):
    return lambda w: {"pk": getattr(_learning(w), name).pk}


def _quiz(w):
    return {"pk": _learning(w).quiz_question.lesson_id}


def _cohort(w):
    return {"pk": _learning(w).cohort_a.pk}


MEMBERS_POST_REDIRECT = {**members_only(REDIRECT)}
# The cohort's own pages: its members (member_a), organisation A's manager, staff.
COHORT_PEOPLE = {**org_a_private(), "member_a": 200}

URL_TABLE = {
    "learning:catalogue": [
        Case(everyone(200)),
        Case(everyone(200), data=lambda w: {"audience": "hr", "q": "data"}, note="filtered"),
    ],
    "learning:programme_detail": [
        Case(everyone(200), kwargs=lambda w: {"slug": _learning(w).learning_programme.slug}),
        Case(
            {**everyone(404), "staff": 200},
            kwargs=lambda w: {"slug": _learning(w).draft_programme.slug},
            note="a draft: staff only",
        ),
    ],
    "learning:lesson_detail": [
        Case(members_only(), kwargs=_lesson("video_lesson")),
        Case(members_only(), kwargs=_lesson("text_lesson")),
        Case(members_only(), kwargs=_quiz),
        Case(members_only(), kwargs=_lesson("exercise_lesson")),
    ],
    "learning:lesson_video": Case(members_only(), kwargs=_lesson("video_lesson")),
    "learning:lesson_captions": [
        Case(
            members_only(), kwargs=lambda w: {"pk": _learning(w).video_lesson.pk, "language": "en"}
        ),
        Case(
            members_only(404),
            kwargs=lambda w: {"pk": _learning(w).video_lesson.pk, "language": "fr"},
            note="no French captions",
        ),
    ],
    "learning:lesson_dataset": Case(members_only(), kwargs=_lesson("exercise_lesson")),
    "learning:lesson_heartbeat": [
        Case(members_only(405), kwargs=_lesson("video_lesson")),
        Case(
            members_only(),
            method="post",
            kwargs=_lesson("video_lesson"),
            data=lambda w: {"position": 5},
        ),
    ],
    "learning:lesson_mark_read": [
        Case(members_only(405), kwargs=_lesson("text_lesson")),
        Case(MEMBERS_POST_REDIRECT, method="post", kwargs=_lesson("text_lesson")),
    ],
    "learning:quiz_submit": [
        Case(members_only(405), kwargs=_quiz),
        Case(
            members_only(),
            method="post",
            kwargs=_quiz,
            data=lambda w: {f"q{w.quiz_question.pk}": "0"},
        ),
    ],
    "learning:exercise_submit": [
        Case(members_only(405), kwargs=_lesson("exercise_lesson")),
        Case(
            MEMBERS_POST_REDIRECT,
            method="post",
            kwargs=_lesson("exercise_lesson"),
            data=lambda w: {"answer": "1"},
        ),
    ],
    "learning:lesson_media": [
        Case(staff_only(), kwargs=_lesson("video_lesson")),
        Case(staff_only(200), method="post", kwargs=_lesson("video_lesson"), note="nothing sent"),
    ],
    "learning:quiz_analysis": Case(staff_only(), kwargs=_quiz),
    "learning:my_learning": Case(members_only()),
    "learning:consent_set": [
        Case(members_only(405)),
        Case(MEMBERS_POST_REDIRECT, method="post", data=lambda w: {"propose_skills": "yes"}),
    ],
    "learning:proposal_answer": Case(
        {**members_only(404), "member_a": REDIRECT},
        method="post",
        kwargs=lambda w: {"pk": _learning(w).proposal.pk},
        data=lambda w: {"answer": "decline"},
        note="the person's own proposal",
    ),
    "learning:certificate_download": Case(
        {**everyone(404), "anonymous": LOGIN, "member_a": 200, "staff": 200},
        kwargs=lambda w: {"code": _learning(w).certificate.code},
        hides=lambda w: [],
    ),
    "learning:certificate_verify": [
        Case(everyone(200), kwargs=lambda w: {"code": _learning(w).certificate.code}),
        Case(everyone(404), kwargs=lambda w: {"code": "0" * 32}, note="unknown: denied"),
    ],
    "learning:cohort_list": Case(members_only()),
    "learning:cohort_create": [
        Case({**members_only(403), "manager_a": 200, "staff": 200}),
    ],
    "learning:cohort_detail": Case(COHORT_PEOPLE, kwargs=_cohort),
    "learning:cohort_module": Case(
        COHORT_PEOPLE,
        kwargs=lambda w: {
            "pk": _learning(w).cohort_a.pk,
            "module_pk": w.video_lesson.module_id,
        },
    ),
    "learning:cohort_funnel": Case(org_a_private(), kwargs=_cohort),
    "learning:cohort_funnel_export": Case(org_a_private(), kwargs=_cohort),
    "learning:cohort_invite": [
        Case(signed_in(405), kwargs=_cohort),
        Case(
            org_a_private(REDIRECT),
            method="post",
            kwargs=_cohort,
            data=lambda w: {"emails": "new@alpha.example"},
        ),
    ],
    "learning:cohort_join_domain": Case(
        {**members_only(REDIRECT)},
        method="post",
        kwargs=_cohort,
        note="refused ones are sent back with a message",
    ),
    "learning:cohort_want_more": Case(
        {**org_a_private(REDIRECT), "member_a": REDIRECT},
        method="post",
        kwargs=_cohort,
    ),
    "learning:cohort_join": Case(
        members_only(), kwargs=lambda w: {"token": _learning(w).cohort_a.invite_token}
    ),
}
