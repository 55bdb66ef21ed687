"""Helpers shared by the apps' forms."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseForm


def form_add_service_errors(
    form: BaseForm, error: ValidationError, *, renamed: Mapping[str, str] | None = None
) -> None:
    """Show a service's refusal on the form, next to the field it names when the form has it.

    `renamed` maps a model field to the form field that edits it (`tags` -> `tag_slugs`).
    """
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, field_errors in error.error_dict.items():
        field = (renamed or {}).get(field, field)
        form.add_error(field if field in form.fields else None, field_errors)


class DateInput(forms.DateInput):
    """A browser date picker. Its value is always ISO (`2026-12-05`): the browser shows it in
    the reader's locale, and a localised value ("05/12/2026") would leave the picker empty."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    """A browser date-and-time picker, with the ISO value `datetime-local` requires."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")
