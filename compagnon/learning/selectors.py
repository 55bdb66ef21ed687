"""Reads for learning, and who may see what (the catalogue is public; progress is one's own).

Cohorts: staff see all; an organisation's manager sees the cohorts that
include their organisation (and in a funnel only their organisation's people);
a member sees the cohorts they joined. Anyone else gets 404.
The `*_for_insights` functions are the figures the Insights pages read (insights imports
them; learning never imports insights).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from compagnon.learning.models import (
    Badge,
    Certificate,
    Cohort,
    CohortMember,
    Lesson,
    LessonProgress,
    Module,
    Programme,
    QuizAttempt,
    _bilingual,
)
from compagnon.members.selectors import Viewer

DURATION_BANDS = {
    "short": (0, 10),
    "medium": (11, 30),
    "long": (31, 100_000),
}


def programmes_visible_to(viewer: Viewer) -> QuerySet[Programme]:
    if viewer.is_staff:
        return Programme.objects.all()
    return Programme.objects.filter(is_published=True)


def programme_for_viewer(viewer: Viewer, slug: str) -> Programme:
    try:
        return (
            programmes_visible_to(viewer)
            .prefetch_related(
                Prefetch(
                    "modules",
                    queryset=Module.objects.prefetch_related(
                        Prefetch("lessons", queryset=Lesson.objects.order_by("position", "id"))
                    ),
                )
            )
            .select_related("workshop")
            .get(slug=slug)
        )
    except Programme.DoesNotExist:
        raise Http404 from None


@dataclass(frozen=True)
class CatalogueFilters:
    audience: str = ""
    level: int | None = None
    language: str = ""
    duration: str = ""
    q: str = ""


CATALOGUE_CARD_FIELDS = (
    "id",
    "module_id",
    "position",
    "title_fr",
    "title_en",
    "kind",
    "duration_minutes",
    "level",
    "audiences",
    "languages",
    "module__id",
    "module__position",
    "module__programme__id",
    "module__programme__slug",
    "module__programme__title_fr",
    "module__programme__title_en",
)


def lessons_catalogue(viewer: Viewer, filters: CatalogueFilters) -> QuerySet[Lesson]:
    """Lessons of the programmes the viewer may see, filtered; transcripts are searched too."""
    # Only what a catalogue card shows: the database sorts every match (the order starts
    # with the programme's title), and sorting narrow rows instead of whole lessons (texts,
    # datasets) is what keeps the filtered catalogue fast at 10 000 lessons.
    lessons = (
        Lesson.objects.filter(module__programme__in=programmes_visible_to(viewer))
        .select_related("module__programme")
        .only(*CATALOGUE_CARD_FIELDS)
    )
    if filters.audience:
        # The JSON list as text holds the quoted code: portable across SQLite and PostgreSQL.
        lessons = lessons.filter(audiences__icontains=f'"{filters.audience}"')
    if filters.level:
        lessons = lessons.filter(level=filters.level)
    if filters.language:
        lessons = lessons.filter(languages__icontains=f'"{filters.language}"')
    if filters.duration in DURATION_BANDS:
        low, high = DURATION_BANDS[filters.duration]
        lessons = lessons.filter(duration_minutes__gte=low, duration_minutes__lte=high)
    if filters.q:
        lessons = lessons.filter(
            Q(title_fr__icontains=filters.q)
            | Q(title_en__icontains=filters.q)
            | Q(captions__transcript__icontains=filters.q)
        ).distinct()
    return lessons.order_by("module__programme__title_en", "module__position", "position", "id")


def lesson_for_viewer(viewer: Viewer, pk: int, *, for_page: bool = True) -> Lesson:
    """The lesson, or 404. `for_page=False` for the media endpoints: one query, no prefetch."""
    lessons = Lesson.objects.filter(module__programme__in=programmes_visible_to(viewer))
    if for_page:
        lessons = lessons.select_related("module__programme").prefetch_related(
            "captions", "questions", "prerequisites"
        )
    try:
        return lessons.get(pk=pk)
    except Lesson.DoesNotExist:
        raise Http404 from None


def progress_by_lesson(user: Any, lessons: list[Lesson]) -> dict[int, LessonProgress]:
    if user is None or not user.is_authenticated or not lessons:
        return {}
    rows = LessonProgress.objects.filter(user=user, lesson__in=[lesson.pk for lesson in lessons])
    return {row.lesson_id: row for row in rows}


def lesson_neighbours(lesson: Lesson) -> tuple[Lesson | None, Lesson | None]:
    """The previous and next lessons in the programme's order."""
    ordered = list(
        Lesson.objects.filter(module__programme_id=lesson.module.programme_id)
        .order_by("module__position", "module_id", "position", "id")
        .only("id", "title_fr", "title_en")
    )
    ids = [item.pk for item in ordered]
    index = ids.index(lesson.pk)
    previous = ordered[index - 1] if index > 0 else None
    following = ordered[index + 1] if index + 1 < len(ordered) else None
    return previous, following


