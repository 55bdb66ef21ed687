"""Sending a mailing, one batch per task; each task enqueues the next while rows remain."""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from compagnon.newsletter.services import mailing_batch_deliver


@task(queue_name="email")
def mailing_send_batch(mailing_id: int) -> int:
    """Idempotent: a batch run twice finds its rows already handed over and sends nothing."""
    handed, remaining = mailing_batch_deliver(mailing_id=mailing_id)
    if remaining:
        transaction.on_commit(lambda: mailing_send_batch.enqueue(mailing_id))
    return handed
