"""The calendar list (filters, HTMX, pagination, constant queries), month view, my workshops."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from compagnon.members.tests.factories import BaseFactory, TagFactory
from compagnon.workshops.models import Attendance, Audience, RegistrationStatus, WorkshopStatus
from compagnon.workshops.tests.factories import RegistrationFactory, WorkshopFactory

pytestmark = pytest.mark.django_db


def _titles(response) -> str:
    return response.content.decode()


def test_visitor_sees_public_workshops_only(client):
    WorkshopFactory(title="Open evening", audience=Audience.PUBLIC, base=BaseFactory())
    WorkshopFactory(title="Members morning", base=BaseFactory(name="B2"))
    page = _titles(client.get("/workshops/"))
    assert "Open evening" in page and "Members morning" not in page


def test_home_page_shows_the_workshops_each_person_may_see(client, client_of, member_a):
    WorkshopFactory(title="Open evening", audience=Audience.PUBLIC, base=BaseFactory())
    members = WorkshopFactory(title="Members morning", base=BaseFactory(name="B2"))
    RegistrationFactory(workshop=members, person=member_a, status=RegistrationStatus.WAITING)

    visitor = _titles(client.get("/"))
    assert "Open evening" in visitor and "Members morning" not in visitor

    member = client_of(member_a).get("/")
    upcoming = member.context["upcoming_workshops"]
    # Each workshop once: hers is under "Your next workshops", not again under "Upcoming".
    assert {w.title for w in upcoming} == {"Open evening"}
    [mine] = member.context["my_next_registrations"]
    assert mine.workshop == members and mine.status == RegistrationStatus.WAITING
    page = _titles(member)
    assert 'data-testid="home-my-workshops"' in page
    assert page.count(members.get_absolute_url() + '"') == 1


def test_member_sees_listed_not_drafts(client_of, member_a, staff_user):
    WorkshopFactory(title="Listed one", base=BaseFactory())
    WorkshopFactory(title="Draft one", draft=True, base=BaseFactory(name="B2"))
    page = _titles(client_of(member_a).get("/workshops/"))
    assert "Listed one" in page and "Draft one" not in page
    assert "Draft one" in _titles(client_of(staff_user).get("/workshops/"))


def test_filters(client_of, member_a):
    paris, lyon = BaseFactory(name="Paris base"), BaseFactory(name="Lyon base")
    tag = TagFactory(slug="vision")
    WorkshopFactory(title="Paris vision", base=paris, tags=[tag], format="one_day")
    WorkshopFactory(title="Lyon other", base=lyon)
    full = WorkshopFactory(title="Full remote", remote=True, remote_seats=1)
    RegistrationFactory(workshop=full, seat="remote")
    client = client_of(member_a)
    page = _titles(client.get("/workshops/", {"base": paris.pk}))
    assert "Paris vision" in page and "Lyon other" not in page
    page = _titles(client.get("/workshops/", {"tag": "vision"}))
    assert "Paris vision" in page and "Lyon other" not in page
    page = _titles(client.get("/workshops/", {"format": "one_day"}))
    assert "Paris vision" in page and "Lyon other" not in page
    page = _titles(client.get("/workshops/", {"remote": "on"}))
    assert "Full remote" in page and "Paris vision" not in page
    page = _titles(client.get("/workshops/", {"has_seats": "on"}))
    assert "Full remote" not in page and "Paris vision" in page
    page = _titles(client.get("/workshops/", {"format": "two_days"}))
    assert "No upcoming workshop matches these filters." in page


def test_htmx_returns_the_results_only(client_of, member_a):
    WorkshopFactory(title="Paris vision", base=BaseFactory())
    response = client_of(member_a).get("/workshops/", headers={"HX-Request": "true"})
    page = _titles(response)
    assert "Paris vision" in page and "<html" not in page


def test_pagination(client_of, member_a, settings):
    settings.WORKSHOP_CALENDAR_PAGE_SIZE = 2
    base = BaseFactory()
    for _ in range(3):
        WorkshopFactory(base=base)
    client = client_of(member_a)
    assert "Page 1 of 2" in _titles(client.get("/workshops/"))
    assert _titles(client.get("/workshops/", {"page": 2})).count('data-testid="workshop-card"') == 1


CALENDAR_QUERIES = 9


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("count", [1, 3])
def test_calendar_query_count_fixed(client_of, member_a, count, django_assert_num_queries):
    base = BaseFactory()
    for _ in range(count):
        workshop = WorkshopFactory(base=base, tags=[TagFactory(), TagFactory()])
        RegistrationFactory(workshop=workshop)
    client = client_of(member_a)
    client.get("/workshops/")
    # session, user, person, page count, page rows, tags prefetch, form choices (bases, tags), nav
    with django_assert_num_queries(CALENDAR_QUERIES):
        assert client.get("/workshops/").status_code == 200


def test_calendar_query_count_same_for_1_and_3(client_of, member_a):
    base = BaseFactory()
    WorkshopFactory(base=base, tags=[TagFactory()])
    client = client_of(member_a)
    client.get("/workshops/")
    one = _queries(client, "/workshops/")
    for _ in range(2):
        workshop = WorkshopFactory(base=base, tags=[TagFactory(), TagFactory()])
        RegistrationFactory(workshop=workshop)
    assert _queries(client, "/workshops/") == one


def test_month_view_grid(client_of, member_a):
    start = (timezone.now() + dt.timedelta(days=40)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    WorkshopFactory(
        title="Month workshop",
        base=BaseFactory(),
        sessions=[(start, start + dt.timedelta(hours=3))],
    )
    client = client_of(member_a)
    local = timezone.localtime(start)
    page = _titles(client.get("/workshops/month/", {"year": local.year, "month": local.month}))
    assert 'data-testid="month-grid"' in page
    assert "Month workshop" in page
    assert '<th scope="col">' in page
    page = _titles(client.get("/workshops/month/", {"year": 2001, "month": 1}))
    assert "No workshop this month" in page
    assert client.get("/workshops/month/", {"year": "x"}).status_code == 404
    assert client.get("/workshops/month/", {"month": 13}).status_code == 404


def test_month_view_puts_a_session_on_its_own_day_at_its_base(client_of, member_a):
    from zoneinfo import ZoneInfo

    new_york = BaseFactory(name="NY base", city="New York", time_zone="America/New_York")
    year = timezone.localdate().year + 1
    # 22:00 in New York on 31 December is already 1 January in Paris.
    start = dt.datetime(year, 12, 31, 22, 0, tzinfo=ZoneInfo("America/New_York"))
    WorkshopFactory(
        title="New Year's Eve forecasting",
        base=new_york,
        time_zone="America/New_York",
        sessions=[(start, start + dt.timedelta(hours=2))],
    )
    client = client_of(member_a)
    december = client.get("/workshops/month/", {"year": year, "month": 12})
    [cell] = [cell for week in december.context["weeks"] for cell in week if cell["sessions"]]
    assert cell["date"] == dt.date(year, 12, 31)
    assert "22:00 (New York) New Year" in _titles(december).replace("&#x27;", "'")
    january = client.get("/workshops/month/", {"year": year + 1, "month": 1})
    assert january.context["count"] == 0


def test_my_workshops(client_of, member_a):
    upcoming = WorkshopFactory(title="Coming soon", base=BaseFactory())
    RegistrationFactory(workshop=upcoming, person=member_a)
    start = timezone.now() - dt.timedelta(days=3)
    past = WorkshopFactory(
        title="Gone by",
        base=BaseFactory(name="B2"),
        status=WorkshopStatus.DONE,
        sessions=[(start, start + dt.timedelta(hours=2))],
    )
    RegistrationFactory(workshop=past, person=member_a, attendance=Attendance.PRESENT)
    cancelled = WorkshopFactory(title="Dropped", base=BaseFactory(name="B3"))
    RegistrationFactory(workshop=cancelled, person=member_a, status=RegistrationStatus.CANCELLED)
    page = _titles(client_of(member_a).get("/workshops/mine/"))
    assert "Coming soon" in page and "Gone by" in page and "Dropped" not in page
    assert 'data-testid="feedback-to-give"' in page


@pytest.mark.parametrize(
    "query",
    [
        {"year": "99999999999999999999"},
        {"year": "-99999999999999999999"},
        {"month": "99999999999999999999"},
        {"year": "2026", "month": "13"},
        {"year": "2026", "month": "-1"},
        {"year": "\x00"},
    ],
)
def test_the_month_page_answers_404_not_500_to_impossible_dates(client, db, query):
    assert client.get("/workshops/month/", query).status_code == 404
