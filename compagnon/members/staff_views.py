"""Staff pages: the dashboard, the member import (upload → preview → apply) and the exports."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
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
from compagnon.members import services
from compagnon.members.exporting import organisations_export_rows, people_export_rows
from compagnon.members.importing import COLUMNS as IMPORT_COLUMNS
from compagnon.members.importing import (
    REQUIRED_COLUMNS,
    ImportAlreadyApplied,
    ImportFileError,
    ImportPreview,
    ImportResult,
    RowAction,
    RowPreview,
    import_file_parse,
    member_import_apply,
    member_import_create,
    member_import_read,
)
from compagnon.members.models import MemberImport
from compagnon.members.selectors import (
    club_figures,
    organisations_visible_to,
    people_visible_to,
    viewer_for,
)

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
            member_import = member_import_create(upload=upload, uploaded_by=request.user)
            return redirect("staff:import_preview", pk=member_import.pk)
    context = {
        "form": form,
        "columns": [column.header for column in IMPORT_COLUMNS],
        "required_columns": [c.header for c in IMPORT_COLUMNS if c.key in REQUIRED_COLUMNS],
        "max_size": settings.IMPORT_MAX_BYTES,
        "recent_imports": MemberImport.objects.select_related("uploaded_by")[:10],
    }
    return render(request, "members/staff/import_upload.html", context)


@staff_required
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    member_import = get_object_or_404(MemberImport, pk=pk)
    if member_import.is_applied:
        result = ImportResult.from_dict(member_import.result)
        return render(
            request,
            "members/staff/import_result.html",
            {"member_import": member_import, "result": result},
        )
    try:
        data = member_import_read(member_import)
    except OSError:
        messages.error(request, _("The uploaded file is no longer available: upload it again."))
        return redirect("staff:import_upload")
    preview = services.people_import_preview(data=data)
    show = request.GET.get("show", "all")
    if show not in ROW_FILTERS:
        show = "all"
    rows = _rows_filter(preview, show)
    context = {
        "member_import": member_import,
        "preview": preview,
        "counts": preview.counts,
        "to_write": preview.counts[RowAction.CREATE] + preview.counts[RowAction.UPDATE],
        "rows": [_row_display(row) for row in rows[:PREVIEW_ROW_LIMIT]],
        "rows_total": len(rows),
        "row_limit": PREVIEW_ROW_LIMIT,
        "show": show,
        "filters": ROW_FILTERS.items(),
    }
    return render(request, "members/staff/import_preview.html", context)


def _rows_filter(preview: ImportPreview, show: str) -> list[RowPreview]:
    if show == "problems":
        return preview.rows_with_problems()
    if show == "changes":
        return [row for row in preview.rows if row.action in (RowAction.CREATE, RowAction.UPDATE)]
    return preview.rows


def _row_display(row: RowPreview) -> dict[str, Any]:
    return {
        "line": row.line,
        "name": row.name,
        "email": row.email,
        "action": str(row.action),
        "action_label": ACTION_LABELS[row.action],
        "errors": row.errors,
        "warnings": row.warnings,
        "notes": row.notes,
    }


@staff_required
@require_POST
def import_apply(request: HttpRequest, pk: int) -> HttpResponse:
    member_import = get_object_or_404(MemberImport, pk=pk)
    try:
        result = member_import_apply(pk=member_import.pk, applied_by=request.user)
    except ImportAlreadyApplied:
        messages.error(
            request, _("This import was already applied: nothing was imported a second time.")
        )
        return redirect("staff:import_preview", pk=member_import.pk)
    except ImportFileError as error:
        messages.error(
            request, _("This file cannot be imported: %(problems)s") % {"problems": error}
        )
        return redirect("staff:import_preview", pk=member_import.pk)
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
