"""On PostgreSQL: batches and "Send" presses that run at the same moment send each email once."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from compagnon.core.models import OutboundEmail
from compagnon.newsletter.models import Delivery, DeliveryStatus, Mailing
from compagnon.newsletter.services import mailing_batch_deliver, mailing_send

from .factories import MailingFactory, SubscriberFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _together(count, work):
    barrier = threading.Barrier(count, timeout=10)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(work())
        except Exception as error:  # collected, a thread cannot fail the test itself
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


def test_concurrent_batches_send_each_email_once(settings):
    settings.NEWSLETTER_BATCH_SIZE = 4
    SubscriberFactory.create_batch(10)
    mailing = MailingFactory()
    # Deliveries made without running the batch task, so the threads below do all the work.
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.dummy.DummyBackend",
            "QUEUES": ["default", "email", "scoring", "insights"],
        }
    }
    mailing_send(mailing=mailing)

    results, errors = _together(4, lambda: mailing_batch_deliver(mailing_id=mailing.pk)[0])
    while Delivery.objects.filter(mailing=mailing, status=DeliveryStatus.QUEUED).exists():
        results.append(mailing_batch_deliver(mailing_id=mailing.pk)[0])

    assert errors == []
    assert sum(results) == 10
    assert OutboundEmail.objects.count() == 10
    assert len(set(OutboundEmail.objects.values_list("key", flat=True))) == 10


def test_send_pressed_twice_at_once_makes_one_list(settings):
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.dummy.DummyBackend",
            "QUEUES": ["default", "email", "scoring", "insights"],
        }
    }
    SubscriberFactory.create_batch(5)
    mailing = MailingFactory()

    results, errors = _together(2, lambda: mailing_send(mailing=Mailing.objects.get()))

    assert len(results) == 1
    assert len(errors) == 1 and isinstance(errors[0], ValidationError)
    assert Delivery.objects.filter(mailing=mailing).count() == 5
