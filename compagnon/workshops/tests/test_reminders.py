"""Reminders: the tightest due offset only, never twice, again when a session moves."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from compagnon.core.models import OutboundEmail
from compagnon.workshops.models import RegistrationStatus, Session, WorkshopStatus
from compagnon.workshops.reminders import parse_offsets, reminders_send_due
from compagnon.workshops.tests.factories import RegistrationFactory, WorkshopFactory

pytestmark = pytest.mark.django_db


def reminders():
    return OutboundEmail.objects.filter(key__startswith="workshop-reminder:")


@pytest.fixture
def start():
    return (timezone.now() + dt.timedelta(days=5)).replace(microsecond=0)


@pytest.fixture
def booked(start):
    workshop = WorkshopFactory(sessions=[(start, start + dt.timedelta(hours=3))])
    long_ago = timezone.now() - dt.timedelta(days=3)
    confirmed = [
        RegistrationFactory(workshop=workshop, queued_at=long_ago, confirmed_at=long_ago)
        for _ in range(2)
    ]
    RegistrationFactory(workshop=workshop, status=RegistrationStatus.WAITING, queued_at=long_ago)
    RegistrationFactory(workshop=workshop, status=RegistrationStatus.CANCELLED, queued_at=long_ago)
    return workshop, confirmed


def test_parse_offsets():
    assert parse_offsets("2h, 48h,30m,1d") == [
        ("48h", dt.timedelta(hours=48)),
        ("1d", dt.timedelta(days=1)),
        ("2h", dt.timedelta(hours=2)),
        ("30m", dt.timedelta(minutes=30)),
    ]
    assert parse_offsets("") == []
    with pytest.raises(ImproperlyConfigured, match="soon"):
        parse_offsets("48h,soon")


def test_nothing_before_the_first_window(booked, start):
    assert reminders_send_due(start - dt.timedelta(hours=49)) == 0
    assert not reminders().exists()


def test_48h_then_2h_each_once(booked, start):
    workshop, confirmed = booked
    assert reminders_send_due(start - dt.timedelta(hours=47)) == 2
    assert reminders().count() == 2
    assert sorted(e.to[0] for e in reminders()) == sorted(r.person.email for r in confirmed)
    # Every sweep in the same window (or a retried task) sends nothing more.
    reminders_send_due(start - dt.timedelta(hours=46))
    assert reminders().count() == 2
    reminders_send_due(start - dt.timedelta(minutes=90))
    assert reminders().count() == 4
    reminders_send_due(start - dt.timedelta(minutes=30))
    assert reminders().count() == 4
    email = reminders().filter(key__endswith=":2h").first()
    assert workshop.title in email.subject
    assert email.attachments


def test_a_moved_session_gets_a_fresh_reminder(booked, start):
    workshop, _confirmed = booked
    reminders_send_due(start - dt.timedelta(hours=1))
    assert reminders().count() == 2
    moved = start + dt.timedelta(hours=1)
    Session.objects.filter(workshop=workshop).update(
        starts_at=moved, ends_at=moved + dt.timedelta(hours=3)
    )
    reminders_send_due(start - dt.timedelta(minutes=30))
    assert reminders().count() == 4


def test_late_registrants_get_only_the_tight_reminder(start):
    workshop = WorkshopFactory(sessions=[(start, start + dt.timedelta(hours=3))])
    just_now = start - dt.timedelta(hours=30)
    RegistrationFactory(workshop=workshop, queued_at=just_now, confirmed_at=just_now)
    assert reminders_send_due(start - dt.timedelta(hours=29)) == 0
    assert reminders_send_due(start - dt.timedelta(hours=1)) == 1
    assert reminders().get().key.endswith(":2h")


def test_cancelled_and_draft_workshops_are_not_reminded(booked, start):
    workshop, _ = booked
    workshop.status = WorkshopStatus.CANCELLED
    workshop.save()
    assert reminders_send_due(start - dt.timedelta(hours=1)) == 0


def test_configurable_offsets(booked, start, settings):
    settings.WORKSHOP_REMINDERS = "7d"
    assert reminders_send_due(start - dt.timedelta(days=6)) == 2
    assert reminders().first().key.endswith(":7d")
    settings.WORKSHOP_REMINDERS = ""
    assert reminders_send_due(start - dt.timedelta(hours=1)) == 0
