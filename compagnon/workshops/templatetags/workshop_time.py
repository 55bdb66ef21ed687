"""`{% when workshop value %}`: a workshop's time, its place, and the reader's own time.

{% load workshop_time %}
{% when workshop session.starts_at %}         -> jeudi 11 décembre 2026, 09:00, heure de Paris
{% when workshop session.ends_at "time" %}    -> 12:30, heure de Paris
{% when workshop session.ends_at "time" place=False %} -> 12:30
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from compagnon.workshops.timeplace import (
    clock_of,
    elsewhere,
    elsewhere_range,
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


@register.simple_tag(takes_context=True, name="span")
def span(context, workshop, starts_at, ends_at, style: str = "datetime") -> SafeString:
    """A session: "vendredi 11 décembre 2026, 09:00 - 13:00, heure de Paris (03:00 - 07:00 …)"."""
    if workshop is None or starts_at is None or ends_at is None:
        return SafeString("")
    own = ZoneInfo(workshop.time_zone)
    same_day = timezone.localtime(starts_at, own).date() == timezone.localtime(ends_at, own).date()
    start = format_html(
        '<time datetime="{}">{}</time>',
        starts_at.isoformat(),
        workshop_time(workshop, starts_at, fmt=FORMATS.get(style, FORMATS["datetime"])),
    )
    end = format_html(
        '<time datetime="{}">{}</time>',
        ends_at.isoformat(),
        workshop_time(workshop, ends_at, fmt=FORMATS["time" if same_day else "datetime"]),
    )
    clock = clock_of(workshop_place(workshop))
    text = format_html(gettext("{start} – {end}, {clock}"), start=start, end=end, clock=clock)  # noqa: RUF001 - an en dash is the range sign readers see
    other = elsewhere_range(workshop, starts_at, ends_at, viewer_zone(context.get("request")))
    if other:
        text = format_html('{} <span class="muted small">({})</span>', text, other)
    return text
