"""Reads about engagements, and the one place that decides who sees one.

An engagement is private to the organisation that asked: it is seen by staff, the
expert, the person who asked, the person who brought the case and the managers of
the case's organisation. Everyone else gets a 404, as for an organisation's private
pages. What a viewer sees of *who* asked follows the case (`case_shown_to`): on an
anonymised case the expert sees "a member organisation" unless the organisation
agreed to be named to them (`Engagement.organisation_shown_to_expert`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.http import Http404

from compagnon.cases.models import Case, CaseStatus
from compagnon.cases.selectors import case_shown_to, cases_visible_to
from compagnon.engagements.models import (
    Engagement,
    EngagementStatus,
    EntryStatus,
    LedgerEntry,
    StatusReport,
)
from compagnon.members.models import Organisation, Person
from compagnon.members.selectors import Viewer

# The case statuses an engagement can be set up from (a matched case moves to planned).
CASE_STATUSES_FOR_ENGAGEMENT = (CaseStatus.OPEN, CaseStatus.MATCHED, CaseStatus.PLANNED)
# Entries still waiting count against the week's agreed time; disputed ones do not.
COUNTED_STATUSES = (EntryStatus.PENDING, EntryStatus.CONFIRMED)


def engagements_visible_to(viewer: Viewer) -> QuerySet[Engagement]:
    engagements = Engagement.objects.all()
    if viewer.is_staff:
        return engagements
    person = viewer.person
    if person is None or not viewer.is_member:
        return engagements.none()
    mine = Q(expert_id=person.pk) | Q(asker_id=person.pk) | Q(case__brought_by_id=person.pk)
    if person.is_org_manager and person.organisation_id is not None:
        mine |= Q(case__organisation_id=person.organisation_id)
    return engagements.filter(mine)


def engagements_with_card(queryset: QuerySet[Engagement]) -> QuerySet[Engagement]:
    """What a list row shows, in one query. The ledger's figures are subqueries: an
    aggregate over a join would group by every column of the four joined tables."""
    entries = (
        LedgerEntry.objects.filter(engagement_id=OuterRef("pk")).order_by().values("engagement_id")
    )
    return queryset.select_related(
        "case__organisation", "case__brought_by", "expert", "asker"
    ).annotate(
        confirmed_half_days=Subquery(
            entries.filter(status=EntryStatus.CONFIRMED).annotate(n=Sum("half_days")).values("n")
        ),
        pending_count=Subquery(
            entries.filter(status=EntryStatus.PENDING).annotate(n=Count("pk")).values("n")
        ),
    )


def engagement_for_viewer(viewer: Viewer, pk: int) -> Engagement:
    try:
        return (
            engagements_visible_to(viewer)
            .select_related("case__organisation", "case__brought_by", "expert", "asker", "outcome")
            .prefetch_related(
                Prefetch(
                    "entries",
                    queryset=LedgerEntry.objects.select_related("logged_by", "decided_by").order_by(
                        "worked_on", "pk"
                    ),
                ),
                Prefetch(
                    "reports",
                    queryset=StatusReport.objects.select_related("author").order_by(
                        "-created_at", "-pk"
                    ),
                ),
            )
            .get(pk=pk)
        )
    except Engagement.DoesNotExist:
        raise Http404 from None


@dataclass(frozen=True)
class EngagementShown:
    """What one viewer sees of who is behind an engagement."""

    organisation: Organisation | None  # None: "a member organisation"
    asker: Person | None  # None: "the person who asked"
    case_link: bool  # whether the case's page is theirs to open


def engagement_shown_to(
    engagement: Engagement, viewer: Viewer, *, with_case_link: bool = True
) -> EngagementShown:
    """`with_case_link` asks whether the viewer may open the case (one query): lists
    leave it out, the engagement's own page asks it."""
    case = engagement.case
    shown = case_shown_to(case, viewer)
    is_expert = viewer.person is not None and viewer.person.pk == engagement.expert_id
    if shown.shows_derived or (is_expert and engagement.organisation_shown_to_expert):
        organisation, asker = case.organisation, engagement.asker
    else:
        organisation, asker = None, None
    case_link = with_case_link and cases_visible_to(viewer).filter(pk=case.pk).exists()
    return EngagementShown(organisation=organisation, asker=asker, case_link=case_link)


