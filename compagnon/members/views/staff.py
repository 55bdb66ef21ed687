"""Staff pages: the dashboard, the member import (upload → preview → apply) and the exports."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from compagnon.core.csvsafe import csv_streaming_response
from compagnon.core.permissions import staff_required
from compagnon.members.exporting import organisations_export_rows, people_export_rows
from compagnon.members.importing import COLUMNS as IMPORT_COLUMNS
from compagnon.members.importing import (
    REQUIRED_COLUMNS,
    ImportAlreadyApplied,
    ImportResult,
    RowAction,
    import_file_parse,
    import_progress_get,
    member_import_apply_request,
    member_import_create,
)
from compagnon.members.models import ImportState, MemberImport
from compagnon.members.selectors import (
    club_figures,
    organisations_visible_to,
    people_visible_to,
    viewer_for,
)
from compagnon.members.tasks import member_import_preview_task

# A browser table of 10 000 rows helps nobody; the counts above it cover the rest.
PREVIEW_ROW_LIMIT = 1000

ACTION_LABELS = {
    RowAction.CREATE: gettext_lazy("Create"),
    RowAction.UPDATE: gettext_lazy("Update"),
    RowAction.UNCHANGED: gettext_lazy("Unchanged"),
    RowAction.SKIP: gettext_lazy("Skip"),
}
ROW_FILTERS = {
    "all": gettext_lazy("All rows"),
    "problems": gettext_lazy("Rows with problems"),
    "changes": gettext_lazy("Rows that change something"),
}


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".csv,text/csv,text/plain", "aria-describedby": "id_file_help"}
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise ValidationError(
                _("This file is %(size)s; the largest file accepted is %(limit)s.")
                % {
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(settings.IMPORT_MAX_BYTES),
                }
            )
        return upload


@staff_required
def dashboard(request: HttpRequest) -> HttpResponse:
    context = {
        "club": club_figures(),
        "recent_imports": MemberImport.objects.select_related("uploaded_by")[:5],
    }
    return render(request, "members/staff/dashboard.html", context)


@staff_required
def import_upload(request: HttpRequest) -> HttpResponse:
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        # File-level problems (empty, a required column missing) are told at once,
        # and such a file is not kept.
        problems = import_file_parse(upload.read()).errors
        upload.seek(0)
        for problem in problems:
            form.add_error("file", problem)
        if not problems:
            with transaction.atomic():
                member_import = member_import_create(upload=upload, uploaded_by=request.user)
                pk = member_import.pk
                transaction.on_commit(lambda: member_import_preview_task.enqueue(pk))
            return redirect("staff:import_preview", pk=member_import.pk)
    context = {
        "form": form,
        "columns": [column.header for column in IMPORT_COLUMNS],
        "required_columns": [c.header for c in IMPORT_COLUMNS if c.key in REQUIRED_COLUMNS],
        "max_size": settings.IMPORT_MAX_BYTES,
        "recent_imports": MemberImport.objects.select_related("uploaded_by")[:10],
    }
    return render(request, "members/staff/import_upload.html", context)


def _waiting(member_import: MemberImport) -> bool:
    return member_import.state in (
        ImportState.UPLOADED,
        ImportState.PREVIEWING,
        ImportState.APPLYING,
    )


@staff_required
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The import's page: progress while a task works, then the preview, then the result.

    The page can be closed and opened again: the work goes on in the background.
    """
    member_import = get_object_or_404(MemberImport, pk=pk)
    if member_import.is_applied:
        result = ImportResult.from_dict(member_import.result)
        return render(
            request,
            "members/staff/import_result.html",
            {"member_import": member_import, "result": result},
        )
    if member_import.state == ImportState.UPLOADED:
        if not member_import.file or not private_file_exists(member_import):
            messages.error(request, _("The uploaded file is no longer available: upload it again."))
            return redirect("staff:import_upload")
        # Queued on upload; queued again here if that was lost (the task does it once).
        member_import_preview_task.enqueue(member_import.pk)
        member_import.refresh_from_db()
    if member_import.state == ImportState.FAILED:
        return render(
            request,
            "members/staff/import_progress_page.html",
            {"member_import": member_import, "progress": None},
        )
    if _waiting(member_import):
        return render(
            request,
            "members/staff/import_progress_page.html",
            {"member_import": member_import, "progress": import_progress_get(member_import.pk)},
        )
    stored = member_import.preview
    show = request.GET.get("show", "all")
    if show not in ROW_FILTERS:
        show = "all"
    counts = stored.get("counts", {})
    context = {
        "member_import": member_import,
        "preview": stored,
        "counts": counts,
        "to_write": counts.get(RowAction.CREATE, 0) + counts.get(RowAction.UPDATE, 0),
        "rows": [
            {**row, "action_label": ACTION_LABELS[RowAction(row["action"])]}
            for row in stored.get("rows", {}).get(show, [])
        ],
        "rows_total": stored.get("totals", {}).get(show, 0),
        "row_limit": PREVIEW_ROW_LIMIT,
        "show": show,
        "filters": ROW_FILTERS.items(),
    }
    return render(request, "members/staff/import_preview.html", context)


def private_file_exists(member_import: MemberImport) -> bool:
    try:
        return member_import.file.storage.exists(member_import.file.name)
    except (OSError, ValueError):
        return False


@staff_required
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar, polled by HTMX; once the work is done the page reloads itself."""
    member_import = get_object_or_404(MemberImport, pk=pk)
    response = render(
        request,
        "members/staff/_import_progress.html",
        {"member_import": member_import, "progress": import_progress_get(member_import.pk)},
    )
    if not _waiting(member_import):
        response["HX-Refresh"] = "true"
    return response


@staff_required
@require_POST
def import_apply(request: HttpRequest, pk: int) -> HttpResponse:
    member_import = get_object_or_404(MemberImport, pk=pk)
    try:
        started = member_import_apply_request(pk=member_import.pk, user=request.user)
    except ImportAlreadyApplied:
        messages.error(
            request, _("This import was already applied: nothing was imported a second time.")
        )
        return redirect("staff:import_preview", pk=member_import.pk)
    if not started:
        messages.info(request, _("This import is already running."))
    member_import.refresh_from_db()
    if member_import.is_applied:
        result = ImportResult.from_dict(member_import.result)
        messages.success(
            request,
            _(
                "Import applied: %(created)d created, %(updated)d updated, "
                "%(unchanged)d unchanged, %(skipped)d skipped."
            )
            % {
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "skipped": result.skipped,
            },
        )
    return redirect("staff:import_preview", pk=member_import.pk)


@staff_required
def export_people(request: HttpRequest) -> HttpResponseBase:
    people = people_visible_to(viewer_for(request.user))
    filename = f"people-{timezone.localdate().isoformat()}.csv"
    return csv_streaming_response(people_export_rows(people), filename=filename)


@staff_required
def export_organisations(request: HttpRequest) -> HttpResponseBase:
    organisations = organisations_visible_to(viewer_for(request.user))
    filename = f"organisations-{timezone.localdate().isoformat()}.csv"
    return csv_streaming_response(organisations_export_rows(organisations), filename=filename)
