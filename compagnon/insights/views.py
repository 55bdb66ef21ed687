"""Insights pages: my growth, an organisation's dashboard (page, PDF, CSV), the club's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from compagnon.cases.models import CaseStatus
from compagnon.core.charts import chart_svg
from compagnon.core.csvsafe import csv_streaming_response
from compagnon.core.forms import form_add_service_errors
from compagnon.core.permissions import staff_required
from compagnon.insights import charts
from compagnon.insights.forms import TenureUploadForm
from compagnon.insights.models import RUN_ACTIVE, TenureImport
from compagnon.insights.participation import (
    club_funnel,
    club_help_given,
    organisation_participation,
    renewal_risk,
)
from compagnon.insights.selectors import (
    club_insights_allowed,
    cohort_funnels_visible,
    figures_visible,
    learned_quotes_for_organisation,
    organisation_insights_for_viewer,
    organisations_with_people,
    person_own_feedback_levels,
    person_own_history,
    person_own_learning,
    snapshot_for,
    snapshot_run_latest,
    tenure_imports_recent,
)
from compagnon.insights.services import (
    snapshot_read,
    tenure_import_apply,
    tenure_import_upload,
)
from compagnon.knowledge.models import OutcomeKind
from compagnon.learning.selectors import completion_counts_for_insights
from compagnon.members.models import Organisation
from compagnon.members.permissions import member_required, signed_in_viewer
from compagnon.members.selectors import Viewer

REPORT_CSS = Path(__file__).resolve().parent / "static" / "insights" / "report.css"
FIRST_YEAR = 2020  # the club opened in February 2020


def _year(request: HttpRequest) -> tuple[int | None, str]:
    """The year asked for in ?year=, and a message when it cannot be used."""
    raw = (request.GET.get("year") or "").strip()
    if not raw:
        return None, ""
    last = timezone.localdate().year
    if raw.isdigit() and FIRST_YEAR <= int(raw) <= last:
        return int(raw), ""
    return None, _("Choose a year between %(first)d and %(last)d; showing all years.") % {
        "first": FIRST_YEAR,
        "last": last,
    }


def _figures(organisation: Organisation | None) -> dict[str, Any]:
    snapshot, stale, run = snapshot_read(organisation=organisation)
    if snapshot is None:
        # Nothing is computed in the request: the page shows the computation's progress.
        return {"snapshot": None, "stale": False, "run": run, "retention": None, "growth_rows": []}
    shown = figures_visible(snapshot.payload)
    retention = shown.get("retention")
    growth = shown.get("growth") or {}
    # Building the specs with Altair costs more than the rest of the page: they are kept per
    # snapshot and language, so a new computation (a new computed_at) makes new ones.
    key = f"insights-charts:{snapshot.pk}:{snapshot.computed_at.timestamp()}:{get_language()}"
    built = cache.get(key)
    if built is None:
        built = (
            charts.survival_chart(retention["curves"]) if retention else None,
            charts.growth_chart(growth),
        )
        cache.set(key, built, timeout=2 * 24 * 3600)
    survival, growth_block = built
    labels = charts.source_labels()
    groups = charts.group_labels()
    curves = (retention or {}).get("curves") or {}
    ticks = sorted({row["t"] for curve in curves.values() if curve for row in curve["at_risk"]})
    at_risk = {
        "ticks": ticks,
        "rows": [
            {
                "label": groups[name],
                "counts": [{r["t"]: r["n"] for r in curve["at_risk"]}.get(t) for t in ticks],
            }
            for name, curve in curves.items()
            if curve
        ],
    }
    horizon = [
        (groups[name], value)
        for name, value in ((retention or {}).get("retention_at_horizon") or {}).items()
    ]
    return {
        "snapshot": snapshot,
        "stale": stale,
        "run": run,
        "retention": retention,
        "survival": survival[0] if survival else None,
        "survival_altair": survival[1] if survival else None,
        "growth_rows": [
            {"label": labels[name], **figures}
            for name, figures in growth.items()
            if figures is not None
        ],
        "growth": growth_block[0] if growth_block else None,
        "growth_altair": growth_block[1] if growth_block else None,
        "at_risk": at_risk,
        "horizon": horizon,
    }


def _progress(request: HttpRequest, organisation: Organisation | None) -> HttpResponse:
    """The computation's progress, polled by the page (HTMX) while there is no snapshot yet;
    once the snapshot exists, HTMX is told to reload the page, which then shows it."""
    run = snapshot_run_latest(organisation)
    ready = snapshot_for(organisation) is not None and (run is None or run.status not in RUN_ACTIVE)
    context = {"run": run, "ready": ready, "organisation": organisation}
    response = render(request, "insights/_computing.html", context)
    if ready and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    response["Cache-Control"] = "private, no-store"
    return response


@signed_in_viewer
def organisation_progress(request: HttpRequest, viewer: Viewer, slug: str) -> HttpResponse:
    return _progress(request, organisation_insights_for_viewer(viewer, slug))


@signed_in_viewer
def club_progress(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    club_insights_allowed(viewer)
    return _progress(request, None)


@member_required
def my_growth(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    """A person's own growth: private to them (there is no page for someone else's)."""
    person = viewer.person
    history = person_own_history(person) if person else []
    levels = person_own_feedback_levels(person) if person else []
    context = {
        "history": history,
        "chart": charts.history_chart(history),
        "feedback_levels": levels,
        "learning": person_own_learning(person) if person else None,
    }
    response = render(request, "insights/my_growth.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


def _participation(
    organisation: Organisation, *, year: int | None, snapshot: Any
) -> dict[str, Any]:
    """The organisation's participation figures, kept per year until the next computation of
    its snapshot: on a club of 50k people and 200k registrations, counting costs a few hundred
    milliseconds, and the page's other figures are as of the snapshot anyway."""
    if snapshot is None:
        return organisation_participation(organisation, year=year)
    key = (
        f"insights-participation:{organisation.pk}:{year or 'all'}:"
        f"{snapshot.computed_at.timestamp()}"
    )
    figures = cache.get(key)
    if figures is None:
        figures = organisation_participation(organisation, year=year)
        cache.set(key, figures, timeout=2 * 24 * 3600)
    return figures


