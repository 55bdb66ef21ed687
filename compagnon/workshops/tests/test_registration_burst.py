"""The register button, cheap enough for a popular workshop's whole audience at once.

The view reads the workshop, its visibility and what the refusals need in one query
(`workshop_for_registration`); on PostgreSQL the seat decision and the row are one
round trip (`_register_in_one_round_trip`). These tests hold both to the rules the
slower paths keep: the same visibility, the same refusals and messages, exactly the
number of seats, the waiting list in order, the emails after the commit.
"""

from __future__ import annotations

import itertools
import threading

import pytest
from django.db import connection
from django.http import Http404

from compagnon.members.models import MembershipStatus, MembershipType
from compagnon.members.selectors import Viewer
from compagnon.members.tests.factories import OrganisationFactory, PersonFactory
from compagnon.workshops import registration as services
from compagnon.workshops.models import Audience, Registration, RegistrationStatus, WorkshopStatus
from compagnon.workshops.selectors import workshop_for_registration, workshops_visible_to
from compagnon.workshops.tests.factories import WorkshopFactory

pytestmark = pytest.mark.django_db


def _personas(org_a, org_b, member_a, staff_user, viewer_of, django_user_model):
    resident = PersonFactory(with_account=True, organisation=None)
    resident.membership_type = MembershipType.RESIDENT
    resident.save()
    lapsed_org = OrganisationFactory(status=MembershipStatus.LAPSED)
    lapsed = PersonFactory(with_account=True, organisation=lapsed_org)
    host = PersonFactory(with_account=True, organisation=lapsed_org)
    no_profile = django_user_model.objects.create_user(email="nobody@example.org", password="x")
    return host, {
        "member of A": viewer_of(member_a),
        "member of B": viewer_of(PersonFactory(with_account=True, organisation=org_b)),
        "resident": viewer_of(resident),
        "lapsed organisation": viewer_of(lapsed),
        "host (lapsed organisation)": viewer_of(host),
        "account without a profile": viewer_of(no_profile),
        "staff": viewer_of(staff_user.person),
    }


def test_visibility_parity_with_workshops_visible_to(
    org_a, org_b, member_a, staff_user, viewer_of, django_user_model
):
    """`workshop_for_registration` decides visibility in Python from one row: it must agree
    with the queryset rule for every persona, audience, status, exclusion and host."""
    host, viewers = _personas(org_a, org_b, member_a, staff_user, viewer_of, django_user_model)
    workshops = []
    for audience, status, excluded, hosted in itertools.product(
        Audience.values, WorkshopStatus.values, (False, True), (False, True)
    ):
        workshop = WorkshopFactory(audience=audience, status=status)
        if excluded:
            workshop.excluded_organisations.add(org_a)
        if hosted:
            workshop.hosts.add(host)
        workshops.append(workshop)
    checked = 0
    for name, viewer in viewers.items():
        visible = set(workshops_visible_to(viewer).values_list("pk", flat=True))
        for workshop in workshops:
            try:
                workshop_for_registration(viewer, workshop.pk)
                seen = True
            except Http404:
                seen = False
            assert seen == (workshop.pk in visible), (name, workshop.audience, workshop.status)
            checked += 1
    assert checked == len(viewers) * len(Audience.values) * len(WorkshopStatus.values) * 4


def test_the_facts_read_with_the_workshop(member_a, org_a, viewer_of):
    workshop = WorkshopFactory(audience=Audience.PUBLIC)
    workshop.excluded_organisations.add(org_a)
    viewer = viewer_of(member_a)
    found, facts = workshop_for_registration(viewer, workshop.pk)
    assert found == workshop
    assert (facts.excluded, facts.hosting, facts.registration_id) == (True, False, None)
    # The refusal reads the fact instead of asking the database again.
    with pytest.raises(services.RegistrationError) as error:
        services.registration_create(workshop=found, viewer=viewer, facts=facts)
    assert "People from your organisation cannot register" in error.value.message
    workshop.excluded_organisations.clear()
    workshop.hosts.add(member_a)
    registration = services.registration_create(workshop=found, viewer=viewer)
    _, facts = workshop_for_registration(viewer, workshop.pk)
    assert (facts.excluded, facts.hosting, facts.registration_id) == (False, True, registration.pk)
    # Registering again with the facts returns the same row.
    again = services.registration_create(workshop=found, viewer=viewer, facts=facts)
    assert again.pk == registration.pk


def test_an_unknown_workshop_is_a_404(member_a, viewer_of):
    with pytest.raises(Http404):
        workshop_for_registration(viewer_of(member_a), 999_999)


