"""Reads for the awards, with who may see what decided here.

The jury rule lives in one place: `juror_conflict_q`. A juror never sees nor
scores an application from their own organisation, one they or a teammate of
theirs applied with (they are on its team), or one they declared a conflict on;
every read a juror makes goes through `applications_visible_to_juror`, and the
scoring service asks again.
"""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from compagnon.awards.deliberation import RankedApplication, ReviewScores, board_rank
from compagnon.awards.models import (
    ATTACHMENT_KEY,
    Application,
    ApplicationStatus,
    Attachment,
    Category,
    ConflictDeclaration,
    Criterion,
    Edition,
    Juror,
    JurorStatus,
    Outcome,
    Review,
    Score,
)
from compagnon.members.selectors import Viewer


def editions_public() -> QuerySet[Edition]:
    return Edition.objects.annotate(
        category_count=Count("categories", distinct=True),
    ).order_by("-deadline_on", "-pk")


def edition_by_slug(slug: str) -> Edition:
    edition = Edition.objects.filter(slug=slug).first()
    if edition is None:
        raise Http404
    return edition


def categories_with_criteria(edition: Edition) -> list[Category]:
    return list(
        edition.categories.prefetch_related(
            Prefetch("criteria", queryset=Criterion.objects.order_by("position", "pk"))
        )
    )


# --- applicants ---------------------------------------------------------------------------


def applications_of(viewer: Viewer) -> QuerySet[Application]:
    """The applications a person made or is on the team of."""
    if viewer.person is None:
        return Application.objects.none()
    person = viewer.person
    on_team = Application.team.through.objects.filter(
        application_id=OuterRef("pk"), person_id=person.pk
    )
    return (
        Application.objects.filter(Q(applicant=person) | Exists(on_team))
        .select_related("edition", "category", "organisation")
        .order_by("-created_at", "-pk")
    )


def application_for_applicant(viewer: Viewer, pk: int) -> Application:
    """The application when the viewer applied with it, is on its team, or is staff; else 404."""
    queryset = Application.objects.select_related("edition", "category", "organisation")
    if viewer.is_staff:
        application = queryset.filter(pk=pk).first()
    else:
        application = applications_of(viewer).filter(pk=pk).first()
    if application is None:
        raise Http404
    return application


# --- jury ---------------------------------------------------------------------------------


def juror_of(viewer: Viewer, edition: Edition) -> Juror | None:
    if viewer.person is None:
        return None
    return (
        Juror.objects.select_related("person", "edition")
        .filter(edition=edition, person=viewer.person)
        .first()
    )


def juror_conflict_q(juror: Juror) -> Q:
    """The applications `juror` must never see (as a filter on Application)."""
    person = juror.person
    on_team = Application.team.through.objects.filter(
        application_id=OuterRef("pk"), person_id=person.pk
    )
    declared = ConflictDeclaration.objects.filter(juror=juror)
    declared_orgs = declared.filter(organisation__isnull=False).values("organisation_id")
    declared_apps = declared.filter(application__isnull=False).values("application_id")
    q = (
        Q(applicant_id=person.pk)
        | Exists(on_team)
        | Q(organisation_id__in=declared_orgs)
        | Q(pk__in=declared_apps)
    )
    if person.organisation_id is not None:
        q |= Q(organisation_id=person.organisation_id)
        # Teammates' organisation counts too: an application led by a colleague of the
        # juror's whose organisation field is empty (an open category) is still theirs.
        q |= Q(applicant__organisation_id=person.organisation_id)
    return q


def applications_visible_to_juror(juror: Juror) -> QuerySet[Application]:
    """The applications assigned to an accepted juror, minus every conflict."""
    if juror.status != JurorStatus.ACCEPTED:
        return Application.objects.none()
    return (
        Application.objects.filter(edition_id=juror.edition_id, reviews__juror=juror)
        .exclude(juror_conflict_q(juror))
        .select_related("category", "organisation", "applicant")
        .order_by("category__position", "pk")
    )


def reviews_for_juror(juror: Juror) -> list[Review]:
    visible = applications_visible_to_juror(juror).values("pk")
    return list(
        Review.objects.filter(juror=juror, application_id__in=visible)
        .select_related("application", "application__category", "application__organisation")
        .order_by("application__category__position", "application_id")
    )


def review_for_juror(viewer: Viewer, pk: int) -> Review:
    """One of the viewer's reviews, 404 when it is not theirs or crosses a conflict."""
    if viewer.person is None:
        raise Http404
    review = (
        Review.objects.select_related("juror", "juror__person", "juror__edition", "application")
        .filter(pk=pk, juror__person_id=viewer.person.pk)
        .first()
    )
    if review is None:
        raise Http404
    if not applications_visible_to_juror(review.juror).filter(pk=review.application_id).exists():
        raise Http404
    return review


