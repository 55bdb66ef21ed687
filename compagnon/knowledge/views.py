"""Knowledge pages: search, workshop reports, best-practice notes, outcomes.

Views stay thin: `selectors` decides who reads what, `services` writes,
`search` finds.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext

from compagnon.accounts.models import User
from compagnon.core.forms import form_add_service_errors
from compagnon.core.markdown import render_markdown
from compagnon.core.permissions import staff_required, to_sign_in, wants_partial
from compagnon.knowledge.forms import NoteForm, OutcomeForm, ReportForm, SearchForm
from compagnon.knowledge.models import REPORT_SECTIONS, SECTION_FIELDS, Report
from compagnon.knowledge.search import search
from compagnon.knowledge.selectors import (
    can_edit_note,
    can_edit_report,
    note_for_viewer,
    notes_visible_to,
    notes_with_card,
    outcomes_visible_to,
    outcomes_with_card,
    report_for_viewer,
    search_facets,
)
from compagnon.knowledge.services import (
    note_create,
    note_update,
    outcome_create,
    report_publish,
    report_save,
    report_unpublish,
)
from compagnon.members.permissions import member_required
from compagnon.members.selectors import Viewer, viewer_for
from compagnon.workshops.selectors import workshop_for_viewer, workshops_visible_to

PAGE_SIZE = 20


def _actor(request: HttpRequest) -> User:
    return cast(User, request.user)


# --- search -------------------------------------------------------------------------------------


def search_view(request: HttpRequest) -> HttpResponse:
    """Open to everyone: visitors find public reports and notes, members the rest too."""
    viewer = viewer_for(request.user)
    form = SearchForm(request.GET or None, facets=search_facets(viewer))
    query = form.query()
    paginator_page = _page_number(request)
    results = search(
        query=query,
        viewer=viewer,
        filters=form.filters(),
        limit=PAGE_SIZE,
        offset=(paginator_page - 1) * PAGE_SIZE,
    )
    context: dict[str, Any] = {
        "form": form,
        "results": results,
        # Only the numbers: the hits of this page are already in `results`.
        "page_obj": Paginator(range(results.total), PAGE_SIZE).get_page(paginator_page),
    }
    template = "knowledge/search.html"
    if wants_partial(request):
        template += "#results"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, min(int(request.GET.get("page", "1")), 500))
    except ValueError:
        return 1


# --- reports ------------------------------------------------------------------------------------


def report_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A public report is read by anyone; the rest by those `reports_visible_to` lets in."""
    viewer = viewer_for(request.user)
    try:
        report = report_for_viewer(viewer, pk)
    except Http404:
        if not request.user.is_authenticated:
            # A members-only report: sign in first, rather than a bare 404.
            return to_sign_in(request)
        raise
    sections = [
        (label, render_markdown(getattr(report, name), heading_offset=2))
        for name, label, _help in REPORT_SECTIONS
        if getattr(report, name).strip()
    ]
    context = {
        "report": report,
        "workshop": report.workshop,
        "sections": sections,
        "authors": list(report.authors.all()),
        "tags": list(report.workshop.tags.all()),
        "can_edit": can_edit_report(viewer, report.workshop),
    }
    return render(request, "knowledge/report_detail.html", context)


def _report_initial(report: Report | None, title: str) -> dict[str, Any]:
    if report is None:
        return {"title": title}
    initial = {name: getattr(report, name) for name in SECTION_FIELDS}
    initial.update(title=report.title, visibility=report.visibility)
    return initial


@member_required
def report_edit(request: HttpRequest, viewer: Viewer, workshop_pk: int) -> HttpResponseBase:
    workshop = workshop_for_viewer(viewer, workshop_pk)
    if not can_edit_report(viewer, workshop):
        raise PermissionDenied
    report = Report.objects.filter(workshop=workshop).first()
    preview: list[tuple[str, Any]] | None = None
    status = 200
    if request.method == "POST":
        form = ReportForm(request.POST)
        action = request.POST.get("action", "save")
        if action == "unpublish" and report is not None:
            report_unpublish(report=report, actor=_actor(request))
            messages.success(request, gettext("The report is a draft again: only hosts see it."))
            return redirect("knowledge:report_edit", workshop_pk=workshop.pk)
        if form.is_valid():
            data = form.cleaned_data
            if action == "preview":
                preview = [
                    (label, render_markdown(data[name], heading_offset=2))
                    for name, label, _help in REPORT_SECTIONS
                    if data[name].strip()
                ]
                if wants_partial(request):
                    return render(
                        request, "knowledge/report_form.html#preview", {"preview": preview}
                    )
            else:
                try:
                    report = report_save(workshop=workshop, actor=_actor(request), **data)
                    if action == "publish":
                        report = report_publish(
                            report=report, actor=_actor(request), visibility=data["visibility"]
                        )
                except ValidationError as error:
                    form_add_service_errors(form, error)
                    status = 400
                else:
                    messages.success(
                        request,
                        gettext("The report is published.")
                        if report.is_published
                        else gettext("The draft is saved."),
                    )
                    if report.is_published:
                        return redirect(report)
                    return redirect("knowledge:report_edit", workshop_pk=workshop.pk)
        else:
            status = 400
    else:
        form = ReportForm(initial=_report_initial(report, workshop.title))
    context = {
        "form": form,
        "workshop": workshop,
        "report": report,
        "preview": preview,
    }
    return render(request, "knowledge/report_form.html", context, status=status)


