"""The lesson's one-line summary (kind, duration, level, languages, audiences), built in Python.

The catalogue prints it for up to 50 lessons; a template include per lesson cost more than
the query behind the page (bench/learning_catalogue.py). Same strings as before, so the
French catalogue is unchanged.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext

register = template.Library()


@register.simple_tag
def lesson_meta(lesson) -> SafeString:
    minutes = lesson.duration_minutes
    parts = [
        ngettext("%(counter)s min", "%(counter)s min", minutes) % {"counter": minutes},
        str(lesson.get_level_display()),
    ]
    if lesson.languages:
        parts.append(", ".join(lesson.languages).upper())
    if lesson.audiences:
        label = gettext("for")
        parts.append(label + " " + ", ".join(lesson.audience_labels()))
    return format_html(
        '<span class="lesson-kind">{}</span> · {}', lesson.get_kind_display(), " · ".join(parts)
    )