@pytest.fixture
def first_registration_queries():
    """The queries of a member's first registration through the real view, by database.

    Session, user with their person (the sign-in backend reads both), the workshop with
    its facts (3), then the seat decision and the row: one batch on PostgreSQL, the
    workshop row, the counts and the insert elsewhere. In a test's transaction the
    decision runs in a savepoint (2 more) and the task and the webhook check, after the
    commit, do not run: a real request makes 5 on PostgreSQL, then those 2.
    """
    if connection.vendor == "postgresql":
        return 3 + 1 + 2
    return 3 + 3 + 2


def test_the_register_request_costs_a_fixed_handful_of_queries(
    client_of, member_a, django_assert_num_queries, first_registration_queries
):
    workshop = WorkshopFactory(onsite_seats=1)
    client = client_of(member_a)
    url = f"/workshops/{workshop.pk}/register/"
    with django_assert_num_queries(first_registration_queries):
        response = client.post(url, {"seat": "onsite"})
    assert response.status_code == 302
    assert response["Location"] == workshop.get_absolute_url()
    assert Registration.objects.get(workshop=workshop).status == RegistrationStatus.CONFIRMED


# --- PostgreSQL: the seat decision in one round trip -----------------------------------------


def _viewer(person) -> Viewer:
    return Viewer(is_authenticated=True, person=person, user=person.user)


@pytest.fixture
def one_round_trips(monkeypatch):
    """Counts the one-round-trip attempts that wrote a row, and the step-by-step fallbacks."""
    calls = {"written": 0, "fallback": 0}
    fast, slow = services._register_in_one_round_trip, services._register_locked

    def counted_fast(**kwargs):
        registration = fast(**kwargs)
        if registration is not None:
            calls["written"] += 1
        return registration

    def counted_slow(**kwargs):
        calls["fallback"] += 1
        return slow(**kwargs)

    monkeypatch.setattr(services, "_register_in_one_round_trip", counted_fast)
    monkeypatch.setattr(services, "_register_locked", counted_slow)
    return calls


@pytest.mark.postgres
def test_first_registrations_take_one_round_trip_and_the_queue_keeps_its_order(
    one_round_trips, committed
):
    from compagnon.core.models import OutboundEmail

    workshop = WorkshopFactory(onsite_seats=2)
    people = [PersonFactory(with_account=True) for _ in range(4)]
    rows = [
        committed(services.registration_create, workshop=workshop, viewer=_viewer(person))
        for person in people
    ]
    assert [row.status for row in rows] == ["confirmed", "confirmed", "waiting", "waiting"]
    assert one_round_trips == {"written": 4, "fallback": 0}
    stored = Registration.objects.get(pk=rows[0].pk)
    assert (stored.confirmed_at, stored.queued_at) == (rows[0].confirmed_at, rows[0].queued_at)
    assert stored.organisation_id == people[0].organisation_id
    assert stored.terms_accepted_at is None and stored.confirmed_at is not None
    assert Registration.objects.get(pk=rows[2].pk).confirmed_at is None
    # The emails were rendered after the commit, from the committed rows: one each.
    assert OutboundEmail.objects.count() == 4
    # A seat freed by a cancellation is offered to the first person waiting.
    committed(services.registration_cancel, registration=rows[0], viewer=_viewer(people[0]))
    assert Registration.objects.get(pk=rows[2].pk).status == RegistrationStatus.OFFERED
    # Seats added but not offered yet (the sweep does that): someone still waits, so a
    # newcomer joins the queue behind them instead of taking a free seat.
    type(workshop).objects.filter(pk=workshop.pk).update(onsite_seats=5)
    newcomer = PersonFactory(with_account=True)
    late = services.registration_create(workshop=workshop, viewer=_viewer(newcomer))
    assert late.status == RegistrationStatus.WAITING
    # With nobody waiting, a free seat is taken at once.
    Registration.objects.filter(workshop=workshop, status="waiting").update(status="cancelled")
    other = PersonFactory(with_account=True)
    seated = services.registration_create(workshop=workshop, viewer=_viewer(other))
    assert seated.status == RegistrationStatus.CONFIRMED
    assert one_round_trips == {"written": 6, "fallback": 0}


