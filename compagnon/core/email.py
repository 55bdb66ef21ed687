"""Queue an email so that it leaves only if, and after, the transaction commits."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from django.db import transaction

from compagnon.core.models import OutboundEmail


@dataclass(frozen=True)
class Attachment:
    """A small file sent with an email (an .ics); text is stored as is, bytes as base64."""

    filename: str
    content: str | bytes
    mimetype: str = "application/octet-stream"

    def as_json(self) -> dict[str, object]:
        if isinstance(self.content, bytes):
            return {
                "filename": self.filename,
                "content": base64.b64encode(self.content).decode("ascii"),
                "mimetype": self.mimetype,
                "base64": True,
            }
        return {
            "filename": self.filename,
            "content": self.content,
            "mimetype": self.mimetype,
            "base64": False,
        }


def attachment_payload(data: dict) -> tuple[str, str | bytes, str]:
    """The (filename, content, mimetype) triple Django's EmailMessage.attach takes."""
    content: str | bytes = data.get("content", "")
    if data.get("base64"):
        content = base64.b64decode(str(content))
    return str(data.get("filename") or "attachment"), content, str(data.get("mimetype") or "")


def email_queue(
    *,
    to: list[str],
    subject: str,
    text: str,
    html: str = "",
    key: str | None = None,
    headers: dict[str, str] | None = None,
    attachments: list[Attachment] | None = None,
) -> OutboundEmail:
    """Record an email and send it from the task queue once the caller commits.

    `key` makes the call idempotent: queueing the same key twice keeps one email.
    `attachments` are small files kept on the row (an .ics), sent with every attempt.
    """
    from compagnon.core.outbox import addresses_deliverable
    from compagnon.core.tasks import send_outbound_email

    # An erased person is never written to: the row is kept (its key stops a
    # second try) with no recipient, and the task sends it to nobody.
    to = addresses_deliverable(to)
    if key is not None:
        existing = OutboundEmail.objects.filter(key=key).first()
        if existing is not None:
            return existing
    email = OutboundEmail.objects.create(
        key=key,
        to=to,
        subject=subject,
        body_text=text,
        body_html=html,
        headers=headers or {},
        attachments=[attachment.as_json() for attachment in attachments or []],
    )
    transaction.on_commit(lambda: send_outbound_email.enqueue(email.pk))
    return email
