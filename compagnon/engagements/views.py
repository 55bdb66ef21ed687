"""Engagement pages: the list, setting one up from a case, the ledger, reports, closing.

Views are thin: selectors decide who sees what (404 outside the engagement's own
side), services decide and write; a refusal comes back on the page with a 400.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from compagnon.cases.models import Case, Confidentiality
from compagnon.core.forms import form_add_service_errors
from compagnon.core.markdown import render_markdown
from compagnon.core.permissions import staff_required
from compagnon.engagements import services
from compagnon.engagements.forms import CloseForm, DecideForm, EngagementForm, EntryForm, ReportForm
from compagnon.engagements.models import Engagement, EngagementStatus, EntryStatus, LedgerEntry
from compagnon.engagements.selectors import (
    engagement_can_be_set_up_for,
    engagement_for_viewer,
    engagement_shown_to,
    engagements_visible_to,
    engagements_with_card,
    ledger_weeks,
    report_author_shown,
)
from compagnon.members.permissions import signed_in_viewer
from compagnon.members.selectors import Viewer, viewer_for

# Rows per page of the engagements list, as the other lists of the site page theirs.
PAGE_SIZE = 25


def _post_only() -> HttpResponse:
    return HttpResponse(status=405, headers={"Allow": "POST"})


@signed_in_viewer
def engagement_list(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    engagements = engagements_with_card(engagements_visible_to(viewer)).order_by(
        "status", "-starts_on", "-pk"
    )
    page = Paginator(engagements, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(e, engagement_shown_to(e, viewer, with_case_link=False)) for e in page.object_list]
    return render(request, "engagements/engagement_list.html", {"rows": rows, "page_obj": page})


def _detail_page(
    request: HttpRequest,
    viewer: Viewer,
    engagement: Engagement,
    *,
    entry_form: EntryForm | None = None,
    report_form: ReportForm | None = None,
    decide_error: tuple[int, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    person = viewer.person
    is_expert = person is not None and person.pk == engagement.expert_id
    is_asker = person is not None and person.pk == engagement.asker_id
    active = engagement.status == EngagementStatus.ACTIVE
    entries = list(engagement.entries.all())
    confirmed = sum(e.half_days for e in entries if e.status == EntryStatus.CONFIRMED)
    waiting = sum(e.half_days for e in entries if e.status == EntryStatus.PENDING)
    shown = engagement_shown_to(engagement, viewer)
    reports = [
        (
            report,
            report_author_shown(report, engagement, shown),
            render_markdown(report.body, heading_offset=3),
        )
        for report in engagement.reports.all()
    ]
    context = {
        "engagement": engagement,
        "shown": shown,
        "is_expert": is_expert,
        "is_asker": is_asker,
        "weeks": ledger_weeks(engagement),
        "confirmed_days": confirmed / 2,
        "waiting_days": waiting / 2,
        "scope_html": render_markdown(engagement.scope, heading_offset=2),
        "terms_html": render_markdown(engagement.confidentiality_terms, heading_offset=2),
        "summary_html": render_markdown(engagement.closing_summary, heading_offset=2),
        "reports": reports,
        "entry_form": entry_form
        or (
            EntryForm(initial={"worked_on": timezone.localdate(), "half_days": 1})
            if is_expert and active
            else None
        ),
        "report_form": report_form
        or (
            ReportForm() if not services.report_refusal(engagement, person, request.user) else None
        ),
        "decide_error": decide_error,
        "can_close": viewer.is_staff and active,
    }
    return render(request, "engagements/engagement_detail.html", context, status=status)


@signed_in_viewer
def engagement_detail(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponse:
    return _detail_page(request, viewer, engagement_for_viewer(viewer, pk))


@staff_required
def engagement_create(request: HttpRequest, case_pk: int) -> HttpResponse:
    viewer = viewer_for(request.user)
    case = get_object_or_404(Case.objects.select_related("brought_by", "organisation"), pk=case_pk)
    anonymised = case.confidentiality == Confidentiality.ANONYMISED
    if not engagement_can_be_set_up_for(case):
        messages.error(
            request,
            _("An engagement answers an open, matched or planned case (this one is “%(status)s”).")
            % {"status": case.get_status_display()},
        )
        return redirect(case)
    form = EngagementForm(
        request.POST or None,
        show_identity_choice=anonymised,
        initial={"half_days_per_week": 2, "starts_on": timezone.localdate()},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                engagement = services.engagement_create(
                    actor=request.user,
                    case=case,
                    expert=data["expert_email"],
                    scope=data["scope"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    half_days_per_week=data["half_days_per_week"],
                    confidentiality_terms=data["confidentiality_terms"],
                    organisation_shown_to_expert=data.get("organisation_shown_to_expert")
                    if anonymised
                    else None,
                )
            except ValidationError as error:
                form_add_service_errors(form, error, renamed={"expert": "expert_email"})
            else:
                messages.success(
                    request,
                    _("The engagement is set up; the expert and the person who asked are told."),
                )
                return redirect(engagement)
        status = 400
    experts = (
        list(
            case.invitations.filter(answer__in=("expert", "interested"))
            .select_related("person")
            .order_by("-answer", "person__last_name")[:10]
        )
        if viewer.is_staff
        else []
    )
    return render(
        request,
        "engagements/engagement_form.html",
        {"case": case, "form": form, "anonymised": anonymised, "suggested": experts},
        status=status,
    )


@signed_in_viewer
def entry_log(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponseBase:
    if request.method != "POST":
        return _post_only()
    engagement = engagement_for_viewer(viewer, pk)
    form = EntryForm(request.POST)
    if form.is_valid():
        try:
            services.entry_log(
                engagement=engagement,
                person=viewer.person,
                worked_on=form.cleaned_data["worked_on"],
                half_days=form.cleaned_data["half_days"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(
                request, _("Time logged; the person who asked is asked to confirm it.")
            )
            return redirect(engagement)
    if not (viewer.person and viewer.person.pk == engagement.expert_id):
        raise PermissionDenied
    return _detail_page(request, viewer, engagement, entry_form=form, status=400)


@signed_in_viewer
def entry_decide(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponseBase:
    if request.method != "POST":
        return _post_only()
    entry = get_object_or_404(LedgerEntry.objects.only("pk", "engagement_id"), pk=pk)
    engagement = engagement_for_viewer(viewer, entry.engagement_id)
    form = DecideForm(request.POST)
    if not form.is_valid():
        return _detail_page(
            request,
            viewer,
            engagement,
            decide_error=(entry.pk, _("Choose confirm or dispute.")),
            status=400,
        )
    confirm = form.cleaned_data["action"] == "confirm"
    try:
        services.entry_decide(
            entry=entry, person=viewer.person, confirm=confirm, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        text = " ".join(error.messages)
        return _detail_page(request, viewer, engagement, decide_error=(entry.pk, text), status=400)
    messages.success(
        request, _("Time confirmed.") if confirm else _("Time disputed; the expert is told why.")
    )
    return redirect(engagement)


@signed_in_viewer
def report_add(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponseBase:
    if request.method != "POST":
        return _post_only()
    engagement = engagement_for_viewer(viewer, pk)
    form = ReportForm(request.POST)
    if form.is_valid():
        try:
            services.report_add(
                engagement=engagement,
                person=viewer.person,
                actor=request.user,
                body=form.cleaned_data["body"],
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("Status report added."))
            return redirect(engagement)
    elif services.report_refusal(engagement, viewer.person, request.user):
        raise PermissionDenied
    return _detail_page(request, viewer, engagement, report_form=form, status=400)


@staff_required
def engagement_close(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = viewer_for(request.user)
    engagement = engagement_for_viewer(viewer, pk)
    if engagement.status != EngagementStatus.ACTIVE:
        messages.info(request, _("This engagement is already closed."))
        return redirect(engagement)
    form = CloseForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.engagement_close(
                    engagement=engagement,
                    actor=request.user,
                    summary=data["summary"],
                    outcome_kind=data["outcome_kind"],
                    outcome_title=data["outcome_title"],
                    outcome_url=data["outcome_url"],
                )
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                messages.success(request, _("The engagement is closed."))
                return redirect(engagement)
        status = 400
    return render(
        request,
        "engagements/engagement_close.html",
        {"engagement": engagement, "form": form, "shown": engagement_shown_to(engagement, viewer)},
        status=status,
    )