# --- notes --------------------------------------------------------------------------------------


def note_list(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request.user)
    notes = notes_with_card(notes_visible_to(viewer)).order_by("-created_at", "-pk")
    page = Paginator(notes, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page_obj": page, "notes": list(page.object_list), "can_write": viewer.is_member}
    return render(request, "knowledge/note_list.html", context)


def note_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    viewer = viewer_for(request.user)
    try:
        note = note_for_viewer(viewer, pk)
    except Http404:
        if not request.user.is_authenticated:
            return to_sign_in(request)
        raise
    context = {
        "note": note,
        "body_html": render_markdown(note.body, heading_offset=1),
        "tags": list(note.tags.all()),
        "workshops": list(note.workshops.all()),
        "can_edit": can_edit_note(viewer, note),
    }
    return render(request, "knowledge/note_detail.html", context)


@member_required
def note_create_view(request: HttpRequest, viewer: Viewer) -> HttpResponseBase:
    workshops = workshops_visible_to(viewer)
    if request.method != "POST":
        initial = {}
        workshop_pk = request.GET.get("workshop", "")
        if workshop_pk.isdigit() and workshops.filter(pk=int(workshop_pk)).exists():
            initial["workshops"] = [int(workshop_pk)]
        form = NoteForm(initial=initial, workshops=workshops)
        return render(request, "knowledge/note_form.html", {"form": form, "creating": True})
    form = NoteForm(request.POST, workshops=workshops)
    if form.is_valid() and viewer.person is None:
        form.add_error(
            None,
            gettext(
                "A note needs an author, and your account is not linked to a person: "
                "link it to one in the admin, then write the note again."
            ),
        )
    if form.is_valid():
        data = form.cleaned_data
        try:
            note = note_create(
                author=viewer.person,  # type: ignore[arg-type]
                actor=_actor(request),
                title=data["title"],
                body=data["body"],
                visibility=data["visibility"],
                tags=data["tags"],
                workshops=data["workshops"],
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, gettext("Your note is published. Thank you for sharing."))
            return redirect(note)
    return render(request, "knowledge/note_form.html", {"form": form, "creating": True}, status=400)


@member_required
def note_edit(request: HttpRequest, viewer: Viewer, pk: int) -> HttpResponseBase:
    note = note_for_viewer(viewer, pk)
    if not can_edit_note(viewer, note):
        raise PermissionDenied
    workshops = workshops_visible_to(viewer)
    if request.method != "POST":
        form = NoteForm(
            initial={
                "title": note.title,
                "body": note.body,
                "visibility": note.visibility,
                "tags": list(note.tags.all()),
                "workshops": [w.pk for w in note.workshops.all()],
            },
            workshops=workshops,
        )
        return render(request, "knowledge/note_form.html", {"form": form, "note": note})
    form = NoteForm(request.POST, workshops=workshops)
    if form.is_valid():
        data = form.cleaned_data
        # Links to workshops the editor cannot see are kept, not silently dropped.
        hidden = note.workshops.exclude(pk__in=workshops.values("pk"))
        try:
            note = note_update(
                note=note,
                actor=_actor(request),
                title=data["title"],
                body=data["body"],
                visibility=data["visibility"],
                tags=data["tags"],
                workshops=[*data["workshops"], *hidden],
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, gettext("The note is saved."))
            return redirect(note)
    return render(request, "knowledge/note_form.html", {"form": form, "note": note}, status=400)


# --- outcomes -----------------------------------------------------------------------------------


@member_required
def outcome_list(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    outcomes = outcomes_with_card(outcomes_visible_to(viewer)).order_by("-date", "-pk")
    page = Paginator(outcomes, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page_obj": page, "outcomes": list(page.object_list)}
    return render(request, "knowledge/outcome_list.html", context)


@staff_required
def outcome_create_view(request: HttpRequest) -> HttpResponseBase:
    if request.method != "POST":
        initial: dict[str, Any] = {}
        for name in ("case", "workshop"):
            value = request.GET.get(name, "")
            if value.isdigit():
                initial[name] = int(value)
        form = OutcomeForm(initial=initial)
        return render(request, "knowledge/outcome_form.html", {"form": form})
    form = OutcomeForm(request.POST)
    if form.is_valid():
        try:
            outcome_create(actor=_actor(request), **form.cleaned_data)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, gettext("The outcome is recorded."))
            return redirect(reverse("knowledge:outcome_list"))
    return render(request, "knowledge/outcome_form.html", {"form": form}, status=400)
