"""Registration pages: what a person sees, HTMX fragments, the roster, CSV, query counts."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from compagnon.core.tests import test_permissions as permissions
from compagnon.core.tests.urltable import PERSONAS
from compagnon.members.selectors import ANONYMOUS
from compagnon.members.tests.factories import PersonFactory
from compagnon.workshops.models import Attendance, Registration, RegistrationStatus
from compagnon.workshops.registration import registration_state
from compagnon.workshops.tests.factories import RegistrationFactory, WorkshopFactory
from compagnon.workshops.tests.url_table_registration import URL_TABLE

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _rows():
    for name, cases in URL_TABLE.items():
        for index, case in enumerate(cases if isinstance(cases, list) else [cases]):
            for persona in PERSONAS:
                yield pytest.param(name, case, persona, id=f"{name}[{index}]-{persona}")


@pytest.mark.parametrize(("name", "case", "persona"), list(_rows()))
def test_registration_url_permissions(client, name, case, persona):
    """The same walk as core's permission table, for these rows (also merged there)."""
    world = permissions.World()
    user = world.user_of(persona)
    if user is not None:
        client.force_login(user)
    url = reverse(name, kwargs=case.kwargs(world))
    response = getattr(client, case.method)(url, case.data(world))
    permissions._check(response, case.expect[persona], persona, f"{persona} {url} ({name})")


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_register_then_cancel_without_js(client_of, member_a):
    workshop = WorkshopFactory(onsite_seats=3)
    client = client_of(member_a)
    url = reverse("workshops:register", kwargs={"pk": workshop.pk})
    response = client.post(url, follow=True)
    assert "Your seat is confirmed." in " ".join(messages_of(response))
    client.post(url)  # the double click
    assert Registration.objects.filter(workshop=workshop).count() == 1
    response = client.post(reverse("workshops:cancel", kwargs={"pk": workshop.pk}), follow=True)
    assert "Your registration is cancelled." in messages_of(response)
    assert Registration.objects.get().status == RegistrationStatus.CANCELLED


def test_a_refusal_is_shown_and_nothing_is_written(client_of, member_a):
    workshop = WorkshopFactory(terms="Stay quiet.")
    response = client_of(member_a).post(
        reverse("workshops:register", kwargs={"pk": workshop.pk}), follow=True
    )
    assert "Please accept the confidentiality terms to register." in messages_of(response)
    assert not Registration.objects.exists()


def test_htmx_register_returns_the_panel(client_of, member_a):
    workshop = WorkshopFactory(onsite_seats=1, terms="Stay quiet.")
    client = client_of(member_a)
    url = reverse("workshops:register", kwargs={"pk": workshop.pk})
    response = client.post(url, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="registration-panel"' in html
    assert "Please accept the confidentiality terms" in html
    assert 'data-testid="registration-error"' in html
    response = client.post(url, {"accept_terms": "on"}, **HTMX)
    html = response.content.decode()
    assert "You are registered." in html
    assert "Cancel my registration" in html
    assert "<html" not in html


def test_waiting_people_see_their_position_and_the_offer(client_of, member_a, member_b, manager_a):
    workshop = WorkshopFactory(onsite_seats=1)
    client_of(member_a).post(reverse("workshops:register", kwargs={"pk": workshop.pk}))
    client = client_of(member_b)
    response = client.post(reverse("workshops:register", kwargs={"pk": workshop.pk}), **HTMX)
    assert "waiting list, number 1" in response.content.decode()
    client = client_of(member_a)
    client.post(reverse("workshops:cancel", kwargs={"pk": workshop.pk}))
    offer = Registration.objects.get(person=member_b)
    assert offer.status == RegistrationStatus.OFFERED
    client = client_of(member_b)
    page = client.get(reverse("workshops:offer_confirm", kwargs={"pk": offer.pk}))
    assert "Please confirm before" in page.content.decode()
    response = client.post(reverse("workshops:offer_confirm", kwargs={"pk": offer.pk}), follow=True)
    assert "Your seat is confirmed. See you there!" in messages_of(response)
    offer.refresh_from_db()
    assert offer.status == RegistrationStatus.CONFIRMED


def test_an_expired_offer_page_says_so_and_confirms_nothing(client_of, member_b):
    offer = RegistrationFactory(
        person=member_b,
        status=RegistrationStatus.OFFERED,
        offer_expires_at=timezone.now() - dt.timedelta(minutes=1),
    )
    url = reverse("workshops:offer_confirm", kwargs={"pk": offer.pk})
    client = client_of(member_b)
    assert "This offer expired" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 200
    assert "Sorry, this offer expired" in response.content.decode()
    offer.refresh_from_db()
    assert offer.status == RegistrationStatus.EXPIRED


def test_roster_csv_is_formula_safe(client_of, manager_a):
    workshop = WorkshopFactory(hosts=[manager_a])
    RegistrationFactory(workshop=workshop, person=PersonFactory(first_name="=HYPERLINK(1)"))
    response = client_of(manager_a).get(
        reverse("workshops:roster_export", kwargs={"pk": workshop.pk})
    )
    assert response["Content-Disposition"].startswith("attachment;")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][0] == "First name"
    assert rows[1][0] == "'=HYPERLINK(1)"
    assert rows[1][5] == "Confirmed"


