from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from compagnon.core.email import attachment_payload, email_subject_clean
from compagnon.core.models import OutboundEmail

logger = logging.getLogger(__name__)


@task(queue_name="email")
def send_outbound_email(email_id: int) -> bool:
    """Send one queued email; safe to run twice (returns False when already sent)."""
    with transaction.atomic():
        # The row lock makes two workers that picked up the same id take turns,
        # and the second sees sent_at and stops.
        email = OutboundEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.sent_at is not None:
            return False
        email.attempts += 1
        message = EmailMultiAlternatives(
            subject=email_subject_clean(email.subject),
            body=email.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=email.to,
            headers=email.headers or None,
        )
        if email.body_html:
            message.attach_alternative(email.body_html, "text/html")
        for attachment in email.attachments or []:
            message.attach(*attachment_payload(attachment))
        try:
            message.send()
        except Exception as error:
            email.last_error = str(error)[:2000]
            email.save(update_fields=["attempts", "last_error"])
            logger.warning("Email %s failed: %s", email.pk, error)
            failure = error
        else:
            email.sent_at = timezone.now()
            email.last_error = ""
            email.save(update_fields=["attempts", "sent_at", "last_error"])
            return True
    # Raised after the block commits, so the attempt and its error are kept
    # and the task backend still sees the failure and may retry.
    raise failure


@task()
def core_tick() -> dict[str, int]:
    """The core sweep as a task (`manage.py core_tick`), for the in-stack scheduler; idempotent."""
    from compagnon.core.email import emails_requeue_stale
    from compagnon.core.outbox import outbound_emails_purge

    counts = emails_requeue_stale()
    return {**counts, "purged": outbound_emails_purge()}
