"""Who sees which insights, and the one rule for small groups.

- A person sees their own growth (private to them: nobody else, staff included, gets that page
  for someone else).
- An organisation's figures: its managers and staff (404 for anyone else).
- The club's figures, all organisations and renewal risk: staff.
- k-anonymity: no figure computed over fewer than K_MIN people is ever shown (`figure_visible`).
  Every display path of a statistic goes through `figures_visible()`; a cohort's funnel on
  an organisation's page through `cohort_funnels_visible()`.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from compagnon.insights.models import Snapshot, SnapshotRun
from compagnon.insights.survival import K_MIN
from compagnon.members.models import (
    ERASED_EMAIL_DOMAIN,
    Organisation,
    Person,
    SkillLevelChange,
)
from compagnon.members.selectors import Viewer, organisation_private_for_viewer


def figure_visible(n: int | None) -> bool:
    """The k-anonymity rule: a figure is shown only when computed over K_MIN people or more."""
    return n is not None and n >= K_MIN


def _estimate(estimate: dict[str, Any] | None) -> dict[str, Any] | None:
    if not estimate or not figure_visible(estimate.get("n")) or estimate.get("value") is None:
        return None
    return estimate


def _curve(curve: dict[str, Any] | None) -> dict[str, Any] | None:
    if not curve or not figure_visible(curve.get("n")):
        return None
    # The tail past the last point with K_MIN people at risk is already cut by km_curve;
    # at-risk counts under K_MIN are left out all the same.
    shown = dict(curve)
    shown["at_risk"] = [row for row in curve["at_risk"] if figure_visible(row["n"])]
    return shown


def _model(result: dict[str, Any] | None, n_key: str = "n") -> dict[str, Any] | None:
    if not result or not figure_visible(result.get(n_key)):
        return None
    return result


def figures_visible(payload: dict[str, Any]) -> dict[str, Any]:
    """The snapshot's figures with everything computed over fewer than K_MIN people removed."""
    shown = copy.deepcopy(payload)
    growth = shown.get("growth") or {}
    for source, figures in list(growth.items()):
        if figures is None:
            continue
        growth[source] = {name: _estimate(value) for name, value in figures.items()}
        if not any(growth[source].values()):
            growth[source] = None
    retention = shown.get("retention")
    if retention:
        curves = retention.get("curves", {})
        for name in list(curves):
            curves[name] = _curve(curves[name])
        retention["retention_at_horizon"] = {
            name: value if curves.get(name) else None
            for name, value in retention.get("retention_at_horizon", {}).items()
        }
        retention["cox"] = _model(retention.get("cox"))
        retention["cox_time_varying"] = _model(retention.get("cox_time_varying"))
        matched = retention.get("matched")
        retention["matched"] = matched if matched and figure_visible(matched.get("pairs")) else None
    return shown


def cohort_funnels_visible(organisation: Organisation) -> list[dict[str, Any]]:
    """The organisation's cohorts with its people's funnel; the counts of a cohort with fewer
    than K_MIN of the organisation's people are withheld (the cohort is listed, not counted)."""
    from compagnon.learning.selectors import cohort_funnels_for_insights

    return [
        {
            "cohort": cohort,
            "counts": counts if figure_visible(counts["invited"]) else None,
        }
        for cohort, counts in cohort_funnels_for_insights(organisation_id=organisation.pk)
    ]


# --- access -----------------------------------------------------------------------------------


def organisation_insights_for_viewer(viewer: Viewer, slug: str) -> Organisation:
    """An organisation's insights: its managers and staff; 404 for anyone else."""
    return organisation_private_for_viewer(viewer, slug)


def club_insights_allowed(viewer: Viewer) -> None:
    if not viewer.is_staff:
        raise PermissionDenied


def person_own_history(person: Person) -> list[SkillLevelChange]:
    """A person's own skills history (their page only)."""
    return list(
        SkillLevelChange.objects.filter(person=person)
        .select_related("tag")
        .order_by("changed_at", "pk")
    )


