"""Webhook deliveries run in the task queue; an attempt claims its row, so a task
delivered twice attempts once."""

from __future__ import annotations

from django_tasks import task

from compagnon.webhooks.services import deliveries_retry_due, delivery_attempt


@task()
def webhook_deliver(delivery_id: int) -> str:
    return delivery_attempt(delivery_id=delivery_id)


@task()
def webhooks_sweep() -> int:
    return deliveries_retry_due()
