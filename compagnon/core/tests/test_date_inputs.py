"""Every date picker carries an ISO value, whatever the reader's language.

A browser's `<input type="date">` accepts only `2026-12-05`; Django localises a value
("05/12/2026" in French) unless the widget names a format, and the browser then shows an
empty picker and saving the form loses the date (seen on the blog's post form).
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect

import pytest
from django import forms
from django.apps import apps
from django.utils import translation

from compagnon.core.forms import DateInput, DateTimeInput

ISO = {"date": "%Y-%m-%d", "datetime-local": "%Y-%m-%dT%H:%M"}


def project_forms():
    for config in apps.get_app_configs():
        if not config.name.startswith("compagnon."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.forms")
        except ModuleNotFoundError:
            continue
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield cls


def pickers():
    for form in project_forms():
        for name, field in form.base_fields.items():
            if getattr(field.widget, "input_type", None) in ISO:
                yield f"{form.__module__}.{form.__name__}.{name}", field.widget


def test_the_project_has_date_pickers():
    assert len(list(pickers())) >= 8


@pytest.mark.parametrize(("where", "widget"), list(pickers()))
def test_every_picker_formats_its_value_as_iso(where, widget):
    assert widget.format == ISO[widget.input_type], where


def test_a_french_reader_sees_the_date_in_the_picker():
    with translation.override("fr"):
        html = DateInput().render("date", dt.date(2026, 12, 5))
        html_time = DateTimeInput().render("at", dt.datetime(2026, 12, 5, 9, 30))
    assert 'value="2026-12-05"' in html
    assert 'type="date"' in html
    assert 'value="2026-12-05T09:30"' in html_time


@pytest.mark.django_db
def test_the_blog_post_form_keeps_its_date_in_french():
    from compagnon.news.forms import PostForm

    with translation.override("fr"):
        html = str(PostForm(initial={"date": dt.date(2026, 12, 5)})["date"])
    assert 'value="2026-12-05"' in html
