"""Times that name their place: "09:00, heure de Paris", and the same moment on the reader's clock.

A workshop's times are shown on its own clock (the base's zone), always followed
by the place that clock belongs to, so nobody reads a New York morning as a Paris
one. Zone names ("America/New_York") never reach a page: the base's city does,
or, for a remote workshop, the city of its zone.

The reader's own zone comes from the browser: `site.js` stores
`Intl.DateTimeFormat().resolvedOptions().timeZone` in the `tz` cookie. Without
it (no JavaScript, first visit) the reader is taken to be on the server's zone.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext

from compagnon.workshops.models import Workshop

VIEWER_ZONE_COOKIE = "tz"
# IANA keys only ("Europe/Paris", "America/Argentina/Buenos_Aires"): no paths, no dots.
_ZONE_KEY = re.compile(r"^[A-Za-z]+(?:/[A-Za-z0-9_+\-]+){1,2}$|^UTC$")


def zone_or_none(key: str | None) -> ZoneInfo | None:
    if not key or len(key) > 64 or not _ZONE_KEY.match(key):
        return None
    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def zone_city(key: str) -> str:
    """ "America/New_York" -> "New York"; the last part of the key, spaced."""
    return key.rsplit("/", 1)[-1].replace("_", " ")


def workshop_place(workshop: Workshop) -> str:
    """The city whose clock the workshop's times are on: the base's, else the zone's."""
    base = workshop.base if workshop.base_id else None
    if base is not None and base.city and base.time_zone == workshop.time_zone:
        return base.city
    return zone_city(workshop.time_zone)


def clock_of(city: str) -> str:
    """ "heure de Paris" / "Paris time"."""
    return gettext("%(city)s time") % {"city": city}


def viewer_zone(request) -> ZoneInfo:
    cookie = request.COOKIES.get(VIEWER_ZONE_COOKIE) if request is not None else None
    return zone_or_none(cookie) or ZoneInfo(settings.TIME_ZONE)


def workshop_time(workshop: Workshop, value: dt.datetime, *, fmt: str = "DATETIME_FORMAT") -> str:
    """`value` on the workshop's own clock, formatted, without the place."""
    local = timezone.localtime(value, ZoneInfo(workshop.time_zone))
    return formats.date_format(local, fmt)


def workshop_time_with_place(
    workshop: Workshop, value: dt.datetime, *, fmt: str = "DATETIME_FORMAT"
) -> str:
    """ "11 décembre 2026 09:00, heure de Paris" (emails and plain text)."""
    return gettext("%(time)s, %(clock)s") % {
        "time": workshop_time(workshop, value, fmt=fmt),
        "clock": clock_of(workshop_place(workshop)),
    }


def elsewhere(workshop: Workshop, value: dt.datetime, zone: ZoneInfo) -> str:
    """The same moment on the reader's clock when it differs from the workshop's, else ""."""
    own = ZoneInfo(workshop.time_zone)
    if value.astimezone(own).utcoffset() == value.astimezone(zone).utcoffset():
        return ""
    theirs = timezone.localtime(value, zone)
    same_day = theirs.date() == timezone.localtime(value, own).date()
    shown = formats.date_format(theirs, "H:i" if same_day else "j F, H:i")
    return gettext("%(time)s for you, %(clock)s") % {
        "time": shown,
        "clock": clock_of(zone_city(zone.key)),
    }


def elsewhere_range(
    workshop: Workshop, starts_at: dt.datetime, ends_at: dt.datetime, zone: ZoneInfo
) -> str:
    """A session on the reader's clock when it differs: "03:00 - 07:00 for you, New York time"."""
    if not elsewhere(workshop, starts_at, zone):
        return ""
    own = ZoneInfo(workshop.time_zone)
    theirs_start = timezone.localtime(starts_at, zone)
    theirs_end = timezone.localtime(ends_at, zone)
    start_day_moved = theirs_start.date() != timezone.localtime(starts_at, own).date()
    start = formats.date_format(theirs_start, "j F, H:i" if start_day_moved else "H:i")
    end_same_day = theirs_end.date() == theirs_start.date()
    end = formats.date_format(theirs_end, "H:i" if end_same_day else "j F, H:i")
    return gettext("%(start)s – %(end)s for you, %(clock)s") % {  # noqa: RUF001 - an en dash is the range sign readers see
        "start": start,
        "end": end,
        "clock": clock_of(zone_city(zone.key)),
    }
