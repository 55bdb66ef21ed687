"""Insights forms: the past tenure upload (staff)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from compagnon.insights.tenure_import import MAX_BYTES


class TenureUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file of past tenure"),
        help_text=_(
            "UTF-8, one line per stretch at a member organisation: email, organisation, "
            "started_on, ended_on, and optionally role."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)d MB: split it in several files."),
                params={"size": MAX_BYTES // (1024 * 1024)},
            )
        return upload
