"""Webhooks end to end: services emit, the queue delivers to a real local server that
verifies the signature with standardwebhooks' Webhook.verify."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test.utils import override_settings
from django.utils import timezone

from compagnon.core.models import OutboundEmail
from compagnon.members.services import person_join
from compagnon.webhooks.models import Delivery, DeliveryStatus, Endpoint
from compagnon.webhooks.services import (
    deliveries_retry_due,
    delivery_attempt,
    delivery_replay,
    endpoint_create,
    event_emit,
)
from compagnon.webhooks.targets import TargetRefused, target_check
from compagnon.webhooks.tests.receiver import Receiver

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver():
    with Receiver() as running:
        yield running


def _endpoint(receiver, staff_user, events=("member.joined",)):
    endpoint = endpoint_create(url=receiver.url, events=list(events), actor=staff_user)
    receiver.secret = endpoint.secret
    return endpoint


def test_a_member_joining_is_delivered_signed(
    receiver, staff_user, org_a, django_capture_on_commit_callbacks
):
    _endpoint(receiver, staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        person = person_join(email="zoe@alpha.example", first_name="Zoé", organisation=org_a)
    assert receiver.rejected == []
    [message] = receiver.received
    assert message["payload"]["type"] == "member.joined"
    assert message["payload"]["data"] == {
        "person_id": person.pk,
        "organisation": org_a.slug,
        "membership_type": "employee",
    }
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.message_id == message["id"]
    assert delivery.last_status_code == 200


def test_nothing_is_sent_when_the_transaction_rolls_back(
    receiver, staff_user, django_capture_on_commit_callbacks
):
    from django.db import transaction

    _endpoint(receiver, staff_user)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        event_emit(event="member.joined", data={"person_id": 1})
        raise RuntimeError
    assert not Delivery.objects.exists() and receiver.received == []


def test_an_endpoint_only_gets_its_events(receiver, staff_user, django_capture_on_commit_callbacks):
    _endpoint(receiver, staff_user, events=["case.opened"])
    with django_capture_on_commit_callbacks(execute=True):
        event_emit(event="member.joined", data={})
    assert not Delivery.objects.exists()


def test_a_tampered_signature_is_rejected_by_the_receiver(
    receiver, staff_user, django_capture_on_commit_callbacks
):
    endpoint = _endpoint(receiver, staff_user)
    receiver.secret = "whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldY"  # not the endpoint's
    with django_capture_on_commit_callbacks(execute=True):
        event_emit(event="member.joined", data={})
    assert receiver.received == [] and receiver.rejected
    assert Delivery.objects.get().status == DeliveryStatus.RETRYING
    assert endpoint.secret != receiver.secret


@override_settings(WEBHOOK_RETRY_BASE_SECONDS=30, WEBHOOK_MAX_ATTEMPTS=3)
def test_failures_are_retried_with_exponential_backoff(
    receiver, staff_user, django_capture_on_commit_callbacks
):
    _endpoint(receiver, staff_user)
    receiver.status = 500
    start = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        event_emit(event="member.joined", data={})
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.RETRYING and delivery.last_status_code == 500
    first_wait = delivery.next_attempt_at - delivery.last_attempt_at
    assert first_wait == timedelta(seconds=30)
    # Not due yet: the sweep queues nothing.
    assert deliveries_retry_due(now=start + timedelta(seconds=10)) == 0
    assert delivery_attempt(delivery_id=delivery.pk, now=delivery.next_attempt_at) == "retrying"
    delivery.refresh_from_db()
    assert delivery.next_attempt_at - delivery.last_attempt_at == timedelta(seconds=60)
    receiver.status = 204
    assert delivery_attempt(delivery_id=delivery.pk, now=delivery.next_attempt_at) == "delivered"
    delivery.refresh_from_db()
    assert delivery.attempts == 3 and len(receiver.received) == 3
    assert len({message["id"] for message in receiver.received}) == 1  # one webhook-id
    assert Endpoint.objects.get().consecutive_failures == 0


@override_settings(WEBHOOK_MAX_ATTEMPTS=2)
def test_a_delivery_fails_after_its_attempts_and_can_be_replayed(
    receiver, staff_user, django_capture_on_commit_callbacks
):
    _endpoint(receiver, staff_user)
    receiver.status = 503
    with django_capture_on_commit_callbacks(execute=True):
        event_emit(event="member.joined", data={"person_id": 7})
    delivery = Delivery.objects.get()
    delivery_attempt(delivery_id=delivery.pk, now=delivery.next_attempt_at)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and delivery.next_attempt_at is None
    receiver.status = 200
    with django_capture_on_commit_callbacks(execute=True):
        replay = delivery_replay(delivery=delivery, actor=staff_user)
    replay.refresh_from_db()
    assert replay.status == DeliveryStatus.DELIVERED and replay.replay_of == delivery
    assert receiver.received[-1]["id"] == delivery.message_id
    assert receiver.received[-1]["payload"]["data"] == {"person_id": 7}


@override_settings(WEBHOOK_DISABLE_AFTER_FAILURES=3, WEBHOOK_MAX_ATTEMPTS=1)
def test_repeated_failures_switch_the_endpoint_off_and_tell_staff(
    receiver, staff_user, django_capture_on_commit_callbacks
):
    endpoint = _endpoint(receiver, staff_user)
    receiver.status = 500
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            event_emit(event="member.joined", data={})
    endpoint.refresh_from_db()
    assert not endpoint.is_active and "3 failures in a row" in endpoint.disabled_reason
    email = OutboundEmail.objects.get(key__startswith="webhooks:endpoint-disabled")
    assert staff_user.email in email.to and endpoint.url in email.body_text
    # Switched off: new events are not even recorded for it, and replays are refused.
    with django_capture_on_commit_callbacks(execute=True):
        event_emit(event="member.joined", data={})
    assert Delivery.objects.count() == 3
    with pytest.raises(ValidationError):
        delivery_replay(delivery=Delivery.objects.first(), actor=staff_user)


@pytest.mark.parametrize(
    "url",
    [
        "http://10.1.2.3/hook",
        "http://192.168.1.10/hook",
        "http://172.16.0.5/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://0.0.0.0/hook",
        # 6to4: a host with a 6to4 route unwraps these to 169.254.169.254 and 127.0.0.1.
        "http://[2002:a9fe:a9fe::]/hook",
        "http://[2002:7f00:1::]/hook",
        "ftp://example.org/hook",
        "http://user:pw@8.8.8.8/hook",
    ],
)
def test_private_targets_are_refused(url, staff_user, settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = False  # as in production
    with pytest.raises(ValidationError) as refused:
        endpoint_create(url=url, events=["case.opened"], actor=staff_user)
    assert "url" in refused.value.message_dict
    assert not Endpoint.objects.exists()


def test_loopback_only_where_the_setting_allows_it(settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    with pytest.raises(TargetRefused, match="private or loopback"):
        target_check("http://127.0.0.1:8080/hook")
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    assert target_check("http://127.0.0.1:8080/hook").address == "127.0.0.1"
    assert target_check("https://8.8.8.8/hook").port == 443


def test_a_target_that_turned_private_is_not_contacted(
    receiver, staff_user, settings, django_capture_on_commit_callbacks
):
    _endpoint(receiver, staff_user)
    settings.WEBHOOK_ALLOW_LOOPBACK = False  # as if its DNS now answered a private address
    with django_capture_on_commit_callbacks(execute=True):
        event_emit(event="member.joined", data={})
    delivery = Delivery.objects.get()
    assert receiver.received == [] and "loopback" in delivery.last_error


def test_only_staff_register_endpoints(member_a):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        endpoint_create(url="https://8.8.8.8/", events=["case.opened"], actor=member_a.user)