def report_author_shown(
    report: StatusReport, engagement: Engagement, shown: EngagementShown
) -> Person | None:
    """Who wrote a status report, as this viewer may see it: None when the author is the
    asker and the viewer may not know who asked (an anonymised case's expert)."""
    if report.author_id == engagement.asker_id and shown.asker is None:
        return None
    return report.author


def engagement_hides_asker_from_expert(engagement: Engagement) -> bool:
    """For the expert's emails: True when the expert may not know who asked."""
    from compagnon.cases.models import Confidentiality

    return (
        engagement.case.confidentiality == Confidentiality.ANONYMISED
        and not engagement.organisation_shown_to_expert
        and engagement.expert.organisation_id != engagement.case.organisation_id
    )


def engagements_for_case(case: Case, viewer: Viewer) -> list[Engagement]:
    return list(
        engagements_with_card(engagements_visible_to(viewer).filter(case=case)).order_by(
            "-starts_on", "-pk"
        )
    )


def week_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    """Monday and Sunday of `day`'s ISO week."""
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


def week_half_days_used(engagement_id: int, day: dt.date, *, exclude_pk: int | None = None) -> int:
    """Half-days already logged (waiting or confirmed) in `day`'s ISO week."""
    monday, sunday = week_bounds(day)
    entries = LedgerEntry.objects.filter(
        engagement_id=engagement_id,
        worked_on__range=(monday, sunday),
        status__in=COUNTED_STATUSES,
    )
    if exclude_pk is not None:
        entries = entries.exclude(pk=exclude_pk)
    return entries.aggregate(n=Sum("half_days"))["n"] or 0


def day_half_days_used(engagement_id: int, day: dt.date) -> int:
    return (
        LedgerEntry.objects.filter(
            engagement_id=engagement_id, worked_on=day, status__in=COUNTED_STATUSES
        ).aggregate(n=Sum("half_days"))["n"]
        or 0
    )


@dataclass(frozen=True)
class LedgerWeek:
    year: int
    week: int
    monday: dt.date
    entries: list[LedgerEntry]
    counted: int  # half-days waiting or confirmed
    confirmed: int
    allowed: int

    @property
    def over(self) -> bool:
        return self.counted > self.allowed


def ledger_weeks(engagement: Engagement) -> list[LedgerWeek]:
    """The prefetched entries grouped by ISO week, latest week first."""
    weeks: dict[tuple[int, int], list[LedgerEntry]] = {}
    for entry in engagement.entries.all():
        weeks.setdefault(entry.iso_week, []).append(entry)
    out = []
    for (year, week), entries in sorted(weeks.items(), reverse=True):
        out.append(
            LedgerWeek(
                year=year,
                week=week,
                monday=dt.date.fromisocalendar(year, week, 1),
                entries=entries,
                counted=sum(e.half_days for e in entries if e.status in COUNTED_STATUSES),
                confirmed=sum(e.half_days for e in entries if e.status == EntryStatus.CONFIRMED),
                allowed=engagement.half_days_per_week,
            )
        )
    return out


def entries_waiting_for(person: Person | None) -> QuerySet[LedgerEntry]:
    """Entries the person is asked to confirm."""
    if person is None:
        return LedgerEntry.objects.none()
    return LedgerEntry.objects.filter(
        engagement__asker_id=person.pk, status=EntryStatus.PENDING
    ).exclude(logged_by_id=person.pk)


def engagements_with_pending_entries(*, logged_before: dt.datetime) -> QuerySet[Engagement]:
    """Engagements whose asker has entries to confirm, logged before `logged_before`."""
    return (
        Engagement.objects.filter(
            entries__status=EntryStatus.PENDING, entries__logged_at__lt=logged_before
        )
        .distinct()
        .select_related("asker", "expert", "case")
    )


# --- time given to the community -----------------------------------------------------------