def person_own_learning(person: Person) -> dict[str, Any]:
    """A person's own lessons, modules and programmes finished, and their quizzes (first and
    best attempt). Their own data: the K_MIN rule is about others, not this page."""
    from compagnon.learning.selectors import (
        completion_counts_for_insights,
        quiz_first_best_for_insights,
    )

    if person.user_id is None:
        return {"counts": None, "quizzes": []}
    return {
        "counts": completion_counts_for_insights(user_id=person.user_id),
        "quizzes": sorted(
            quiz_first_best_for_insights(user_id=person.user_id), key=lambda row: row["lesson"]
        ),
    }


def person_own_feedback_levels(person: Person) -> list[Any]:
    from compagnon.workshops.models import FeedbackLevel

    return list(
        FeedbackLevel.objects.filter(feedback__registration__person=person)
        .select_related("tag", "feedback__registration__workshop")
        .order_by("feedback__registration__workshop__starts_at", "pk")
    )


# --- "what I learned" quotes -------------------------------------------------------------------

QUOTES_SHOWN = 8
QUOTE_MAX_CHARS = 600
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


def _anonymised(text: str, names: list[str]) -> str:
    """The quote without its author's name or any email address (people sign their text)."""
    text = _EMAIL.sub("[…]", text)
    for name in sorted({n for n in names if len(n) >= 2}, key=len, reverse=True):
        text = re.sub(rf"\b{re.escape(name)}\b", "[…]", text, flags=re.IGNORECASE)
    text = " ".join(text.split())
    if len(text) > QUOTE_MAX_CHARS:
        text = text[: QUOTE_MAX_CHARS - 1].rstrip() + "…"
    return text


def learned_quotes_for_organisation(
    organisation: Organisation, *, year: int | None = None
) -> list[dict[str, Any]]:
    """ "What I learned", from the organisation's people who ticked that it may be quoted
    anonymously in its report: the text only (no name, no workshop: in a small organisation
    either would name the author), newest first. Feedback without that consent never leaves
    this function."""
    from compagnon.workshops.models import Feedback

    feedback = (
        Feedback.objects.filter(
            learned_quotable=True,
            registration__person__organisation=organisation,
        )
        .exclude(learned="")
        .exclude(registration__person__email__endswith="@" + ERASED_EMAIL_DOMAIN)
    )
    if year is not None:
        feedback = feedback.filter(created_at__year=year)
    rows = feedback.order_by("-created_at", "-pk").values_list(
        "learned",
        "created_at",
        "registration__person__first_name",
        "registration__person__last_name",
        "registration__person__email",
    )[:QUOTES_SHOWN]
    return [
        {
            "text": _anonymised(text, [first, last, f"{first} {last}", email.split("@")[0]]),
            "year": timezone.localtime(created_at).year,
        }
        for text, created_at, first, last, email in rows
    ]


# --- the cache ----------------------------------------------------------------------------------


def snapshot_for(organisation: Organisation | None) -> Snapshot | None:
    if organisation is None:
        return Snapshot.objects.filter(organisation__isnull=True).first()
    return Snapshot.objects.filter(organisation=organisation).first()


def snapshot_is_stale(snapshot: Snapshot, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return snapshot.computed_at < now - dt.timedelta(hours=settings.INSIGHTS_MAX_AGE_HOURS)


def organisations_with_people() -> list[Organisation]:
    return list(Organisation.objects.filter(people__isnull=False).distinct().order_by("name"))


def snapshot_run_latest(organisation: Organisation | None) -> SnapshotRun | None:
    """The latest computation asked for this scope (what the progress partial reports)."""
    runs = SnapshotRun.objects.all()
    if organisation is None:
        runs = runs.filter(organisation__isnull=True)
    else:
        runs = runs.filter(organisation=organisation)
    return runs.order_by("-requested_at", "-pk").first()


def tenure_imports_recent(limit: int = 20) -> list[Any]:
    from compagnon.insights.models import TenureImport

    return list(
        TenureImport.objects.select_related("uploaded_by").order_by("-uploaded_at", "-pk")[:limit]
    )