def test_attendance_marking_with_htmx_and_the_no_show_page(client_of, manager_a, staff_user):
    start = timezone.now() - dt.timedelta(hours=1)
    workshop = WorkshopFactory(hosts=[manager_a], sessions=[(start, start + dt.timedelta(hours=3))])
    absent = RegistrationFactory(workshop=workshop, person=PersonFactory(first_name="Absent"))
    client = client_of(manager_a)
    roster = client.get(reverse("workshops:roster", kwargs={"pk": workshop.pk}))
    assert 'data-testid="attendance-no_show"' in roster.content.decode()
    url = reverse("workshops:attendance_mark", kwargs={"pk": absent.pk})
    response = client.post(url, {"attendance": "no_show"}, **HTMX)
    html = response.content.decode()
    assert html.startswith("<tr") and 'aria-pressed="true" data-testid="attendance-no_show"' in html
    response = client.post(url, {"attendance": "bogus"}, **HTMX)
    assert "Choose present, no-show or not marked." in response.content.decode()
    absent.refresh_from_db()
    assert absent.attendance == Attendance.NO_SHOW
    page = client_of(staff_user).get(reverse("workshops:no_shows"))
    assert "Absent" in page.content.decode()
    assert page.context["rows"][0]["no_shows"] == 1


def test_attendance_before_the_start_is_refused_with_a_message(client_of, manager_a):
    workshop = WorkshopFactory(hosts=[manager_a])
    registration = RegistrationFactory(workshop=workshop)
    response = client_of(manager_a).post(
        reverse("workshops:attendance_mark", kwargs={"pk": registration.pk}),
        {"attendance": "present"},
        follow=True,
    )
    assert "Attendance can be taken once the workshop has started." in messages_of(response)
    registration.refresh_from_db()
    assert registration.attendance == Attendance.UNKNOWN


def test_my_calendar_and_rotation(client_of, member_a):
    client = client_of(member_a)
    page = client.get(reverse("workshops:my_calendar"))
    url = page.context["feed_url"]
    assert "/workshops/feeds/" in url and page.context["webcal_url"].startswith("webcal://")
    client.post(reverse("workshops:calendar_feed_rotate"))
    assert client.get(reverse("workshops:my_calendar")).context["feed_url"] != url


def _panel(workshop, viewer, rf):
    request = rf.get("/")
    request.user = viewer.user
    return render_to_string(
        "workshops/_registration_panel.html",
        {
            "workshop": workshop,
            "registration": registration_state(workshop=workshop, viewer=viewer),
        },
        request=request,
    )


def test_panel_states(rf, viewer_of, member_a, member_b):
    from django.contrib.auth.models import AnonymousUser

    hybrid = WorkshopFactory(hybrid=True, onsite_seats=1, remote_seats=0, terms="Quiet.")
    html = _panel(hybrid, viewer_of(member_a), rf)
    assert 'name="seat"' in html and 'name="accept_terms"' in html
    assert "1 seat left" in html and "full" in html
    anonymous_request = rf.get("/")
    anonymous_request.user = AnonymousUser()
    html = render_to_string(
        "workshops/_registration_panel.html",
        {"workshop": hybrid, "registration": registration_state(workshop=hybrid, viewer=ANONYMOUS)},
        request=anonymous_request,
    )
    assert "Sign in to register" in html
    excluded = WorkshopFactory(excluded_organisations=[member_b.organisation])
    assert "cannot register" in _panel(excluded, viewer_of(member_b), rf)


@pytest.mark.parametrize("count", [1, 3])
def test_roster_query_count_is_constant(client_of, manager_a, django_assert_num_queries, count):
    start = timezone.now() - dt.timedelta(hours=1)
    workshop = WorkshopFactory(hosts=[manager_a], sessions=[(start, start + dt.timedelta(hours=3))])
    for status in [RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING][:2] * count:
        RegistrationFactory(workshop=workshop, status=status)
    client = client_of(manager_a)
    url = reverse("workshops:roster", kwargs={"pk": workshop.pk})
    client.get(url)  # warm the session
    with django_assert_num_queries(6):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("count", [1, 3])
def test_no_shows_query_count_is_constant(client_of, staff_user, django_assert_num_queries, count):
    start = timezone.now() - dt.timedelta(days=1)
    workshop = WorkshopFactory(sessions=[(start, start + dt.timedelta(hours=3))])
    for _ in range(count):
        RegistrationFactory(workshop=workshop, attendance=Attendance.NO_SHOW)
    client = client_of(staff_user)
    url = reverse("workshops:no_shows")
    client.get(url)
    with django_assert_num_queries(5):
        response = client.get(url)
    assert len(response.context["rows"]) == count


def test_the_workshop_page_shows_the_panel_through_the_whole_flow(client_of, member_a):
    workshop = WorkshopFactory(onsite_seats=1, terms="Quiet please.")
    client = client_of(member_a)
    page = client.get(workshop.get_absolute_url()).content.decode()
    assert 'data-testid="register-form"' in page and 'name="accept_terms"' in page
    response = client.post(
        reverse("workshops:register", kwargs={"pk": workshop.pk}),
        {"accept_terms": "on"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == workshop.get_absolute_url()
    page = response.content.decode()
    assert "You are registered." in page
    assert reverse("workshops:workshop_ics", kwargs={"pk": workshop.pk}) in page
