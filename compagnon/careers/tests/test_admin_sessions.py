"""Staff set up recruitment sessions in the admin, through the services: a booked slot
keeps its time, and a slot cannot end before it starts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from compagnon.careers.models import SessionSlot, SlotBooking
from compagnon.careers.services import (
    session_slot_check,
    session_slot_delete,
    session_slot_save,
)
from compagnon.careers.tests.factories import CandidateFactory, SessionFactory, slots
from compagnon.members.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked_slot():
    session = SessionFactory()
    slot = slots(session, OrganisationFactory(), 1)[0]
    SlotBooking.objects.create(slot=slot, candidate=CandidateFactory())
    return slot


def test_a_booked_slot_cannot_move(booked_slot, staff_user):
    booked_slot.starts_at += dt.timedelta(hours=1)
    booked_slot.ends_at += dt.timedelta(hours=1)
    with pytest.raises(ValidationError, match="booked"):
        session_slot_save(slot=booked_slot, actor=staff_user)
    fresh = SessionSlot.objects.get(pk=booked_slot.pk)
    assert fresh.starts_at == booked_slot.starts_at - dt.timedelta(hours=1)


def test_a_booked_slot_cannot_be_removed(booked_slot, staff_user):
    with pytest.raises(ValidationError, match="booked"):
        session_slot_delete(slot=booked_slot, actor=staff_user)
    assert SessionSlot.objects.filter(pk=booked_slot.pk).exists()


def test_a_slot_ends_after_it_starts(booked_slot):
    slot = SessionSlot(
        session=booked_slot.session,
        organisation=booked_slot.organisation,
        starts_at=booked_slot.starts_at,
        ends_at=booked_slot.starts_at,
    )
    with pytest.raises(ValidationError, match="ends after"):
        session_slot_check(slot=slot)


def test_only_staff_set_up_slots(booked_slot, member_a):
    member_a_user = member_a.user
    if member_a_user is None:
        pytest.skip("member_a has no account here")
    with pytest.raises(PermissionDenied):
        session_slot_delete(slot=booked_slot, actor=member_a_user)


def test_the_admin_shows_the_refusal_on_the_form(client, staff_user, booked_slot):
    staff_user.is_superuser = True
    staff_user.save()
    client.force_login(staff_user)
    session = booked_slot.session
    url = f"/admin/careers/recruitmentsession/{session.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {
        name: (value.isoformat() if hasattr(value, "isoformat") else value)
        for name, value in form.initial.items()
        if value is not None and name != "organisations"
    }
    data["organisations"] = [o.pk for o in session.organisations.all()]
    later = booked_slot.starts_at + dt.timedelta(hours=2)
    data.update(
        {
            "title": session.title,
            "slug": session.slug,
            "starts_at_0": session.starts_at.strftime("%Y-%m-%d"),
            "starts_at_1": session.starts_at.strftime("%H:%M:%S"),
            "ends_at_0": session.ends_at.strftime("%Y-%m-%d"),
            "ends_at_1": session.ends_at.strftime("%H:%M:%S"),
            "slots-TOTAL_FORMS": "1",
            "slots-INITIAL_FORMS": "1",
            "slots-0-id": booked_slot.pk,
            "slots-0-session": session.pk,
            "slots-0-organisation": booked_slot.organisation_id,
            "slots-0-starts_at_0": later.strftime("%Y-%m-%d"),
            "slots-0-starts_at_1": later.strftime("%H:%M:%S"),
            "slots-0-ends_at_0": later.strftime("%Y-%m-%d"),
            "slots-0-ends_at_1": (later + dt.timedelta(minutes=20)).strftime("%H:%M:%S"),
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200, response.get("Location")
    assert "booked" in response.content.decode()
    assert SessionSlot.objects.get(pk=booked_slot.pk).starts_at == booked_slot.starts_at
