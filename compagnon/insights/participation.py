"""Participation and outcomes: counts computed in SQL (cheap, so read live, filtered by year)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from statistics import median
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from compagnon.members.models import Organisation, Person


def _year_bounds(year: int | None) -> tuple[dt.datetime, dt.datetime] | None:
    if year is None:
        return None
    zone = timezone.get_current_timezone()
    return (
        dt.datetime(year, 1, 1, tzinfo=zone),
        dt.datetime(year + 1, 1, 1, tzinfo=zone),
    )


def organisation_participation(organisation: Organisation, *, year: int | None) -> dict[str, Any]:
    """Active people, workshops attended, cases and outcomes, time given, challenges, and
    learning (lessons completed, modules and programmes finished, from the learning app)."""
    from compagnon.careers.selectors import placements_count
    from compagnon.cases.models import Case, CaseStatus
    from compagnon.challenges.models import TeamMembership
    from compagnon.engagements.selectors import expert_half_days_by_organisation
    from compagnon.knowledge.models import Outcome
    from compagnon.learning.selectors import completion_counts_for_insights
    from compagnon.workshops.models import Attendance, Registration, RegistrationStatus, Workshop

    bounds = _year_bounds(year)
    # Counts and sets only: no model ordering (on 200k registrations, the ORDER BY the
    # models ask for costs ten times the count itself).
    attended = (
        Registration.objects.filter(
            person__organisation=organisation, status=RegistrationStatus.CONFIRMED
        )
        .exclude(attendance=Attendance.NO_SHOW)
        .order_by()
    )
    hosted = Workshop.objects.filter(hosts__organisation=organisation).distinct().order_by()
    cases = (
        Case.objects.filter(organisation=organisation).exclude(status=CaseStatus.DRAFT).order_by()
    )
    outcomes = Outcome.objects.filter(organisations=organisation).order_by()
    challenges = TeamMembership.objects.filter(user__person__organisation=organisation).order_by()
    if bounds is not None:
        attended = attended.filter(
            workshop__starts_at__gte=bounds[0], workshop__starts_at__lt=bounds[1]
        )
        hosted = hosted.filter(starts_at__gte=bounds[0], starts_at__lt=bounds[1])
        cases = cases.filter(created_at__gte=bounds[0], created_at__lt=bounds[1])
        outcomes = outcomes.filter(date__year=year)
        challenges = challenges.filter(joined_at__gte=bounds[0], joined_at__lt=bounds[1])
    active = (
        set(attended.values_list("person_id", flat=True))
        | set(cases.values_list("brought_by_id", flat=True))
        | set(
            Person.objects.filter(
                organisation=organisation, user__in=challenges.values("user_id")
            ).values_list("pk", flat=True)
        )
    )
    hours = 0.0
    for starts_at, ends_at, hosts in hosted.annotate(
        org_hosts=Count("hosts", filter=Q(hosts__organisation=organisation))
    ).values_list("starts_at", "ends_at", "org_hosts"):
        if starts_at and ends_at:
            hours += max((ends_at - starts_at).total_seconds(), 0) / 3600 * hosts
    case_statuses = Counter(cases.values_list("status", flat=True))
    outcome_kinds = Counter(outcomes.values_list("kind", flat=True))
    return {
        "people": Person.objects.filter(
            organisation=organisation, left_organisation_on__isnull=True
        ).count(),
        "active_people": len(active),
        "attendances": attended.count(),
        "workshops_attended": attended.values("workshop_id").distinct().count(),
        "workshops_hosted": hosted.count(),
        "hours_given": round(hours, 1),
        "cases": sum(case_statuses.values()),
        "case_statuses": dict(case_statuses),
        "outcomes": dict(outcome_kinds),
        "challenges_entered": challenges.values("challenge_id").distinct().count(),
        # Expert engagements: confirmed time the organisation's people gave, in days.
        "expert_days": expert_half_days_by_organisation(organisation_id=organisation.pk, year=year)
        / 2,
        # Careers: people the organisation hired through the club's platform.
        "hires": placements_count(
            since=bounds[0] if bounds else None,
            until=bounds[1] if bounds else None,
            organisation_id=organisation.pk,
        ),
        **completion_counts_for_insights(organisation_id=organisation.pk, year=year),
    }


def club_funnel(*, year: int | None) -> dict[str, Any]:
    """Cases submitted → opened → matched → planned → with an outcome; days to match."""
    from compagnon.cases.models import Case, CaseStatus, CaseTransition
    from compagnon.knowledge.models import Outcome

    bounds = _year_bounds(year)
    transitions = CaseTransition.objects.all()
    if bounds is not None:
        submitted_ids = CaseTransition.objects.filter(
            to_status=CaseStatus.SUBMITTED, at__gte=bounds[0], at__lt=bounds[1]
        ).values("case_id")
        transitions = transitions.filter(case_id__in=submitted_ids)
    reached: dict[str, set[int]] = {status: set() for status in CaseStatus.values}
    submitted_at: dict[int, dt.datetime] = {}
    matched_at: dict[int, dt.datetime] = {}
    for case_id, status, at in transitions.values_list("case_id", "to_status", "at"):
        reached[status].add(case_id)
        if status == CaseStatus.SUBMITTED:
            submitted_at.setdefault(case_id, at)
        if status == CaseStatus.MATCHED:
            matched_at.setdefault(case_id, at)
    # A case further along went through the earlier steps, even without a row for each.
    order = [CaseStatus.SUBMITTED, CaseStatus.OPEN, CaseStatus.MATCHED, CaseStatus.PLANNED]
    for index in range(len(order) - 2, -1, -1):
        reached[order[index]] |= reached[order[index + 1]]
    all_ids = set().union(*reached.values())
    with_outcome = set(
        Outcome.objects.filter(case_id__in=all_ids).values_list("case_id", flat=True)
    )
    days = [
        (matched_at[pk] - submitted_at[pk]).total_seconds() / 86400
        for pk in matched_at
        if pk in submitted_at and matched_at[pk] >= submitted_at[pk]
    ]
    per_base = dict(
        Case.objects.filter(pk__in=all_ids)
        .values_list("base__name")
        .annotate(count=Count("pk"))
        .values_list("base__name", "count")
    )
    return {
        "steps": [{"status": str(status), "count": len(reached[status])} for status in order]
        + [{"status": "outcome", "count": len(with_outcome)}],
        "days_to_match_median": round(median(days), 1) if days else None,
        "days_to_match_n": len(days),
        "per_base": {str(name or "—"): count for name, count in per_base.items()},
    }


def renewal_risk(*, today: dt.date | None = None, months: int = 6) -> list[dict[str, Any]]:
    """Active member organisations whose attendance fell by a third or more: the last
    `months` months against the `months` before."""
    from compagnon.workshops.models import Attendance, Registration, RegistrationStatus

    today = today or timezone.localdate()
    now = timezone.make_aware(dt.datetime.combine(today, dt.time()))
    span = dt.timedelta(days=round(months * 30.4))
    recent = Q(workshop__starts_at__gte=now - span, workshop__starts_at__lt=now)
    before = Q(workshop__starts_at__gte=now - 2 * span, workshop__starts_at__lt=now - span)
    rows = (
        Registration.objects.filter(
            status=RegistrationStatus.CONFIRMED, organisation__status="active"
        )
        .exclude(attendance=Attendance.NO_SHOW)
        .values("organisation_id", "organisation__name", "organisation__slug")
        .annotate(recent=Count("pk", filter=recent), before=Count("pk", filter=before))
        .order_by("organisation__name")
    )
    return [
        {
            "name": row["organisation__name"],
            "slug": row["organisation__slug"],
            "recent": row["recent"],
            "before": row["before"],
        }
        for row in rows
        if row["before"] >= 3 and row["recent"] <= row["before"] * 2 / 3
    ]


def club_help_given() -> dict[str, Any]:
    """The club's time given (expert days, workshops hosted, reviews) and careers hires."""
    from compagnon.careers.selectors import placements_count
    from compagnon.engagements.selectors import time_given_for_people

    given = time_given_for_people(None).values()
    return {
        "expert_days": sum(g.engagement_half_days for g in given) / 2,
        "workshops_hosted": sum(g.workshops_hosted for g in given),
        "reviews": sum(g.reviews for g in given),
        "hires": placements_count(),
    }
