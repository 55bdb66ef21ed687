"""Queue an email so that it leaves only if, and after, the transaction commits."""

from __future__ import annotations

from django.db import transaction

from compagnon.core.models import OutboundEmail


def email_queue(
    *,
    to: list[str],
    subject: str,
    text: str,
    html: str = "",
    key: str | None = None,
    headers: dict[str, str] | None = None,
) -> OutboundEmail:
    """Record an email and send it from the task queue once the caller commits.

    `key` makes the call idempotent: queueing the same key twice keeps one email.
    """
    from compagnon.core.tasks import send_outbound_email

    if key is not None:
        existing = OutboundEmail.objects.filter(key=key).first()
        if existing is not None:
            return existing
    email = OutboundEmail.objects.create(
        key=key, to=to, subject=subject, body_text=text, body_html=html, headers=headers or {}
    )
    transaction.on_commit(lambda: send_outbound_email.enqueue(email.pk))
    return email