@pytest.mark.postgres
def test_refusals_under_the_lock_fall_back_to_the_exact_message(one_round_trips, org_a):
    """The batch writes nothing when the cap is reached: the step-by-step path says why."""
    workshop = WorkshopFactory(onsite_seats=10, per_organisation_cap=1)
    first, second = (PersonFactory(with_account=True, organisation=org_a) for _ in range(2))
    services.registration_create(workshop=workshop, viewer=_viewer(first))
    with pytest.raises(services.RegistrationError) as error:
        services.registration_create(workshop=workshop, viewer=_viewer(second))
    assert "Your organisation already has 1 places" in error.value.message
    assert one_round_trips == {"written": 1, "fallback": 1}
    assert Registration.objects.filter(workshop=workshop).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_burst_without_any_race_window_confirms_exactly_the_seats(one_round_trips):
    """The real configuration (no test sleep): 30 people at once for 4 seats, each in one
    round trip of its own transaction; exactly 4 confirmed, the rest queued in order."""
    workshop = WorkshopFactory(onsite_seats=4)
    viewers = [_viewer(PersonFactory(with_account=True)) for _ in range(30)]
    barrier = threading.Barrier(len(viewers), timeout=30)
    errors: list[BaseException] = []

    def register(viewer):
        try:
            barrier.wait()
            services.registration_create(workshop=workshop, viewer=viewer)
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(viewer,)) for viewer in viewers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    rows = list(Registration.objects.filter(workshop=workshop).order_by("queued_at", "pk"))
    statuses = [row.status for row in rows]
    assert statuses.count(RegistrationStatus.CONFIRMED) == 4
    assert statuses.count(RegistrationStatus.WAITING) == 26
    assert one_round_trips == {"written": 30, "fallback": 0}
    # Nobody confirmed after someone queued: confirmations precede the queue by pk (the
    # insert order under the lock).
    by_pk = sorted(rows, key=lambda row: row.pk)
    assert [row.status for row in by_pk[:4]] == [RegistrationStatus.CONFIRMED] * 4


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_latecomers_join_the_queue_together_and_nobody_jumps_it(monkeypatch):
    """A full workshop with a waiting list: latecomers (who saw the queue) write their
    waiting rows under a shared lock, side by side, while a cancellation at the same moment
    offers the freed seat to the first person waiting, never to a latecomer."""
    queued = {"shared": 0, "exclusive": 0}
    fast = services._register_in_one_round_trip

    def counted(**kwargs):
        registration = fast(**kwargs)
        if registration is not None:
            queued["shared" if kwargs["queue_only"] else "exclusive"] += 1
        return registration

    monkeypatch.setattr(services, "_register_in_one_round_trip", counted)
    workshop = WorkshopFactory(onsite_seats=2)
    seated = [PersonFactory(with_account=True) for _ in range(2)]
    first_waiting = PersonFactory(with_account=True)
    for person in [*seated, first_waiting]:
        services.registration_create(workshop=workshop, viewer=_viewer(person))
    latecomers = [_viewer(PersonFactory(with_account=True)) for _ in range(20)]
    leaving = Registration.objects.get(workshop=workshop, person=seated[0])
    barrier = threading.Barrier(len(latecomers) + 1, timeout=30)
    errors: list[BaseException] = []

    def register(viewer):
        try:
            found, facts = workshop_for_registration(viewer, workshop.pk)
            assert facts.queues == {"onsite"}
            barrier.wait()
            registration = services.registration_create(workshop=found, viewer=viewer, facts=facts)
            assert registration.status == RegistrationStatus.WAITING
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    def cancel():
        try:
            barrier.wait()
            services.registration_cancel(registration=leaving, viewer=_viewer(seated[0]))
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(viewer,)) for viewer in latecomers]
    threads.append(threading.Thread(target=cancel))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert queued == {"shared": 20, "exclusive": 3}
    offered = Registration.objects.get(workshop=workshop, status=RegistrationStatus.OFFERED)
    assert offered.person == first_waiting
    statuses = list(Registration.objects.filter(workshop=workshop).values_list("status", flat=True))
    assert statuses.count(RegistrationStatus.WAITING) == 20
    assert statuses.count(RegistrationStatus.CONFIRMED) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_queue_hint_is_rechecked_under_the_lock(member_a, viewer_of, monkeypatch):
    """Seen waiting, gone by the time the lock is granted: the newcomer takes the free seat
    through the exclusive batch, not a waiting row."""
    workshop = WorkshopFactory(onsite_seats=3)
    waiting = PersonFactory(with_account=True)
    row = Registration.objects.create(
        workshop=workshop, person=waiting, status="waiting", queued_at=workshop.published_at
    )
    viewer = viewer_of(member_a)
    found, facts = workshop_for_registration(viewer, workshop.pk)
    assert facts.queues == {"onsite"}
    row.delete()
    attempts = []
    fast = services._register_in_one_round_trip
    monkeypatch.setattr(
        services,
        "_register_in_one_round_trip",
        lambda **kwargs: attempts.append(kwargs["queue_only"]) or fast(**kwargs),
    )
    registration = services.registration_create(workshop=found, viewer=viewer, facts=facts)
    assert registration.status == RegistrationStatus.CONFIRMED
    assert attempts == [True, False]  # the queue batch wrote nothing, the exclusive one did
