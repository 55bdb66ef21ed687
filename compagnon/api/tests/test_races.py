"""Registering through the API at the same moment: the same seat lock as the page.

Each thread is a client holding its own token and POSTs to /workshops/{id}/registrations.
Without the workshop-row lock (`LOCK_SEATS` off) the workshop overbooks; with it, exactly
the seats are confirmed. PostgreSQL only (SQLite serialises writers anyway).
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from compagnon.api.tests.world import bearer, token_for
from compagnon.members.tests.factories import PersonFactory
from compagnon.workshops import registration as services
from compagnon.workshops.models import Registration, RegistrationStatus
from compagnon.workshops.tests.factories import WorkshopFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SEATS = 3
PEOPLE = 12


def _register_all_at_once(workshop, tokens):
    url = reverse("api_v1:workshop_register", kwargs={"workshop_id": workshop.pk})
    barrier = threading.Barrier(len(tokens), timeout=30)
    answers: list[int] = []
    errors: list[BaseException] = []

    def register(raw):
        try:
            client = Client()
            barrier.wait()
            response = client.post(url, {}, content_type="application/json", **bearer(raw))
            answers.append(response.status_code)
        except BaseException as error:  # reported below: a thread cannot fail the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(raw,)) for raw in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert answers == [201] * len(tokens)
    statuses = list(Registration.objects.filter(workshop=workshop).values_list("status", flat=True))
    return statuses.count(RegistrationStatus.CONFIRMED), statuses.count(RegistrationStatus.WAITING)


@pytest.fixture
def crowd(settings):
    settings.API_RATE_LIMIT = "1000/min"
    workshop = WorkshopFactory(onsite_seats=SEATS)
    tokens = [token_for(PersonFactory(with_account=True).user) for _ in range(PEOPLE)]
    return workshop, tokens


def test_without_the_lock_the_api_overbooks(crowd, monkeypatch):
    monkeypatch.setattr(services, "LOCK_SEATS", False)
    monkeypatch.setattr(services, "RACE_WINDOW_SECONDS", 0.3)
    workshop, tokens = crowd
    confirmed, waiting = _register_all_at_once(workshop, tokens)
    assert confirmed + waiting == PEOPLE
    assert confirmed > SEATS, f"expected an oversell without the lock, got {confirmed}"


def test_with_the_lock_the_api_never_does(crowd, monkeypatch):
    monkeypatch.setattr(services, "RACE_WINDOW_SECONDS", 0.02)
    workshop, tokens = crowd
    assert _register_all_at_once(workshop, tokens) == (SEATS, PEOPLE - SEATS)
