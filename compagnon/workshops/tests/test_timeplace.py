"""Times name their place ("09:00, Paris time") and show the reader's own clock when it differs."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation
from django.utils.html import strip_tags

from compagnon.members.tests.factories import BaseFactory
from compagnon.workshops.tests.factories import WorkshopFactory
from compagnon.workshops.timeplace import (
    workshop_place,
    workshop_time_with_place,
    zone_city,
    zone_or_none,
)

pytestmark = pytest.mark.django_db

NINE_IN_PARIS = dt.datetime(2027, 3, 10, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))


def _render(workshop, *, cookie: str | None = None, language: str = "en") -> str:
    request = RequestFactory().get("/")
    if cookie is not None:
        request.COOKIES["tz"] = cookie
    template = Template("{% load workshop_time %}{% when workshop value %}")
    with translation.override(language):
        html = template.render(
            Context({"workshop": workshop, "value": NINE_IN_PARIS, "request": request})
        )
    return strip_tags(html)


def test_a_time_names_its_city_in_both_languages():
    workshop = WorkshopFactory(base=BaseFactory(name="Base Paris", city="Paris"))
    assert "09:00, Paris time" in _render(workshop)
    assert "09:00, heure de Paris" in _render(workshop, language="fr")


def test_a_reader_elsewhere_also_sees_their_own_time():
    workshop = WorkshopFactory(base=BaseFactory(name="Base Paris", city="Paris"))
    html = _render(workshop, cookie="America/New_York")
    assert "09:00, Paris time" in html
    assert "(03:00 for you, New York time)" in html
    assert "America/New_York" not in html


def test_a_reader_on_the_same_clock_sees_one_time():
    workshop = WorkshopFactory(base=BaseFactory(name="Base Paris", city="Paris"))
    assert "for you" not in _render(workshop, cookie="Europe/Paris")


@pytest.mark.parametrize("cookie", ["../../etc/passwd", "Not/AZone", "", "x" * 200])
def test_a_bad_zone_cookie_is_ignored(cookie):
    workshop = WorkshopFactory(base=BaseFactory(name="Base Paris", city="Paris"))
    assert "09:00, Paris time" in _render(workshop, cookie=cookie)
    assert zone_or_none(cookie) is None


def test_a_remote_workshop_names_the_city_of_its_zone():
    workshop = WorkshopFactory(remote=True, base=None, time_zone="Africa/Casablanca")
    assert workshop_place(workshop) == "Casablanca"
    assert zone_city("America/Argentina/Buenos_Aires") == "Buenos Aires"
    with translation.override("fr"):
        line = workshop_time_with_place(workshop, NINE_IN_PARIS)
    assert line.endswith("heure de Casablanca")
    assert "Africa/" not in line


def test_a_session_reads_as_one_range_on_both_clocks():
    workshop = WorkshopFactory(base=BaseFactory(name="Base Paris", city="Paris"))
    request = RequestFactory().get("/")
    request.COOKIES["tz"] = "America/New_York"
    template = Template("{% load workshop_time %}{% span workshop start end %}")
    end = NINE_IN_PARIS + dt.timedelta(hours=4)
    with translation.override("en"):
        html = template.render(
            Context({"workshop": workshop, "start": NINE_IN_PARIS, "end": end, "request": request})
        )
    text = strip_tags(html).replace("\u2013", "-")
    assert "09:00 - 13:00, Paris time" in text
    assert "(03:00 - 07:00 for you, New York time)" in text
