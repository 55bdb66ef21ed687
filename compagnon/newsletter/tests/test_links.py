"""Confirmation and one-click unsubscribe links: scanners, tampering, expiry."""

from datetime import timedelta

import pytest
import time_machine
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from compagnon.newsletter.models import (
    ConsentAction,
    ConsentRecord,
    Delivery,
    DeliveryStatus,
    SubscriberStatus,
)
from compagnon.newsletter.tokens import unsubscribe_token

from .factories import MailingFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending():
    return SubscriberFactory(
        status=SubscriberStatus.PENDING, confirmed_at=None, confirmation_sent_at=timezone.now()
    )


def confirm_url(subscriber):
    return reverse("newsletter:confirm", args=[subscriber.confirmation_token])


def test_opening_the_confirmation_link_changes_nothing(client, pending):
    response = client.get(confirm_url(pending))

    assert response.status_code == 200
    assert "Yes, confirm my subscription" in response.text
    pending.refresh_from_db()
    assert pending.status == SubscriberStatus.PENDING


def test_pressing_the_button_confirms_and_records_consent(client, pending):
    response = client.post(confirm_url(pending))

    assert response.status_code == 200
    assert "Subscription confirmed" in response.text
    pending.refresh_from_db()
    assert pending.status == SubscriberStatus.CONFIRMED
    assert pending.confirmed_at is not None
    [record] = ConsentRecord.objects.filter(action=ConsentAction.CONFIRM)
    assert record.source == "/newsletter/confirm/"  # not the token


def test_confirming_twice_is_harmless(client, pending):
    client.post(confirm_url(pending))
    response = client.post(confirm_url(pending))

    assert response.status_code == 200
    assert ConsentRecord.objects.filter(action=ConsentAction.CONFIRM).count() == 1


def test_an_expired_confirmation_link_says_so_and_changes_nothing(client, pending):
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        response = client.post(confirm_url(pending))

    assert response.status_code == 404
    assert "This confirmation link has expired" in response.text
    pending.refresh_from_db()
    assert pending.status == SubscriberStatus.PENDING
    assert not ConsentRecord.objects.exists()


def test_an_unknown_confirmation_link_says_so(client):
    response = client.get(reverse("newsletter:confirm", args=["nope"]))
    assert response.status_code == 404
    assert "This confirmation link is not valid" in response.text


def test_opening_the_unsubscribe_link_changes_nothing(client):
    subscriber = SubscriberFactory()
    url = reverse("newsletter:unsubscribe", args=[unsubscribe_token(subscriber_id=subscriber.pk)])

    response = client.get(url)

    assert response.status_code == 200
    assert subscriber.email in response.text
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.CONFIRMED


def test_one_click_post_needs_no_cookie_and_no_csrf_token():
    subscriber = SubscriberFactory()
    mailing = MailingFactory()
    Delivery.objects.create(mailing=mailing, subscriber=subscriber)
    token = unsubscribe_token(subscriber_id=subscriber.pk, mailing_id=mailing.pk)
    mail_provider = Client(enforce_csrf_checks=True)

    response = mail_provider.post(
        reverse("newsletter:unsubscribe", args=[token]),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED
    assert Delivery.objects.get().status == DeliveryStatus.SKIPPED
    [record] = ConsentRecord.objects.all()
    assert record.action == ConsentAction.UNSUBSCRIBE
    assert record.source == f"mailing:{mailing.pk}"


def test_unsubscribing_twice_is_harmless(client):
    subscriber = SubscriberFactory()
    url = reverse("newsletter:unsubscribe", args=[unsubscribe_token(subscriber_id=subscriber.pk)])
    client.post(url)
    response = client.post(url)

    assert response.status_code == 200
    assert ConsentRecord.objects.count() == 1


@pytest.mark.parametrize(
    "make_token",
    [
        lambda pk: unsubscribe_token(subscriber_id=pk)[:-3] + "abc",  # signature changed
        lambda pk: signing.dumps({"s": pk + 1, "m": None}, salt="another.purpose"),
        lambda pk: signing.dumps({"s": pk, "m": None}),  # no salt
        lambda pk: "not-a-token",
    ],
    ids=["tampered", "other-salt", "unsalted", "garbage"],
)
def test_a_tampered_unsubscribe_token_changes_nothing(client, make_token):
    subscriber = SubscriberFactory()
    url = reverse("newsletter:unsubscribe", args=[make_token(subscriber.pk)])

    for response in (client.get(url), client.post(url)):
        assert response.status_code == 400
        assert "This unsubscribe link is damaged" in response.text
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.CONFIRMED
    assert not ConsentRecord.objects.exists()


def test_an_expired_unsubscribe_token_changes_nothing(client, settings):
    settings.NEWSLETTER_UNSUBSCRIBE_MAX_AGE_DAYS = 30
    subscriber = SubscriberFactory()
    url = reverse("newsletter:unsubscribe", args=[unsubscribe_token(subscriber_id=subscriber.pk)])

    with time_machine.travel(timezone.now() + timedelta(days=31)):
        response = client.post(url)

    assert response.status_code == 410
    assert "This unsubscribe link has expired" in response.text
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.CONFIRMED
    assert not ConsentRecord.objects.exists()


def test_a_replaced_confirmation_link_says_so_and_changes_nothing(client, pending):
    old_url = confirm_url(pending)
    pending.confirmation_token = "a-newer-token"  # as a second subscription does
    pending.save(update_fields=["confirmation_token"])

    response = client.post(old_url)

    assert response.status_code == 404
    assert "This confirmation link is not valid" in response.text
    assert "Subscribe again" in response.text
    pending.refresh_from_db()
    assert pending.status == SubscriberStatus.PENDING
    assert not ConsentRecord.objects.exists()


def test_the_confirmation_link_of_an_unsubscribed_address_changes_nothing(client):
    subscriber = SubscriberFactory(status=SubscriberStatus.UNSUBSCRIBED)

    response = client.post(confirm_url(subscriber))

    assert response.status_code == 404
    assert "Subscribe again to receive a new link" in response.text
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED
    assert not ConsentRecord.objects.exists()


def test_the_unsubscribe_link_of_a_deleted_address_says_there_is_nothing_to_do(client):
    subscriber = SubscriberFactory()
    url = reverse("newsletter:unsubscribe", args=[unsubscribe_token(subscriber_id=subscriber.pk)])
    subscriber.delete()

    for response in (client.get(url), client.post(url)):
        assert response.status_code == 404
        assert "This address is no longer on our list" in response.text
    assert not ConsentRecord.objects.exists()
