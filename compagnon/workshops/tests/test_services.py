"""Workshop services: planning from a case, create/update, status moves, base time zone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from compagnon.cases.models import Answer, CaseInvitation, CaseStatus, CaseTransition
from compagnon.cases.tests.factories import CaseFactory
from compagnon.core.models import OutboundEmail
from compagnon.members.tests.factories import BaseFactory, PersonFactory, TagFactory
from compagnon.workshops import services
from compagnon.workshops.models import (
    Mode,
    Registration,
    RegistrationStatus,
    Workshop,
    WorkshopStatus,
)
from compagnon.workshops.tests.factories import RegistrationFactory, WorkshopFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def matched_case(member_a):
    base = BaseFactory(time_zone="America/Montreal")
    tag = TagFactory(slug="forecasting")
    case = CaseFactory(brought_by=member_a, status=CaseStatus.MATCHED, base=base, tags=[tag])
    return case


def test_plan_from_case_copies_tags_hosts_invitees(matched_case, member_b, staff_user):
    yes = CaseInvitation.objects.create(
        case=matched_case, person=member_b, answer=Answer.INTERESTED
    )
    volunteer = PersonFactory()
    CaseInvitation.objects.create(
        case=matched_case, person=volunteer, volunteered=True, answer=Answer.EXPERT
    )
    no = PersonFactory()
    CaseInvitation.objects.create(case=matched_case, person=no, answer=Answer.DECLINED)

    workshop = services.workshop_plan_from_case(case=matched_case, by=staff_user, onsite_seats=2)

    assert workshop.status == WorkshopStatus.DRAFT
    assert workshop.origin_case == matched_case
    assert workshop.time_zone == "America/Montreal"
    assert workshop.onsite_seats == 2
    assert set(workshop.tags.all()) == set(matched_case.tags.all())
    assert set(workshop.hosts.all()) == {matched_case.brought_by, staff_user.person}
    assert set(workshop.invitees.all()) == {yes.person, volunteer}
    matched_case.refresh_from_db()
    assert matched_case.status == CaseStatus.PLANNED
    assert CaseTransition.objects.filter(case=matched_case, to_status=CaseStatus.PLANNED).exists()


def test_plan_from_case_refuses_unmatched_case_and_writes_nothing(member_a, staff_user):
    case = CaseFactory(brought_by=member_a, status=CaseStatus.OPEN)
    with pytest.raises(ValidationError, match="Only a matched case"):
        services.workshop_plan_from_case(case=case, by=staff_user)
    assert not Workshop.objects.exists()
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


def test_plan_from_case_is_staff_only(matched_case, member_a):
    with pytest.raises(PermissionDenied):
        services.workshop_plan_from_case(case=matched_case, by=member_a.user)
    assert not Workshop.objects.exists()


def test_create_takes_time_zone_of_base(staff_user):
    base = BaseFactory(time_zone="Asia/Tokyo")
    workshop = services.workshop_create(by=staff_user, title="Graphs", base=base, onsite_seats=5)
    assert workshop.time_zone == "Asia/Tokyo"
    assert workshop.status == WorkshopStatus.DRAFT


def test_create_onsite_without_base_is_refused(staff_user):
    with pytest.raises(ValidationError) as error:
        services.workshop_create(by=staff_user, title="Nowhere", mode=Mode.ONSITE)
    assert "base" in error.value.message_dict
    assert not Workshop.objects.exists()


def test_update_of_place_on_published_workshop_tells_registrants(staff_user):
    base, other = BaseFactory(), BaseFactory(name="Lyon base", time_zone="Europe/Paris")
    workshop = WorkshopFactory(base=base)
    registration = RegistrationFactory(workshop=workshop)
    changes = services.workshop_update(workshop=workshop, by=staff_user, base=other, room="B12")
    assert changes and "Lyon base" in changes[0]
    email = OutboundEmail.objects.get(to=[registration.person.email])
    assert "B12" in email.body_text


def test_update_of_title_does_not_email(staff_user):
    workshop = WorkshopFactory(base=BaseFactory())
    RegistrationFactory(workshop=workshop)
    assert services.workshop_update(workshop=workshop, by=staff_user, title="New") == []
    assert not OutboundEmail.objects.exists()


def test_publish_needs_a_session(staff_user):
    workshop = WorkshopFactory(draft=True, sessions=0, base=BaseFactory())
    with pytest.raises(ValidationError, match="at least one session"):
        services.workshop_publish(workshop=workshop)
    workshop.refresh_from_db()
    assert workshop.status == WorkshopStatus.DRAFT


def test_publish_close_done(staff_user):
    workshop = WorkshopFactory(draft=True, base=BaseFactory())
    services.workshop_publish(workshop=workshop)
    assert workshop.status == WorkshopStatus.PUBLISHED and workshop.published_at
    services.workshop_close(workshop=workshop)
    assert workshop.status == WorkshopStatus.CLOSED
    with pytest.raises(ValidationError, match="not started"):
        services.workshop_mark_done(workshop=workshop)


def test_cancel_tells_everyone_and_cancels_registrations(staff_user):
    workshop = WorkshopFactory(base=BaseFactory(), onsite_seats=1)
    confirmed = RegistrationFactory(workshop=workshop)
    waiting = RegistrationFactory(workshop=workshop, status=RegistrationStatus.WAITING)
    services.workshop_cancel(workshop=workshop, by=staff_user, reason="The room flooded.")
    assert workshop.status == WorkshopStatus.CANCELLED
    assert set(Registration.objects.values_list("status", flat=True)) == {"cancelled"}
    recipients = {tuple(e.to) for e in OutboundEmail.objects.all()}
    assert recipients == {(confirmed.person.email,), (waiting.person.email,)}
    with pytest.raises(ValidationError):
        services.workshop_cancel(workshop=workshop, by=staff_user)
    assert OutboundEmail.objects.count() == 2


def test_base_time_zone_change_refused_with_registrations():
    base = BaseFactory(time_zone="Europe/Paris")
    workshop = WorkshopFactory(base=base, title="Booked one")
    RegistrationFactory(workshop=workshop)
    with pytest.raises(ValidationError) as error:
        services.base_time_zone_change(base=base, time_zone="America/Montreal")
    assert "Booked one" in str(error.value.message_dict["time_zone"])
    base.refresh_from_db()
    workshop.refresh_from_db()
    assert base.time_zone == "Europe/Paris"
    assert workshop.time_zone == "Europe/Paris"


def test_base_time_zone_change_moves_unbooked_workshops_only():
    base = BaseFactory(time_zone="Europe/Paris")
    upcoming = WorkshopFactory(base=base)
    start = timezone.now() - dt.timedelta(days=10)
    past = WorkshopFactory(base=base, sessions=[(start, start + dt.timedelta(hours=2))])
    RegistrationFactory(workshop=past)
    before = upcoming.starts_at
    assert services.base_time_zone_change(base=base, time_zone="America/Montreal") == 1
    upcoming.refresh_from_db()
    past.refresh_from_db()
    base.refresh_from_db()
    assert base.time_zone == "America/Montreal"
    assert upcoming.time_zone == "America/Montreal"
    assert upcoming.starts_at == before  # stored in UTC: the instant does not move
    assert past.time_zone == "Europe/Paris"


def test_base_time_zone_change_unknown_zone():
    base = BaseFactory(time_zone="Europe/Paris")
    with pytest.raises(ValidationError, match="not a known time zone"):
        services.base_time_zone_change(base=base, time_zone="Mars/Olympus")
    base.refresh_from_db()
    assert base.time_zone == "Europe/Paris"