def my_learning(user: Any) -> dict[str, Any]:
    """The person's lessons in progress (latest first), badges, certificates."""
    in_progress = list(
        LessonProgress.objects.filter(user=user, completed_at__isnull=True)
        .select_related("lesson__module__programme")
        .order_by("-last_seen_at")[:20]
    )
    badges = list(Badge.objects.filter(user=user).select_related("module__programme"))
    certificates = list(Certificate.objects.filter(user=user).order_by("-issued_at"))
    return {"in_progress": in_progress, "badges": badges, "certificates": certificates}


def certificate_public(code: str) -> Certificate | None:
    if not code or len(code) > 64:
        return None
    return Certificate.objects.filter(code=code).first()


# --- cohorts -------------------------------------------------------------------------------------


def cohorts_visible_to(viewer: Viewer) -> QuerySet[Cohort]:
    cohorts = Cohort.objects.select_related("programme")
    if viewer.is_staff:
        return cohorts
    if not viewer.is_authenticated or viewer.user is None:
        return cohorts.none()
    visible = Q(members__user=viewer.user, members__joined_at__isnull=False)
    if (
        viewer.is_member
        and viewer.person
        and viewer.person.is_org_manager
        and viewer.organisation_id
    ):
        visible |= Q(organisations=viewer.organisation_id)
    return cohorts.filter(visible).distinct()


def cohort_for_viewer(viewer: Viewer, pk: int) -> Cohort:
    try:
        return cohorts_visible_to(viewer).get(pk=pk)
    except Cohort.DoesNotExist:
        raise Http404 from None


def cohort_managed_by(viewer: Viewer, pk: int) -> Cohort:
    """The cohort's manager pages: staff, or a manager of one of its organisations; else 404."""
    cohorts = Cohort.objects.select_related("programme")
    if not viewer.is_staff:
        if not (viewer.is_member and viewer.person and viewer.person.is_org_manager):
            raise Http404
        cohorts = cohorts.filter(organisations=viewer.organisation_id)
    try:
        return cohorts.distinct().get(pk=pk)
    except Cohort.DoesNotExist:
        raise Http404 from None


def cohorts_open_to(viewer: Viewer, *, programme: Programme | None = None) -> list[Cohort]:
    """Running cohorts the viewer may join by domain and has not joined (for a "Join" button)."""
    if not viewer.is_member or viewer.user is None or viewer.organisation_id is None:
        return []
    from django.utils import timezone

    cohorts = (
        Cohort.objects.filter(
            enrol_by_domain=True,
            ends_on__gte=timezone.localdate(),
            organisations=viewer.organisation_id,
        )
        .exclude(members__user=viewer.user, members__joined_at__isnull=False)
        .select_related("programme")
        .distinct()
    )
    if programme is not None:
        cohorts = cohorts.filter(programme=programme)
    return list(cohorts[:10])


def viewer_may_launch_cohorts(viewer: Viewer) -> bool:
    return viewer.is_staff or bool(
        viewer.is_member
        and viewer.person
        and viewer.person.is_org_manager
        and viewer.organisation_id
    )


FUNNEL_STAGES = ("invited", "started", "half", "finished", "wants_more")


@dataclass
class FunnelRow:
    member: CohortMember
    started: bool
    completed: int
    total: int

    @property
    def half(self) -> bool:
        return self.total > 0 and self.completed * 2 >= self.total

    @property
    def finished(self) -> bool:
        return self.total > 0 and self.completed >= self.total

    @property
    def wants_more(self) -> bool:
        return self.member.wants_more_at is not None

    @property
    def stage(self) -> str:
        for stage in reversed(FUNNEL_STAGES):
            if stage == "invited" or getattr(self, stage):
                return stage
        return "invited"


