"""Queue an email so that it leaves only if, and after, the transaction commits."""

from __future__ import annotations

import base64
import re
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


# CR, LF and the other line breaks Python's str.splitlines() knows: a header holds one line.
_LINE_BREAKS = re.compile(r"[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+")


def email_subject_clean(subject: str) -> str:
    """The subject on one line: a title typed with line breaks would fail every send for good."""
    return re.sub(r"[ \t]{2,}", " ", _LINE_BREAKS.sub(" ", subject or "")).strip()


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
    from compagnon.core.tasks import send_outbound_email

    if key is not None:
        existing = OutboundEmail.objects.filter(key=key).first()
        if existing is not None:
            return existing
    email = OutboundEmail.objects.create(
        key=key,
        to=to,
        subject=email_subject_clean(subject),
        body_text=text,
        body_html=html,
        headers=headers or {},
        attachments=[attachment.as_json() for attachment in attachments or []],
    )
    transaction.on_commit(lambda: send_outbound_email.enqueue(email.pk))
    return email
