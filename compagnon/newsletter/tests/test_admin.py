"""The newsletter admin: a subscriber's status is consent, changed only with its record."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from compagnon.newsletter.models import ConsentAction, SubscriberStatus
from compagnon.newsletter.tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client_of, staff_user):
    assert not staff_user.is_superuser
    return client_of(staff_user)


def test_club_staff_open_the_newsletter_admin(staff):
    subscriber = SubscriberFactory()
    for url in (
        reverse("admin:newsletter_subscriber_changelist"),
        reverse("admin:newsletter_subscriber_change", args=[subscriber.pk]),
        reverse("admin:newsletter_mailing_changelist"),
        reverse("admin:newsletter_delivery_changelist"),
    ):
        assert staff.get(url).status_code == 200, url


def test_the_status_cannot_be_typed(staff):
    subscriber = SubscriberFactory(status=SubscriberStatus.UNSUBSCRIBED)
    url = reverse("admin:newsletter_subscriber_change", args=[subscriber.pk])

    staff.post(
        url,
        {
            "language": "fr",
            "status": SubscriberStatus.CONFIRMED,
            "email": "someone.else@example.org",
            "consent_records-TOTAL_FORMS": "0",
            "consent_records-INITIAL_FORMS": "0",
        },
    )

    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED
    assert subscriber.email != "someone.else@example.org"
    assert not subscriber.consent_records.exists()


def test_unsubscribing_from_the_admin_writes_the_consent_record(staff, staff_user):
    subscriber = SubscriberFactory()

    staff.post(
        reverse("admin:newsletter_subscriber_changelist"),
        {"action": "unsubscribe", ACTION_CHECKBOX_NAME: [subscriber.pk]},
    )

    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED
    record = subscriber.consent_records.get()
    assert record.action == ConsentAction.UNSUBSCRIBE
    assert record.source == f"admin:{staff_user.pk}"


def test_no_subscriber_is_added_or_deleted_around_the_double_opt_in(staff):
    subscriber = SubscriberFactory()
    assert staff.get(reverse("admin:newsletter_subscriber_add")).status_code == 403
    delete = reverse("admin:newsletter_subscriber_delete", args=[subscriber.pk])
    assert staff.get(delete).status_code == 403
