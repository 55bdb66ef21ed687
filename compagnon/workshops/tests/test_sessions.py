"""Sessions: bad spans refused with a clear message, the workshop's span kept in sync."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from compagnon.core.models import OutboundEmail
from compagnon.members.tests.factories import BaseFactory
from compagnon.workshops import services
from compagnon.workshops.models import Session
from compagnon.workshops.tests.factories import RegistrationFactory, WorkshopFactory

pytestmark = pytest.mark.django_db


def _at(days, hour):
    day = (timezone.now() + dt.timedelta(days=days)).replace(minute=0, second=0, microsecond=0)
    return day.replace(hour=hour)


def test_sessions_keep_workshop_span_in_sync():
    workshop = WorkshopFactory(draft=True, sessions=0, base=BaseFactory())
    services.session_add(workshop=workshop, starts_at=_at(5, 8), ends_at=_at(5, 12))
    second = services.session_add(workshop=workshop, starts_at=_at(6, 8), ends_at=_at(6, 12))
    workshop.refresh_from_db()
    assert (workshop.starts_at, workshop.ends_at) == (_at(5, 8), _at(6, 12))
    services.session_remove(session=second)
    workshop.refresh_from_db()
    assert workshop.ends_at == _at(5, 12)


def test_session_that_ends_before_it_starts_is_refused():
    workshop = WorkshopFactory(draft=True, sessions=0, base=BaseFactory())
    span = (workshop.starts_at, workshop.ends_at)
    with pytest.raises(ValidationError) as error:
        services.session_add(workshop=workshop, starts_at=_at(5, 12), ends_at=_at(5, 8))
    assert error.value.message_dict["ends_at"] == ["The session must end after it starts."]
    assert not Session.objects.exists()
    workshop.refresh_from_db()
    assert (workshop.starts_at, workshop.ends_at) == span


def test_overlapping_sessions_are_refused():
    workshop = WorkshopFactory(draft=True, sessions=0, base=BaseFactory())
    services.session_add(workshop=workshop, starts_at=_at(5, 8), ends_at=_at(5, 12))
    with pytest.raises(ValidationError, match="overlaps another one"):
        services.session_add(workshop=workshop, starts_at=_at(5, 11), ends_at=_at(5, 14))
    assert Session.objects.count() == 1


def test_moving_a_session_of_a_published_workshop_tells_registrants():
    workshop = WorkshopFactory(base=BaseFactory())
    registration = RegistrationFactory(workshop=workshop)
    session = workshop.sessions.get()
    services.session_update(
        session=session,
        starts_at=session.starts_at + dt.timedelta(days=1),
        ends_at=session.ends_at + dt.timedelta(days=1),
    )
    email = OutboundEmail.objects.get(to=[registration.person.email])
    assert "session moved" in email.body_text
    workshop.refresh_from_db()
    assert workshop.starts_at == session.starts_at


def test_published_workshop_keeps_one_session():
    workshop = WorkshopFactory(base=BaseFactory())
    with pytest.raises(ValidationError, match="at least one session"):
        services.session_remove(session=workshop.sessions.get())
    assert workshop.sessions.count() == 1


def test_session_form_in_workshop_time_zone(client_of, staff_user):
    workshop = WorkshopFactory(draft=True, sessions=0, base=BaseFactory(time_zone="Asia/Tokyo"))
    workshop.time_zone = "Asia/Tokyo"
    workshop.save()
    day = (timezone.now() + dt.timedelta(days=20)).date()
    response = client_of(staff_user).post(
        f"/workshops/{workshop.pk}/sessions/add/",
        {"starts_at": f"{day}T09:00", "ends_at": f"{day}T12:00"},
    )
    assert response.status_code == 302
    session = Session.objects.get()
    assert session.starts_at == dt.datetime(day.year, day.month, day.day, 0, 0, tzinfo=dt.UTC)


def test_session_form_bad_input_shows_message(client_of, staff_user):
    workshop = WorkshopFactory(draft=True, sessions=0, base=BaseFactory())
    day = (timezone.now() + dt.timedelta(days=20)).date()
    response = client_of(staff_user).post(
        f"/workshops/{workshop.pk}/sessions/add/",
        {"starts_at": f"{day}T12:00", "ends_at": f"{day}T09:00"},
    )
    assert response.status_code == 400
    assert "The session must end after it starts." in response.content.decode()
    assert not Session.objects.exists()
