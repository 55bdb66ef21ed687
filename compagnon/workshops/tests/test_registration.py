"""Registering: seats, refusals with a clear message, and nothing half-written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from compagnon.core.models import OutboundEmail
from compagnon.members.models import MembershipStatus, MembershipType
from compagnon.members.tests.factories import OrganisationFactory, PersonFactory
from compagnon.workshops.models import (
    Audience,
    Registration,
    RegistrationStatus,
    SeatKind,
    WorkshopStatus,
)
from compagnon.workshops.registration import (
    RegistrationError,
    registration_cancel,
    registration_create,
    registration_state,
)
from compagnon.workshops.tests.factories import WorkshopFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(viewer_of, committed):
    def run(workshop, person, **kwargs):
        return committed(registration_create, workshop=workshop, viewer=viewer_of(person), **kwargs)

    return run


def people(count, organisation=None):
    return [
        PersonFactory(with_account=True, **({"organisation": organisation} if organisation else {}))
        for _ in range(count)
    ]


def refused(register, workshop, person, message, **kwargs):
    """Assert the refusal and that nothing was written (no row, no email)."""
    rows, emails = Registration.objects.count(), OutboundEmail.objects.count()
    with pytest.raises(RegistrationError) as error:
        register(workshop, person, **kwargs)
    assert message in error.value.message
    assert Registration.objects.count() == rows
    assert OutboundEmail.objects.count() == emails
    return error.value.message


def test_a_free_seat_is_confirmed_and_the_email_carries_the_ics(register, member_a):
    workshop = WorkshopFactory(onsite_seats=2)
    registration = register(workshop, member_a)
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.seat == SeatKind.ONSITE
    assert registration.organisation == member_a.organisation
    assert registration.confirmed_at is not None
    email = OutboundEmail.objects.get()
    assert email.to == [member_a.email]
    assert workshop.title in email.subject
    assert email.attachments[0]["filename"] == f"workshop-{workshop.pk}.ics"
    assert "BEGIN:VEVENT" in email.attachments[0]["content"]
    assert email.attachments[0]["mimetype"].startswith("text/calendar")


def test_registering_twice_double_click_or_two_tabs_is_the_same_row(register, member_a):
    workshop = WorkshopFactory()
    first = register(workshop, member_a)
    second = register(workshop, member_a)
    assert first.pk == second.pk
    assert Registration.objects.count() == 1
    assert OutboundEmail.objects.count() == 1


def test_a_full_workshop_puts_people_on_the_waiting_list_in_order(register):
    workshop = WorkshopFactory(onsite_seats=1)
    first, second, third = people(3)
    assert register(workshop, first).status == RegistrationStatus.CONFIRMED
    assert register(workshop, second).status == RegistrationStatus.WAITING
    assert register(workshop, third).status == RegistrationStatus.WAITING
    waiting_email = OutboundEmail.objects.filter(to=[second.email]).get()
    assert "waiting list" in waiting_email.subject
    assert waiting_email.attachments == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"status": WorkshopStatus.CLOSED}, "Registration for this workshop is closed."),
        ({"status": WorkshopStatus.CANCELLED}, "This workshop was cancelled."),
        ({"draft": True}, "not open for registration yet"),
        ({"status": WorkshopStatus.DONE}, "already taken place"),
    ],
)
def test_closed_cancelled_draft_or_done_workshops_refuse(register, member_a, fields, message):
    workshop = WorkshopFactory(**fields)
    refused(register, workshop, member_a, message)


def test_a_past_workshop_refuses(register, member_a):
    start = timezone.now() - dt.timedelta(days=2)
    workshop = WorkshopFactory(sessions=[(start, start + dt.timedelta(hours=3))])
    refused(register, workshop, member_a, "already taken place")


def test_registration_closes_at_its_deadline(register, member_a):
    workshop = WorkshopFactory(registration_closes_at=timezone.now() - dt.timedelta(minutes=1))
    refused(register, workshop, member_a, "Registration for this workshop is closed.")


def test_an_excluded_organisation_is_refused(register, member_a, member_b):
    workshop = WorkshopFactory(excluded_organisations=[member_b.organisation])
    refused(register, workshop, member_b, "People from your organisation cannot register")
    assert register(workshop, member_a).status == RegistrationStatus.CONFIRMED


def test_the_per_organisation_cap_is_enforced_waiting_list_included(register, org_a):
    workshop = WorkshopFactory(onsite_seats=1, per_organisation_cap=2)
    first, second, third = people(3, org_a)
    assert register(workshop, first).status == RegistrationStatus.CONFIRMED
    assert register(workshop, second).status == RegistrationStatus.WAITING
    message = refused(register, workshop, third, "Your organisation already has 2 places")
    assert "per organisation" in message
    assert register(workshop, PersonFactory(with_account=True)).status == "waiting"


def test_terms_must_be_accepted(register, member_a):
    workshop = WorkshopFactory(terms="Nothing said here leaves the room.")
    refused(register, workshop, member_a, "Please accept the confidentiality terms")
    registration = register(workshop, member_a, accept_terms=True)
    assert registration.terms_accepted_at is not None


def test_hybrid_workshops_count_each_seat_kind_apart(register):
    workshop = WorkshopFactory(hybrid=True, onsite_seats=1, remote_seats=1)
    onsite, remote, late = people(3)
    refused(register, workshop, onsite, "Choose an on-site or a remote seat.")
    refused(register, workshop, onsite, "Choose an on-site or a remote seat.", seat="moon")
    assert register(workshop, onsite, seat="onsite").status == RegistrationStatus.CONFIRMED
    assert register(workshop, remote, seat="remote").status == RegistrationStatus.CONFIRMED
    assert register(workshop, late, seat="remote").status == RegistrationStatus.WAITING


def test_remote_workshops_take_remote_seats_whatever_was_posted(register, member_a):
    workshop = WorkshopFactory(remote=True)
    assert register(workshop, member_a, seat="onsite").seat == SeatKind.REMOTE


def test_unlimited_seats_when_no_number_is_set(register):
    workshop = WorkshopFactory(onsite_seats=None)
    assert {register(workshop, p).status for p in people(3)} == {"confirmed"}


def test_priority_window_lets_invitees_and_hosts_in_first(register, member_a, member_b, manager_a):
    opens = timezone.now() + dt.timedelta(days=2)
    workshop = WorkshopFactory(registration_opens_at=opens, invitees=[member_a], hosts=[manager_a])
    refused(register, workshop, member_b, "Registration opens to all on")
    assert register(workshop, member_a).status == RegistrationStatus.CONFIRMED
    assert register(workshop, manager_a).status == RegistrationStatus.CONFIRMED
    workshop.registration_opens_at = timezone.now() - dt.timedelta(minutes=1)
    workshop.save()
    assert register(workshop, member_b).status == RegistrationStatus.CONFIRMED


def test_audiences(register, member_a):
    lapsed_org = OrganisationFactory(status=MembershipStatus.LAPSED)
    lapsed = PersonFactory(organisation=lapsed_org, with_account=True)
    resident = PersonFactory(
        organisation=None, membership_type=MembershipType.RESIDENT, with_account=True
    )
    members = WorkshopFactory(audience=Audience.MEMBERS)
    refused(register, members, lapsed, "for people of member organisations")
    refused(register, members, resident, "for people of member organisations")
    both = WorkshopFactory(audience=Audience.MEMBERS_AND_RESIDENTS)
    assert register(both, resident).status == "confirmed"
    refused(register, both, lapsed, "members and residents")
    public = WorkshopFactory(audience=Audience.PUBLIC)
    assert register(public, lapsed).status == "confirmed"


def test_an_account_without_a_profile_cannot_register(viewer_of, django_user_model):
    from compagnon.members.tests.factories import UserFactory

    workshop = WorkshopFactory(audience=Audience.PUBLIC)
    with pytest.raises(RegistrationError, match="no member profile"):
        registration_create(workshop=workshop, viewer=viewer_of(UserFactory()))
    assert not Registration.objects.exists()


def test_coming_back_after_cancelling_reuses_the_row_at_the_end_of_the_queue(register, viewer_of):
    workshop = WorkshopFactory(onsite_seats=1)
    first, second = people(2)
    registration = register(workshop, first)
    register(workshop, second)  # waiting
    registration_cancel(registration=registration, viewer=viewer_of(first))
    again = register(workshop, first)
    assert again.pk == registration.pk
    assert again.status == RegistrationStatus.WAITING  # second was offered the seat
    assert again.cancelled_at is None
    assert Registration.objects.count() == 2
    assert Registration.objects.get(person=second).status == RegistrationStatus.OFFERED


def test_cancelling_after_the_start_is_refused(viewer_of, member_a):
    from compagnon.workshops.tests.factories import RegistrationFactory

    start = timezone.now() - dt.timedelta(hours=1)
    workshop = WorkshopFactory(sessions=[(start, start + dt.timedelta(hours=3))])
    registration = RegistrationFactory(workshop=workshop, person=member_a)
    with pytest.raises(RegistrationError, match="already started"):
        registration_cancel(registration=registration, viewer=viewer_of(member_a))
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


def test_cancelling_someone_elses_registration_is_refused(register, viewer_of, member_a, member_b):
    registration = register(WorkshopFactory(), member_a)
    with pytest.raises(RegistrationError, match="not your registration"):
        registration_cancel(registration=registration, viewer=viewer_of(member_b))
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


def test_state_for_the_panel(register, viewer_of, member_a, member_b):
    from compagnon.members.selectors import ANONYMOUS

    workshop = WorkshopFactory(onsite_seats=1, terms="Keep it quiet.")
    state = registration_state(workshop=workshop, viewer=viewer_of(member_a))
    assert state.can_register and state.terms_needed
    assert state.seats_left == {"onsite": 1}
    register(workshop, member_a, accept_terms=True)
    state = registration_state(workshop=workshop, viewer=viewer_of(member_a))
    assert state.is_confirmed and state.can_cancel and not state.can_register
    assert state.seats_left == {"onsite": 0}
    register(workshop, member_b, accept_terms=True)
    state = registration_state(workshop=workshop, viewer=viewer_of(member_b))
    assert state.is_waiting and state.waiting_position == 1
    anonymous = registration_state(workshop=workshop, viewer=ANONYMOUS)
    assert anonymous.needs_sign_in and not anonymous.can_register and anonymous.reason == ""
    workshop.status = WorkshopStatus.CLOSED
    state = registration_state(
        workshop=workshop, viewer=viewer_of(PersonFactory(with_account=True))
    )
    assert not state.can_register
    assert state.reason == "Registration for this workshop is closed."


def test_the_email_is_rendered_after_the_commit_not_under_the_lock(
    member_a, viewer_of, django_capture_on_commit_callbacks
):
    """The lock covers the seat decision and the row write only: the email and its .ics are
    rendered by a task once the registration has committed, from the committed row."""
    workshop = WorkshopFactory(onsite_seats=2)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        registration = registration_create(workshop=workshop, viewer=viewer_of(member_a))
        assert not OutboundEmail.objects.exists()  # nothing rendered inside the transaction
    assert len(callbacks) == 1
    callbacks[0]()
    email = OutboundEmail.objects.get()
    assert email.key.startswith(f"workshop-confirmed:{registration.pk}:")
    assert "BEGIN:VEVENT" in email.attachments[0]["content"]
    callbacks[0]()  # a task run twice sends one email
    assert OutboundEmail.objects.count() == 1


def test_a_superseded_event_sends_nothing(member_a, viewer_of, committed):
    """Registered then cancelled before the task ran: the confirmation is not sent late."""
    from compagnon.workshops.registration import registration_email_render

    workshop = WorkshopFactory(onsite_seats=2)
    registration = registration_create(workshop=workshop, viewer=viewer_of(member_a))
    committed(registration_cancel, registration=registration, viewer=viewer_of(member_a))
    assert not registration_email_render(registration_id=registration.pk, event="confirmed")
    assert list(OutboundEmail.objects.values_list("subject", flat=True)) == [
        f"Your registration is cancelled: {workshop.title}"
    ]
