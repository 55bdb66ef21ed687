"""Staff page: import past workshops and events from a CSV (preview, then apply)."""

from __future__ import annotations

import base64
import binascii

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from compagnon.core.permissions import staff_required
from compagnon.workshops.history import (
    MAX_BYTES,
    HistoryFileError,
    history_apply,
    history_preview,
)

ROWS_SHOWN = 500


class HistoryUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("CSV file of past workshops and events"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is over 5 MB: split it by year."))
        return upload


@staff_required
def history_import(request: HttpRequest) -> HttpResponse:
    """GET: the form. POST a file: its preview. POST `content` + apply: the import."""
    form = HistoryUploadForm()
    preview = None
    content = ""
    if request.method == "POST" and "apply" in request.POST:
        try:
            data = base64.b64decode(request.POST.get("content", ""), validate=True)
        except (binascii.Error, ValueError):
            data = b""
        if not data:
            messages.error(request, _("The file to import was lost: upload it again."))
            return redirect("workshops:history_import")
        try:
            result = history_apply(data=data, actor=request.user)
        except HistoryFileError as error:
            messages.error(request, " ".join(error.problems))
            return redirect("workshops:history_import")
        messages.success(
            request,
            _(
                "%(created)d created, %(updated)d updated, %(unchanged)d unchanged, "
                "%(skipped)d skipped; %(participations)d participations recorded."
            )
            % vars(result),
        )
        return redirect("workshops:history_import")
    if request.method == "POST":
        form = HistoryUploadForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data["file"].read()
            preview = history_preview(data=data)
            for problem in preview.errors:
                form.add_error("file", problem)
            if not preview.errors:
                content = base64.b64encode(data).decode()
    return render(
        request,
        "workshops/history_import.html",
        {
            "form": form,
            "preview": preview,
            "rows": preview.rows[:ROWS_SHOWN] if preview else [],
            "content": content,
            "to_write": (preview.counts["create"] + preview.counts["update"]) if preview else 0,
            "columns": "Titre, Date, Fin, Base, Format, Mode, Langue, Tags, Participants, Animateurs",
        },
    )