@dataclass(frozen=True)
class TimeGiven:
    """What a person (or an organisation's people) gave the club.

    - engagement days: half-days of expert help confirmed by the person who asked, / 2;
    - workshops hosted: workshops marked done with the person among the hosts;
    - reviews: awards applications reviewed (submitted scores) and benchathon
      evaluations submitted.
    The three are kept apart: a workshop or a review has no agreed length to add as days.
    """

    engagement_half_days: int = 0
    engagements: int = 0
    workshops_hosted: int = 0
    reviews: int = 0

    @property
    def engagement_days(self) -> float:
        return self.engagement_half_days / 2

    @property
    def is_empty(self) -> bool:
        return not (self.engagement_half_days or self.workshops_hosted or self.reviews)


def time_given_for_people(person_ids: list[int] | None = None) -> dict[int, TimeGiven]:
    """TimeGiven per person id, in four queries; None means everyone who gave anything."""
    from compagnon.awards.models import Review
    from compagnon.benchathons.models import Evaluation
    from compagnon.workshops.models import Workshop, WorkshopStatus

    def restrict(queryset, field):
        return queryset if person_ids is None else queryset.filter(**{f"{field}__in": person_ids})

    half_days: dict[int, int] = {}
    engagements: dict[int, int] = {}
    rows = (
        restrict(LedgerEntry.objects.filter(status=EntryStatus.CONFIRMED), "engagement__expert_id")
        .values("engagement__expert_id")
        .annotate(n=Sum("half_days"), e=Count("engagement", distinct=True))
    )
    for row in rows:
        half_days[row["engagement__expert_id"]] = row["n"] or 0
        engagements[row["engagement__expert_id"]] = row["e"]
    hosted = dict(
        restrict(
            Workshop.hosts.through.objects.filter(workshop__status=WorkshopStatus.DONE),
            "person_id",
        )
        .values("person_id")
        .annotate(n=Count("workshop_id", distinct=True))
        .values_list("person_id", "n")
    )
    reviews: dict[int, int] = {}
    for person_id, n in (
        restrict(Review.objects.filter(submitted_at__isnull=False), "juror__person_id")
        .values("juror__person_id")
        .annotate(n=Count("pk"))
        .values_list("juror__person_id", "n")
    ):
        reviews[person_id] = reviews.get(person_id, 0) + n
    for person_id, n in (
        restrict(Evaluation.objects.filter(submitted_at__isnull=False), "evaluator_id")
        .values("evaluator_id")
        .annotate(n=Count("pk"))
        .values_list("evaluator_id", "n")
    ):
        reviews[person_id] = reviews.get(person_id, 0) + n
    ids = set(half_days) | set(hosted) | set(reviews)
    if person_ids is not None:
        ids |= set(person_ids)
    return {
        pk: TimeGiven(
            engagement_half_days=half_days.get(pk, 0),
            engagements=engagements.get(pk, 0),
            workshops_hosted=hosted.get(pk, 0),
            reviews=reviews.get(pk, 0),
        )
        for pk in ids
    }


def time_given(person: Person) -> TimeGiven:
    """The time one person gave the community (the profile shows it; Insights may too)."""
    return time_given_for_people([person.pk])[person.pk]


def time_given_by_organisation(organisation: Organisation) -> TimeGiven:
    """The sum over the organisation's people (those who left included: they gave it)."""
    ids = list(Person.objects.filter(organisation=organisation).values_list("pk", flat=True))
    total = TimeGiven()
    for given in time_given_for_people(ids).values():
        total = TimeGiven(
            engagement_half_days=total.engagement_half_days + given.engagement_half_days,
            engagements=total.engagements + given.engagements,
            workshops_hosted=total.workshops_hosted + given.workshops_hosted,
            reviews=total.reviews + given.reviews,
        )
    return total


def engagement_can_be_set_up_for(case: Case) -> bool:
    return case.status in CASE_STATUSES_FOR_ENGAGEMENT


def engagements_active() -> QuerySet[Engagement]:
    return Engagement.objects.filter(status=EngagementStatus.ACTIVE)


def expert_half_days_by_organisation(*, organisation_id: int, year: int | None = None) -> int:
    """Confirmed half-days that the organisation's people gave as experts (Insights)."""
    entries = LedgerEntry.objects.filter(
        status=EntryStatus.CONFIRMED, engagement__expert__organisation_id=organisation_id
    )
    if year is not None:
        entries = entries.filter(worked_on__year=year)
    return entries.aggregate(n=Sum("half_days"))["n"] or 0
