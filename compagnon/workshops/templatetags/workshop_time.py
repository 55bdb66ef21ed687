"""`{% when workshop value %}`: a workshop's time, its place, and the reader's own time.

{% load workshop_time %}
{% when workshop session.starts_at %}         -> jeudi 11 décembre 2026, 09:00, heure de Paris
{% when workshop session.ends_at "time" %}    -> 12:30, heure de Paris
{% when workshop session.ends_at "time" place=False %} -> 12:30
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from compagnon.workshops.timeplace import (
    clock_of,
    elsewhere,
    viewer_zone,
    workshop_place,
    workshop_time,
)

register = template.Library()

FORMATS = {
    "datetime": "l j F Y, H:i",
    "short": "DATETIME_FORMAT",
    "time": "H:i",
    "date": "l j F Y",
}


@register.simple_tag(takes_context=True, name="when")
def when(context, workshop, value, style: str = "datetime", place: bool = True) -> SafeString:
    if value is None or workshop is None:
        return SafeString("")
    shown = workshop_time(workshop, value, fmt=FORMATS.get(style, style))
    moment = format_html('<time datetime="{}">{}</time>', value.isoformat(), shown)
    if not place:
        return moment
    clock = clock_of(workshop_place(workshop))
    text = format_html(gettext("{time}, {clock}"), time=moment, clock=clock)
    if style == "date":
        return text
    other = elsewhere(workshop, value, viewer_zone(context.get("request")))
    if other:
        text = format_html('{} <span class="muted small">({})</span>', text, other)
    return text


@register.filter
def place_city(workshop) -> str:
    """The city a workshop's times are on (never a raw zone name)."""
    return workshop_place(workshop)