def _organisation_context(request: HttpRequest, organisation: Organisation) -> dict[str, Any]:
    year, year_error = _year(request)
    figures = _figures(organisation)
    participation = _participation(organisation, year=year, snapshot=figures["snapshot"])
    return {
        "organisation": organisation,
        "year": year,
        "year_error": year_error,
        "years": list(range(timezone.localdate().year, FIRST_YEAR - 1, -1)),
        "participation": participation,
        # Kept figures hold the outcome kinds' keys; people read their names, in their language.
        "outcomes": [
            (OutcomeKind(kind).label if kind in OutcomeKind.values else kind, count)
            for kind, count in participation["outcomes"].items()
        ],
        "cohorts": cohort_funnels_visible(organisation),
        "quotes": learned_quotes_for_organisation(organisation, year=year),
        **figures,
    }


@signed_in_viewer
def organisation_dashboard(request: HttpRequest, viewer: Viewer, slug: str) -> HttpResponse:
    organisation = organisation_insights_for_viewer(viewer, slug)
    response = render(
        request, "insights/organisation.html", _organisation_context(request, organisation)
    )
    response["Cache-Control"] = "private, no-store"
    return response


@signed_in_viewer
def organisation_pdf(request: HttpRequest, viewer: Viewer, slug: str) -> HttpResponse:
    from weasyprint import CSS, HTML

    organisation = organisation_insights_for_viewer(viewer, slug)
    context = _organisation_context(request, organisation)
    for name in ("survival", "growth"):
        chart = context.pop(f"{name}_altair", None)
        context[f"{name}_svg"] = mark_safe(chart_svg(chart)) if chart is not None else ""
    html = render(request, "insights/organisation_pdf.html", context).content.decode()
    pdf = HTML(string=html, base_url=str(REPORT_CSS.parent)).write_pdf(
        stylesheets=[CSS(filename=str(REPORT_CSS))]
    )
    year = context["year"] or "all"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{organisation.slug}-insights-{year}.pdf"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


