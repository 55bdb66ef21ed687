"""Subscribing: double opt-in, one neutral answer, and every bad input named in the issue."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from compagnon.core.models import OutboundEmail
from compagnon.newsletter.consent import CURRENT_VERSION
from compagnon.newsletter.models import (
    ConsentAction,
    ConsentRecord,
    Subscriber,
    SubscriberStatus,
)
from compagnon.newsletter.services import SubscribeOutcome, subscriber_subscribe

from .factories import SubscriberFactory

pytestmark = pytest.mark.django_db
URL = "/newsletter/"


def post(client, **overrides):
    data = {
        "email": "Lea@Example.ORG",
        "language": "fr",
        "consent": "on",
        "consent_version": CURRENT_VERSION,
        "source": "/blog/binaire/",
        **overrides,
    }
    return client.post(URL, data)


def test_the_page_shows_the_consent_text_and_labelled_fields(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert "I agree to receive the club&#x27;s newsletter" in response.text
    for field in ("newsletter-email", "newsletter-language", "newsletter-consent"):
        assert f'for="{field}"' in response.text
    assert 'aria-describedby="newsletter-consent-text"' in response.text


def test_subscribing_sends_only_the_confirmation(client):
    response = post(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("newsletter:subscribe_done")
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "Lea@example.org"  # domain lower-cased, local part kept
    assert subscriber.status == SubscriberStatus.PENDING
    assert subscriber.language == "fr"
    [email] = OutboundEmail.objects.all()
    assert email.to == ["Lea@example.org"]
    assert subscriber.confirmation_token in email.body_text
    [record] = ConsentRecord.objects.all()
    assert record.action == ConsentAction.SUBSCRIBE
    assert record.source == "/blog/binaire/"
    assert record.consent_version == CURRENT_VERSION
    assert record.ip_hash and "127.0.0.1" not in record.ip_hash


def test_confirmation_email_speaks_the_chosen_language(client):
    post(client, language="en")
    assert OutboundEmail.objects.get().subject.startswith("Confirm your subscription")


def test_an_address_already_confirmed_gets_the_same_answer_and_no_email(client):
    SubscriberFactory(email="lea@example.org")

    response = post(client, email="LEA@example.org")

    assert response.status_code == 302
    assert response["Location"] == reverse("newsletter:subscribe_done")
    assert Subscriber.objects.count() == 1
    assert not OutboundEmail.objects.exists()
    assert not ConsentRecord.objects.exists()


def test_an_unconfirmed_address_gets_one_confirmation_per_window(client):
    first = post(client)
    second = post(client, email="lea@EXAMPLE.org")

    assert first["Location"] == second["Location"]  # same neutral answer
    assert Subscriber.objects.count() == 1
    assert OutboundEmail.objects.count() == 1


def test_an_unconfirmed_address_gets_a_new_link_after_the_window():
    now = timezone.now()
    subscribe = {"email": "lea@example.org", "language": "en", "source": "/", "ip_hash": None}
    assert subscriber_subscribe(**subscribe, now=now) == SubscribeOutcome.CONFIRMATION_SENT
    old_token = Subscriber.objects.get().confirmation_token
    assert subscriber_subscribe(**subscribe, now=now + timedelta(minutes=5)) == (
        SubscribeOutcome.THROTTLED
    )
    assert subscriber_subscribe(**subscribe, now=now + timedelta(minutes=16)) == (
        SubscribeOutcome.CONFIRMATION_SENT
    )
    assert OutboundEmail.objects.count() == 2
    assert Subscriber.objects.get().confirmation_token != old_token


@pytest.mark.parametrize("bad", ["lea", "lea@", "@example.org", "lea@@example.org", "a b@c.d"])
def test_a_malformed_address_is_named_and_nothing_is_written(client, bad):
    response = post(client, email=bad)

    assert response.status_code == 200
    assert "is not an email address" in response.text
    assert 'aria-describedby="newsletter-email-error"' in response.text
    assert 'id="newsletter-email-error"' in response.text
    assert not Subscriber.objects.exists()
    assert not OutboundEmail.objects.exists()
    assert not ConsentRecord.objects.exists()


def test_without_consent_nothing_is_written(client):
    response = post(client, consent="")

    assert "Tick the box to agree" in response.text
    assert 'value="Lea@Example.ORG"' in response.text  # what was typed is kept
    assert not Subscriber.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_an_unknown_consent_version_is_refused(client):
    response = post(client, consent_version="1999-01")

    assert "The consent text has changed" in response.text
    assert not Subscriber.objects.exists()


def test_the_honeypot_gets_the_neutral_answer_and_writes_nothing(client):
    response = post(client, website="http://spam.example")

    assert response.status_code == 302
    assert not Subscriber.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_a_bot_posting_100_times_a_minute_is_stopped(client, settings):
    settings.NEWSLETTER_SUBSCRIBE_RATE_LIMIT = 5
    statuses = [post(client, email=f"bot{n}@spam.example").status_code for n in range(100)]

    assert statuses[:5] == [302] * 5
    assert set(statuses[5:]) == {429}
    assert Subscriber.objects.count() == 5
    assert OutboundEmail.objects.count() == 5
    assert "Too many attempts" in post(client).text


def test_the_limit_is_per_address(client):
    for n in range(6):
        post(client, email=f"bot{n}@spam.example")
    assert post(client).status_code == 429

    other = client.post(
        URL,
        {
            "email": "zoe@example.org",
            "language": "en",
            "consent": "on",
            "consent_version": CURRENT_VERSION,
        },
        REMOTE_ADDR="10.9.8.7",
    )
    assert other.status_code == 302


def test_an_unsubscribed_address_can_subscribe_again(client):
    SubscriberFactory(email="lea@example.org", status=SubscriberStatus.UNSUBSCRIBED)

    post(client)

    subscriber = Subscriber.objects.get()
    assert subscriber.status == SubscriberStatus.PENDING
    assert OutboundEmail.objects.count() == 1


def test_the_partial_works_on_any_page(rf):
    from django.template.loader import render_to_string

    request = rf.get("/")
    html = render_to_string(
        "newsletter/_subscribe_form.html", {"newsletter_prefix": "footer"}, request=request
    )
    assert 'id="footer-email"' in html
    assert 'name="source" value="/"' in html
    assert "csrfmiddlewaretoken" in html