@dataclass
class Funnel:
    rows: list[FunnelRow]
    counts: dict[str, int]


def cohort_funnel(cohort: Cohort, viewer: Viewer) -> Funnel:
    """invited → started → half → finished → "I want more", each stage counting those beyond it.

    A manager sees their own organisation's people only; staff see everyone.
    Three queries whatever the cohort's size.
    """
    members = CohortMember.objects.filter(cohort=cohort).order_by("email")
    if not viewer.is_staff:
        # Never None here: cohort_managed_by let only a manager of an organisation in.
        members = members.filter(organisation_id=viewer.organisation_id or 0)
    member_list = list(members)
    user_ids = [m.user_id for m in member_list if m.user_id]
    lessons = Lesson.objects.filter(module__programme_id=cohort.programme_id)
    total = lessons.count()
    stats: dict[int, dict[str, Any]] = {
        row["user_id"]: dict(row)
        for row in LessonProgress.objects.filter(user_id__in=user_ids, lesson__in=lessons)
        .values("user_id")
        .annotate(
            started=Count("id"),
            completed=Count("id", filter=Q(completed_at__isnull=False)),
        )
    }
    rows = []
    for member in member_list:
        stat: dict[str, Any] = stats.get(member.user_id, {}) if member.user_id else {}
        rows.append(
            FunnelRow(
                member=member,
                started=bool(stat.get("started")),
                completed=stat.get("completed", 0),
                total=total,
            )
        )
    return Funnel(rows=rows, counts=_funnel_counts(rows))


def _funnel_counts(rows: list[FunnelRow]) -> dict[str, int]:
    return {
        "invited": len(rows),
        "started": sum(r.started for r in rows),
        "half": sum(r.half for r in rows),
        "finished": sum(r.finished for r in rows),
        "wants_more": sum(r.wants_more for r in rows),
    }


# --- for Insights ----------------------------------------------------------------------------------


def completion_counts_for_insights(
    *, organisation_id: int | None = None, user_id: int | None = None, year: int | None = None
) -> dict[str, int]:
    """Lessons completed, modules finished (badges), programmes finished (certificates) and
    the people who completed a lesson: for the club, one organisation's people or one
    account, optionally in one year. Three queries."""
    lessons = LessonProgress.objects.filter(completed_at__isnull=False)
    badges = Badge.objects.all()
    certificates = Certificate.objects.all()
    if organisation_id is not None:
        lessons = lessons.filter(user__person__organisation_id=organisation_id)
        badges = badges.filter(user__person__organisation_id=organisation_id)
        certificates = certificates.filter(user__person__organisation_id=organisation_id)
    if user_id is not None:
        lessons = lessons.filter(user_id=user_id)
        badges = badges.filter(user_id=user_id)
        certificates = certificates.filter(user_id=user_id)
    if year is not None:
        lessons = lessons.filter(completed_at__year=year)
        badges = badges.filter(awarded_at__year=year)
        certificates = certificates.filter(issued_at__year=year)
    done = lessons.aggregate(n=Count("id"), learners=Count("user_id", distinct=True))
    return {
        "lessons_completed": done["n"],
        "learners": done["learners"],
        "modules_finished": badges.count(),
        "programmes_finished": certificates.count(),
    }


def quiz_first_best_for_insights(
    *, person_ids: list[int] | None = None, user_id: int | None = None
) -> list[dict[str, Any]]:
    """Per person and quiz: the score (0-100) of their first attempt and of their best one.
    People without a member profile are left out. One query."""
    attempts = QuizAttempt.objects.filter(user__person__isnull=False)
    if person_ids is not None:
        attempts = attempts.filter(user__person__in=person_ids)
    if user_id is not None:
        attempts = attempts.filter(user_id=user_id)
    rows: dict[tuple[int, int], dict[str, Any]] = {}
    for person_id, lesson_id, title_fr, title_en, score in attempts.order_by(
        "user_id", "lesson_id", "number", "pk"
    ).values_list("user__person__id", "lesson_id", "lesson__title_fr", "lesson__title_en", "score"):
        row = rows.get((person_id, lesson_id))
        if row is None:
            rows[(person_id, lesson_id)] = {
                "person_id": person_id,
                "lesson_id": lesson_id,
                "lesson": _bilingual(title_fr, title_en),
                "first": score,
                "best": score,
                "attempts": 1,
            }
        else:
            row["best"] = max(row["best"], score)
            row["attempts"] += 1
    return list(rows.values())