def application_conflicts(edition: Edition, jurors: list[Juror]) -> dict[int, frozenset[int]]:
    """application id -> ids of the jurors who must not review it (for the assignment)."""
    conflicts: dict[int, set[int]] = {}
    ids = list(
        Application.objects.filter(edition=edition, status=ApplicationStatus.ELIGIBLE).values_list(
            "pk", flat=True
        )
    )
    for app_id in ids:
        conflicts[app_id] = set()
    for juror in jurors:
        for app_id in (
            Application.objects.filter(pk__in=ids)
            .filter(juror_conflict_q(juror))
            .values_list("pk", flat=True)
        ):
            conflicts[app_id].add(juror.pk)
    return {app_id: frozenset(jurors_) for app_id, jurors_ in conflicts.items()}


# --- board ----------------------------------------------------------------------------------


def board_reviews(edition: Edition) -> list[ReviewScores]:
    """Every submitted review of the edition's eligible applications, as plain numbers."""
    criteria: dict[int, list[Criterion]] = {}
    scales: dict[int, tuple[float, float]] = {}
    for category in categories_with_criteria(edition):
        criteria[category.pk] = list(category.criteria.all())
        scales[category.pk] = (float(category.scale_min), float(category.scale_max))
    values: dict[int, dict[int, int]] = {}
    rows = Score.objects.filter(
        review__application__edition=edition,
        review__application__status=ApplicationStatus.ELIGIBLE,
        review__submitted_at__isnull=False,
    ).values_list("review_id", "criterion_id", "value")
    for review_id, criterion_id, value in rows.iterator(chunk_size=5000):
        values.setdefault(review_id, {})[criterion_id] = value
    reviews = Review.objects.filter(pk__in=list(values)).values_list(
        "pk", "application_id", "application__category_id", "juror_id"
    )
    out = []
    for review_id, application_id, category_id, juror_id in reviews:
        category_criteria = criteria.get(category_id, [])
        given = values[review_id]
        if not category_criteria or any(c.pk not in given for c in category_criteria):
            continue
        out.append(
            ReviewScores(
                application_id=application_id,
                category_id=category_id,
                juror_id=juror_id,
                scores=tuple(float(given[c.pk]) for c in category_criteria),
                weights=tuple(float(c.weight) for c in category_criteria),
                scale=scales[category_id],
            )
        )
    return out


def board_for(
    edition: Edition,
) -> list[tuple[Category, list[tuple[RankedApplication, Application]]]]:
    """The board: per category, ranked applications with their rows (one query per table)."""
    ranked = board_rank(board_reviews(edition))
    applications = Application.objects.in_bulk([r.application_id for r in ranked])
    by_category: dict[int, list[tuple[RankedApplication, Application]]] = {}
    for item in ranked:
        by_category.setdefault(item.category_id, []).append(
            (item, applications[item.application_id])
        )
    return [(c, by_category.get(c.pk, [])) for c in edition.categories.all()]


def review_progress(edition: Edition) -> dict[str, int]:
    reviews = Review.objects.filter(application__edition=edition)
    return {
        "assigned": reviews.count(),
        "submitted": reviews.filter(submitted_at__isnull=False).count(),
    }


# --- public ---------------------------------------------------------------------------------


def shortlist_public(edition: Edition) -> QuerySet[Application]:
    if not edition.shortlist_published:
        return Application.objects.none()
    return (
        Application.objects.filter(
            edition=edition, outcome__in=[Outcome.SHORTLISTED, Outcome.WINNER]
        )
        .select_related("category", "organisation")
        .order_by("category__position", "title")
    )


def winners_public(edition: Edition) -> QuerySet[Application]:
    if not edition.winners_published:
        return Application.objects.none()
    return (
        Application.objects.filter(edition=edition, outcome=Outcome.WINNER)
        .select_related("category", "organisation")
        .prefetch_related("team")
        .order_by("category__position", "title")
    )


def vote_counts(edition: Edition) -> dict[int, int]:
    return dict(
        edition.votes.filter(confirmed_at__isnull=False)
        .values_list("application_id")
        .annotate(n=Count("pk"))
        .values_list("application_id", "n")
    )


def attachments_to_rekey() -> QuerySet[Attachment]:
    """Attachments whose key may spell the applicant's file name, or whose move is unfinished."""
    return Attachment.objects.exclude(file="").filter(
        ~Q(file__regex=ATTACHMENT_KEY.pattern) | ~Q(replaced_key="")
    )
