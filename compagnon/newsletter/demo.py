"""Demo newsletter: a few subscribers in each state, a sent mailing with its log, a draft.

Idempotent by email address and subject. Written straight to the tables (no email
leaves): fictional data for a demo server.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from compagnon.newsletter.consent import CURRENT_VERSION
from compagnon.newsletter.models import (
    ConsentAction,
    ConsentRecord,
    Delivery,
    DeliveryStatus,
    Mailing,
    MailingStatus,
    Subscriber,
    SubscriberStatus,
)

DEMO_SUBSCRIBERS = [
    ("camille.lefevre@demo.example", "fr", SubscriberStatus.CONFIRMED),
    ("hugo.marchand@demo.example", "fr", SubscriberStatus.CONFIRMED),
    ("sarah.cohen@demo.example", "en", SubscriberStatus.CONFIRMED),
    ("nina.rossi@demo.example", "en", SubscriberStatus.CONFIRMED),
    ("paul.girard@demo.example", "fr", SubscriberStatus.PENDING),
    ("ines.morel@demo.example", "fr", SubscriberStatus.UNSUBSCRIBED),
]
SENT_SUBJECT = "La lettre du club — octobre"
DRAFT_SUBJECT = "La lettre du club — novembre"


def _subscriber(email: str, language: str, status: str, now) -> tuple[Subscriber, bool]:
    existing = Subscriber.objects.filter(email__iexact=email).first()
    if existing is not None:
        return existing, False
    subscribed = now - timedelta(days=60)
    subscriber = Subscriber.objects.create(
        email=email,
        language=language,
        status=status,
        confirmation_token=secrets.token_urlsafe(32),
        confirmation_sent_at=subscribed,
        confirmation_emails=1,
        confirmed_at=None if status == SubscriberStatus.PENDING else subscribed,
        unsubscribed_at=now - timedelta(days=5)
        if status == SubscriberStatus.UNSUBSCRIBED
        else None,
    )
    actions = [ConsentAction.SUBSCRIBE]
    if status != SubscriberStatus.PENDING:
        actions.append(ConsentAction.CONFIRM)
    if status == SubscriberStatus.UNSUBSCRIBED:
        actions.append(ConsentAction.UNSUBSCRIBE)
    for action in actions:
        ConsentRecord.objects.create(
            subscriber=subscriber,
            action=action,
            source="/",
            consent_version=CURRENT_VERSION if action != ConsentAction.UNSUBSCRIBE else "",
            language=language,
        )
    return subscriber, True


def demo_newsletter_load() -> int:
    """Create what does not exist yet; return how many rows of note were created."""
    now = timezone.now()
    created = 0
    with transaction.atomic():
        subscribers = []
        for email, language, status in DEMO_SUBSCRIBERS:
            subscriber, new = _subscriber(email, language, status, now)
            subscribers.append(subscriber)
            created += int(new)
        if not Mailing.objects.filter(subject=SENT_SUBJECT).exists():
            sent = Mailing.objects.create(
                subject=SENT_SUBJECT,
                body="Bonjour à toutes et à tous,\n\nVoici les nouvelles du club ce mois-ci.",
                digest="## Nouveau sur le blog\n- Binaire : la data science au service de tous",
                status=MailingStatus.SENT,
                send_started_at=now - timedelta(days=20),
                sent_at=now - timedelta(days=20),
            )
            confirmed = [s for s in subscribers if s.status != SubscriberStatus.PENDING]
            Delivery.objects.bulk_create(
                Delivery(
                    mailing=sent,
                    subscriber=s,
                    status=DeliveryStatus.SENT,
                    sent_at=now - timedelta(days=20),
                )
                for s in confirmed
            )
            sent.recipients_count = len(confirmed)
            sent.save(update_fields=["recipients_count"])
            created += 1
        if not Mailing.objects.filter(subject=DRAFT_SUBJECT).exists():
            Mailing.objects.create(
                subject=DRAFT_SUBJECT,
                body="Bonjour,\n\nLes ateliers publics de novembre sont ouverts.",
            )
            created += 1
    return created
