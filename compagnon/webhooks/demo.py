"""The demo club's webhook: one endpoint with a short delivery log, switched off so the
demo never sends anything (its receiver does not exist). Written straight to the tables."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from compagnon.webhooks.models import Delivery, DeliveryStatus, Endpoint
from compagnon.webhooks.services import secret_new

DEMO_URL = "https://hooks.demo.example.org/compagnon"


def demo_webhooks_load() -> int:
    if Endpoint.objects.filter(url=DEMO_URL).exists():
        return 0
    now = timezone.now()
    with transaction.atomic():
        endpoint = Endpoint.objects.create(
            url=DEMO_URL,
            description="Tableau de bord des animateurs (démo)",
            events=["case.opened", "workshop.published", "member.joined"],
            secret=secret_new(),
            is_active=False,
            disabled_at=now,
            disabled_reason="Démo : le récepteur n'existe pas, rien n'est envoyé.",
        )
        rows = [
            ("workshop.published", DeliveryStatus.DELIVERED, 1, 200, "", 6),
            ("case.opened", DeliveryStatus.DELIVERED, 2, 204, "", 4),
            ("member.joined", DeliveryStatus.FAILED, 6, 503, "HTTP 503", 2),
        ]
        for event, status, attempts, code, error, days_ago in rows:
            at = now - timedelta(days=days_ago)
            delivery = Delivery.objects.create(
                endpoint=endpoint,
                event=event,
                message_id=f"msg_{uuid.uuid4().hex}",
                payload={"type": event, "timestamp": at.isoformat(), "data": {"demo": True}},
                status=status,
                attempts=attempts,
                last_attempt_at=at,
                last_status_code=code,
                last_error=error,
                delivered_at=at if status == DeliveryStatus.DELIVERED else None,
            )
            # created_at is auto_now_add: the log reads the day the event happened.
            Delivery.objects.filter(pk=delivery.pk).update(created_at=at)
    return 4
