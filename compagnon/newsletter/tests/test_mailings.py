"""Composing a mailing, the test send, batches, retries, progress and the send log."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from compagnon.core.models import OutboundEmail
from compagnon.news.tests.factories import PostFactory
from compagnon.newsletter.models import (
    Delivery,
    DeliveryStatus,
    Mailing,
    MailingStatus,
    SubscriberStatus,
)
from compagnon.newsletter.services import (
    mailing_batch_deliver,
    mailing_create,
    mailing_send,
    subscriber_unsubscribe,
)
from compagnon.newsletter.tasks import mailing_send_batch
from compagnon.workshops.models import Audience
from compagnon.workshops.tests.factories import WorkshopFactory

from .factories import MailingFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


def test_the_digest_lists_new_posts_and_upcoming_public_workshops(staff_user):
    today = timezone.localdate()
    PostFactory(title="Fresh post", date=today - dt.timedelta(days=2), description="Why.")
    PostFactory(title="Old post", date=today - dt.timedelta(days=400))
    WorkshopFactory(title="Open forecasting", audience=Audience.PUBLIC)
    WorkshopFactory(title="Members only", audience=Audience.MEMBERS)

    mailing = mailing_create(subject="November", body="Hello", created_by=staff_user)

    assert "[Fresh post](http" in mailing.digest
    assert "Why." in mailing.digest
    assert "Old post" not in mailing.digest
    assert "Open forecasting" in mailing.digest
    assert "Members only" not in mailing.digest


def test_the_digest_starts_after_the_last_mailing(staff_user):
    today = timezone.localdate()
    MailingFactory(status=MailingStatus.SENT, sent_at=timezone.now() - dt.timedelta(days=3))
    PostFactory(title="Before", date=today - dt.timedelta(days=10))
    PostFactory(title="After", date=today - dt.timedelta(days=1))

    mailing = mailing_create(subject="December", body="", created_by=staff_user)

    assert "After" in mailing.digest
    assert "Before" not in mailing.digest


def test_staff_compose_preview_and_edit(client_of, staff_user):
    client = client_of(staff_user)
    response = client.post(
        reverse("newsletter:mailing_create"), {"subject": "November", "body": "Hi **all**"}
    )
    mailing = Mailing.objects.get()
    assert response["Location"] == mailing.get_absolute_url()

    page = client.get(mailing.get_absolute_url())
    assert "Hi all" in page.text and "Hi **all**" not in page.text  # the text twin is previewed
    assert "Send to all confirmed subscribers" in page.text

    client.post(
        reverse("newsletter:mailing_edit", args=[mailing.pk]),
        {"subject": "November issue", "body": "Hi", "digest": "Nothing new"},
    )
    mailing.refresh_from_db()
    assert (mailing.subject, mailing.digest) == ("November issue", "Nothing new")


def test_an_empty_subject_is_refused_and_nothing_is_saved(client_of, staff_user):
    response = client_of(staff_user).post(
        reverse("newsletter:mailing_create"), {"subject": "", "body": "Hi"}
    )
    assert response.status_code == 200
    assert "This field is required" in response.text
    assert not Mailing.objects.exists()


def test_the_test_goes_to_the_staff_member_only(client_of, staff_user):
    SubscriberFactory.create_batch(2)
    mailing = MailingFactory()

    client_of(staff_user).post(reverse("newsletter:mailing_test", args=[mailing.pk]))

    [email] = OutboundEmail.objects.all()
    assert email.to == [staff_user.email]
    assert email.subject == "[Test] The November issue"
    mailing.refresh_from_db()
    assert mailing.test_sent_to == staff_user.email
    assert mailing.status == MailingStatus.DRAFT
    assert not Delivery.objects.exists()


def test_sending_goes_to_confirmed_subscribers_in_batches(
    settings, django_capture_on_commit_callbacks
):
    settings.NEWSLETTER_BATCH_SIZE = 2
    confirmed = SubscriberFactory.create_batch(5)
    SubscriberFactory(status=SubscriberStatus.PENDING)
    SubscriberFactory(status=SubscriberStatus.UNSUBSCRIBED)
    mailing = MailingFactory()

    with django_capture_on_commit_callbacks(execute=True):
        mailing_send(mailing=mailing)

    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.SENT
    assert mailing.recipients_count == 5
    assert sorted(e.to[0] for e in OutboundEmail.objects.all()) == sorted(
        s.email for s in confirmed
    )
    assert OutboundEmail.objects.filter(sent_at__isnull=False).count() == 5
    email = OutboundEmail.objects.get(to=[confirmed[0].email])
    assert email.key == f"newsletter:{mailing.pk}:{confirmed[0].pk}"
    assert email.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url, mailto = email.headers["List-Unsubscribe"].split(", ")
    assert url.startswith("<http") and "/newsletter/unsubscribe/" in url
    assert mailto.startswith("<mailto:")
    assert url.strip("<>") in email.body_text
    assert url.strip("<>") in email.body_html


def test_a_retried_batch_sends_nothing_twice(settings):
    settings.NEWSLETTER_BATCH_SIZE = 2
    SubscriberFactory.create_batch(3)
    mailing = MailingFactory()
    mailing_send(mailing=mailing)  # the batch task is not run: no on_commit in this test

    assert mailing_batch_deliver(mailing_id=mailing.pk) == (2, True)
    assert mailing_send_batch.call(mailing.pk) == 1  # the next batch, then done
    assert mailing_send_batch.call(mailing.pk) == 0  # a retry finds nothing to do
    assert mailing_batch_deliver(mailing_id=mailing.pk) == (0, False)

    assert OutboundEmail.objects.count() == 3
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}


def test_a_mailing_is_sent_once_even_if_send_is_pressed_twice(client_of, staff_user):
    SubscriberFactory.create_batch(2)
    mailing = MailingFactory()
    client = client_of(staff_user)
    url = reverse("newsletter:mailing_send", args=[mailing.pk])

    client.post(url)
    response = client.post(url, follow=True)

    assert "already been sent" in response.text
    assert Delivery.objects.count() == 2


def test_someone_unsubscribing_mid_send_is_skipped(settings):
    settings.NEWSLETTER_BATCH_SIZE = 1
    SubscriberFactory.create_batch(2)
    mailing = MailingFactory()
    mailing_send(mailing=mailing)
    mailing_batch_deliver(mailing_id=mailing.pk)
    first = Delivery.objects.get(status=DeliveryStatus.SENT).subscriber
    second = Delivery.objects.get(status=DeliveryStatus.QUEUED).subscriber

    subscriber_unsubscribe(subscriber_id=second.pk, source="test", ip_hash=None)
    mailing_batch_deliver(mailing_id=mailing.pk)

    assert [e.to for e in OutboundEmail.objects.all()] == [[first.email]]
    assert Delivery.objects.get(subscriber=second).status == DeliveryStatus.SKIPPED
    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.SENT


def test_progress_fragment_polls_while_sending(client_of, staff_user):
    SubscriberFactory.create_batch(3)
    mailing = MailingFactory()
    mailing_send(mailing=mailing)
    client = client_of(staff_user)

    fragment = client.get(reverse("newsletter:mailing_progress", args=[mailing.pk]))
    assert 'hx-trigger="every 2s"' in fragment.text
    assert "0 of 3 handed to the outbox" in fragment.text
    assert "<progress" in fragment.text
    page = client.get(mailing.get_absolute_url())
    assert "Refresh" in page.text  # works without JS

    mailing_batch_deliver(mailing_id=mailing.pk)
    fragment = client.get(reverse("newsletter:mailing_progress", args=[mailing.pk]))
    assert "3 of 3 handed to the outbox" in fragment.text
    assert "hx-trigger" not in fragment.text


@pytest.mark.parametrize("count", [1, 3])
def test_send_log_query_count_is_constant(client_of, staff_user, django_assert_num_queries, count):
    SubscriberFactory.create_batch(count)
    mailing = MailingFactory()
    mailing_send(mailing=mailing)
    mailing_batch_deliver(mailing_id=mailing.pk)
    client = client_of(staff_user)

    with django_assert_num_queries(7):  # 6, and the paginator's count
        response = client.get(reverse("newsletter:mailing_log", args=[mailing.pk]))
    assert response.text.count("@example.org") == count


@pytest.mark.parametrize("count", [1, 3])
def test_mailing_list_query_count_is_constant(
    client_of, staff_user, django_assert_num_queries, count
):
    MailingFactory.create_batch(count, created_by=staff_user)
    client = client_of(staff_user)

    with django_assert_num_queries(5):
        response = client.get(reverse("newsletter:mailing_list"))
    assert response.text.count("The November issue") == count


def test_sending_with_no_confirmed_subscriber_is_refused_and_the_draft_stays(client_of, staff_user):
    SubscriberFactory(status=SubscriberStatus.PENDING)
    mailing = MailingFactory()

    response = client_of(staff_user).post(
        reverse("newsletter:mailing_send", args=[mailing.pk]), follow=True
    )

    assert "No one has confirmed a subscription yet" in response.text
    assert "Sending started" not in response.text
    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.DRAFT
    assert mailing.send_started_at is None
    assert not Delivery.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_a_test_without_an_email_address_says_so_and_sends_nothing(client_of, staff_user):
    staff_user.email = ""
    staff_user.save(update_fields=["email"])
    mailing = MailingFactory()

    response = client_of(staff_user).post(
        reverse("newsletter:mailing_test", args=[mailing.pk]), follow=True
    )

    assert "Your account has no email address" in response.text
    assert not OutboundEmail.objects.exists()
    mailing.refresh_from_db()
    assert (mailing.test_sent_to, mailing.test_sent_at) == ("", None)


def test_a_sent_mailing_cannot_be_edited_nor_its_digest_regenerated(client_of, staff_user):
    mailing = MailingFactory(status=MailingStatus.SENT, sent_at=timezone.now())
    client = client_of(staff_user)

    edit = client.post(
        reverse("newsletter:mailing_edit", args=[mailing.pk]),
        {"subject": "Changed", "body": "Changed", "digest": "Changed"},
        follow=True,
    )
    digest = client.post(reverse("newsletter:mailing_digest", args=[mailing.pk]), follow=True)

    for response in (edit, digest):
        assert "This mailing has already been sent: it can no longer change." in response.text
    mailing.refresh_from_db()
    assert (mailing.subject, mailing.body) == ("The November issue", "Hello **readers**.")
    assert mailing.digest.startswith("## New on the blog")


def test_the_send_log_of_a_sent_mailing_with_a_skipped_delivery_answers(client_of, staff_user):
    """A delivery skipped (unsubscribed meanwhile) has no outbox row: the log used to 500."""
    from compagnon.newsletter.models import Subscriber, SubscriberStatus

    kept, gone = SubscriberFactory.create_batch(2)
    mailing = MailingFactory()
    mailing_send(mailing=mailing)
    Subscriber.objects.filter(pk=gone.pk).update(status=SubscriberStatus.UNSUBSCRIBED)
    mailing_batch_deliver(mailing_id=mailing.pk)

    response = client_of(staff_user).get(reverse("newsletter:mailing_log", args=[mailing.pk]))
    assert response.status_code == 200
    assert kept.email in response.text and gone.email in response.text
    assert "Skipped" in response.text


def test_the_send_log_is_paginated(client_of, staff_user, monkeypatch):
    from compagnon.newsletter import views

    SubscriberFactory.create_batch(3)
    mailing = MailingFactory()
    mailing_send(mailing=mailing)
    mailing_batch_deliver(mailing_id=mailing.pk)
    client = client_of(staff_user)
    url = reverse("newsletter:mailing_log", args=[mailing.pk])
    monkeypatch.setattr(views, "MAILING_LOG_PAGE_SIZE", 2)
    first = client.get(url)
    second = client.get(url, {"page": "2"})
    junk = client.get(url, {"page": "99999999999999999999"})
    assert first.text.count("@example.org") == 2
    assert "Page 1 of 2" in first.text
    assert second.text.count("@example.org") == 1
    assert junk.status_code == 200  # the last page, not an error