def cohort_funnels_for_insights(*, organisation_id: int) -> list[tuple[Cohort, dict[str, int]]]:
    """The funnel (as on the cohort's follow-up page) of every cohort that includes the
    organisation, counting that organisation's people only. Four queries whatever the
    number of cohorts."""
    cohorts = list(
        Cohort.objects.filter(organisations=organisation_id)
        .select_related("programme")
        .order_by("-starts_on", "pk")
        .distinct()
    )
    if not cohorts:
        return []
    members = list(
        CohortMember.objects.filter(cohort__in=cohorts, organisation_id=organisation_id).order_by(
            "cohort_id", "pk"
        )
    )
    programme_ids = {cohort.programme_id for cohort in cohorts}
    totals = dict(
        Lesson.objects.filter(module__programme_id__in=programme_ids)
        .values_list("module__programme_id")
        .annotate(n=Count("id"))
        .values_list("module__programme_id", "n")
    )
    user_ids = {member.user_id for member in members if member.user_id}
    progress: dict[tuple[int, int], dict[str, Any]] = {
        (row["user_id"], row["lesson__module__programme_id"]): dict(row)
        for row in LessonProgress.objects.filter(
            user_id__in=user_ids, lesson__module__programme_id__in=programme_ids
        )
        .values("user_id", "lesson__module__programme_id")
        .annotate(
            started=Count("id"),
            completed=Count("id", filter=Q(completed_at__isnull=False)),
        )
    }
    by_cohort: dict[int, list[FunnelRow]] = {cohort.pk: [] for cohort in cohorts}
    programme_of = {cohort.pk: cohort.programme_id for cohort in cohorts}
    for member in members:
        programme_id = programme_of[member.cohort_id]
        stat: dict[str, Any] = (
            progress.get((member.user_id, programme_id), {}) if member.user_id else {}
        )
        by_cohort[member.cohort_id].append(
            FunnelRow(
                member=member,
                started=bool(stat.get("started")),
                completed=stat.get("completed", 0),
                total=totals.get(programme_id, 0),
            )
        )
    return [(cohort, _funnel_counts(by_cohort[cohort.pk])) for cohort in cohorts]


@dataclass
class ItemStats:
    question: Any
    answered: int
    difficulty: float | None  # share right: 1.0 is easy, 0.0 is hard
    discrimination: float | None  # share right among the best minus among the weakest


def quiz_item_analysis(lesson: Lesson) -> tuple[int, list[ItemStats]]:
    """Difficulty and discrimination of each question, on each person's first attempt.

    Discrimination is the upper-lower index: the share who got the question right
    among the 27 % best first attempts minus that share among the 27 % weakest (from
    -1 to 1; below 0.2 the question tells strong and weak learners apart poorly).
    Two queries.
    """
    from compagnon.learning.models import QuizAnswer

    firsts: dict[int, QuizAttempt] = {}
    for attempt in QuizAttempt.objects.filter(lesson=lesson).order_by("user_id", "number", "pk"):
        firsts.setdefault(attempt.user_id, attempt)
    attempts = sorted(firsts.values(), key=lambda a: (a.score, a.pk))
    answers: dict[int, dict[int, bool]] = {}
    for answer in QuizAnswer.objects.filter(attempt__in=[a.pk for a in attempts]).values(
        "attempt_id", "question_id", "correct"
    ):
        answers.setdefault(answer["question_id"], {})[answer["attempt_id"]] = answer["correct"]
    group = max(1, round(len(attempts) * 0.27)) if attempts else 0
    weakest = {a.pk for a in attempts[:group]}
    best = {a.pk for a in attempts[-group:]} if group else set()
    rows = []
    for question in lesson.questions.all():
        given = answers.get(question.pk, {})
        right = sum(given.values())

        def share(ids: set[int], given=given) -> float | None:
            seen = [given[i] for i in ids if i in given]
            return sum(seen) / len(seen) if seen else None

        top, bottom = share(best), share(weakest)
        rows.append(
            ItemStats(
                question=question,
                answered=len(given),
                difficulty=right / len(given) if given else None,
                discrimination=(top - bottom)
                if top is not None and bottom is not None and len(attempts) >= 4
                else None,
            )
        )
    return len(attempts), rows