@signed_in_viewer
def organisation_csv(request: HttpRequest, viewer: Viewer, slug: str) -> HttpResponse:
    """Participation year by year, one row per year."""
    organisation = organisation_insights_for_viewer(viewer, slug)
    keys = [
        ("active_people", _("Active people")),
        ("attendances", _("Workshop attendances")),
        ("workshops_attended", _("Workshops attended")),
        ("workshops_hosted", _("Workshops hosted")),
        ("hours_given", _("Hours given (hosting)")),
        ("expert_days", _("Days given as experts")),
        ("hires", _("Hires through the careers platform")),
        ("cases", _("Cases brought")),
        ("challenges_entered", _("Challenges entered")),
        ("lessons_completed", _("Lessons completed")),
        ("modules_finished", _("Modules finished")),
        ("programmes_finished", _("Programmes finished")),
    ]

    def rows():
        yield [_("Year"), *(label for _key, label in keys)]
        for year in range(FIRST_YEAR, timezone.localdate().year + 1):
            figures = organisation_participation(organisation, year=year)
            yield [year, *(figures[key] for key, _label in keys)]

    return csv_streaming_response(rows(), filename=f"{organisation.slug}-participation.csv")


def _labelled(funnel: dict[str, Any]) -> dict[str, Any]:
    """The funnel's steps carry status keys; people read the statuses' names."""
    labels = {**dict(CaseStatus.choices), "outcome": _("With an outcome")}
    for step in funnel["steps"]:
        step["label"] = labels.get(step["status"], step["status"])
    return funnel


@signed_in_viewer
def club_dashboard(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    club_insights_allowed(viewer)
    year, year_error = _year(request)
    context = {
        "year": year,
        "year_error": year_error,
        "years": list(range(timezone.localdate().year, FIRST_YEAR - 1, -1)),
        "funnel": _labelled(club_funnel(year=year)),
        "renewal_risk": renewal_risk(),
        "learning": completion_counts_for_insights(),
        "help": club_help_given(),
        "organisations": organisations_with_people(),
        **_figures(None),
    }
    response = render(request, "insights/club.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@signed_in_viewer
def recompute(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    """Staff: queue a recomputation of the club's and every organisation's figures."""
    club_insights_allowed(viewer)
    from compagnon.insights.tasks import insights_recompute_all_task

    insights_recompute_all_task.enqueue()
    messages.success(request, _("Recomputation queued: the figures update in a few minutes."))
    return redirect("insights:club")


# --- the past tenure import (staff) ------------------------------------------------------------


@staff_required
def tenure_imports(request: HttpRequest) -> HttpResponse:
    """Upload a CSV of past tenure; the list of earlier uploads."""
    form = TenureUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            tenure_import = tenure_import_upload(
                filename=upload.name, data=upload.read(), actor=request.user
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            return redirect("insights:tenure_import", pk=tenure_import.pk)
    context = {"form": form, "imports": tenure_imports_recent()}
    return render(
        request, "insights/tenure_imports.html", context, status=400 if form.errors else 200
    )


def _checked(tenure_import: TenureImport):
    from compagnon.insights.tenure_import import TenureFileError, file_check

    try:
        return file_check(tenure_import.content), ""
    except TenureFileError as error:
        return None, error.message


@staff_required
def tenure_import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    tenure_import = get_object_or_404(TenureImport, pk=pk)
    checked, file_error = _checked(tenure_import)
    context = {
        "tenure_import": tenure_import,
        "checked": checked,
        "file_error": file_error,
        "shown": (checked.errors + [line for line in checked.lines if not line.errors][:50])
        if checked
        else [],
    }
    return render(request, "insights/tenure_import.html", context)


@require_POST
@staff_required
def tenure_import_apply_view(request: HttpRequest, pk: int) -> HttpResponse:
    tenure_import = get_object_or_404(TenureImport, pk=pk)
    try:
        count = tenure_import_apply(tenure_import=tenure_import, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            ngettext(
                "%(count)d past tenure imported; the figures include it from the next computation.",
                "%(count)d past tenures imported; the figures include them from the next "
                "computation.",
                count,
            )
            % {"count": count},
        )
    return redirect("insights:tenure_import", pk=tenure_import.pk)


@staff_required
def tenure_import_errors_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The lines with problems and why, to fix in a spreadsheet (cells formula-safe)."""
    from compagnon.insights.tenure_import import errors_rows

    tenure_import = get_object_or_404(TenureImport, pk=pk)
    checked, file_error = _checked(tenure_import)
    rows = errors_rows(checked) if checked else [[_("Problems")], [file_error]]
    return csv_streaming_response(rows, filename=f"tenure-import-{tenure_import.pk}-problems.csv")
