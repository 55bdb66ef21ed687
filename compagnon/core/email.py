"""Queue an email so that it leaves only if, and after, the transaction commits."""

from __future__ import annotations

import base64
import datetime as dt
import logging
import re
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from compagnon.core.models import OutboundEmail

logger = logging.getLogger(__name__)

SEND_TASK_PATH = "compagnon.core.tasks.send_outbound_email"


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
        subject=email_subject_clean(subject),
        body_text=text,
        body_html=html,
        headers=headers or {},
        attachments=[attachment.as_json() for attachment in attachments or []],
    )
    transaction.on_commit(lambda: send_outbound_email.enqueue(email.pk))
    return email


def emails_requeue_stale(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Queue again the unsent emails whose send task is older than EMAIL_REQUEUE_AFTER_MINUTES.

    A worker killed mid-send (or a queue lost with its server) leaves the email unsent and
    its task RUNNING for ever. This sweep runs from `core_tick` and at worker start. It is
    idempotent: an email is claimed under a row lock (two sweeps at once skip each other's
    rows) and stamped `queued_at`, so a second sweep finds nothing to do; the send itself
    stops at `sent_at`, so a task that comes back to life sends nothing twice. Emails out
    of attempts (EMAIL_MAX_ATTEMPTS) are left for a person to look at. Database-queue tasks
    of this send left RUNNING past the delay are marked FAILED, so the queue tells the truth.

    Returns {"requeued": n, "abandoned_tasks": m}.
    """
    from django_tasks_db.models import DBTaskResult

    from compagnon.core.tasks import send_outbound_email

    now = now or timezone.now()
    cutoff = now - dt.timedelta(minutes=settings.EMAIL_REQUEUE_AFTER_MINUTES)
    with transaction.atomic():
        stale = list(
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(sent_at=None, queued_at__lt=cutoff, attempts__lt=settings.EMAIL_MAX_ATTEMPTS)
            .order_by("queued_at")
            .values_list("pk", flat=True)[:1000]
        )
        OutboundEmail.objects.filter(pk__in=stale).update(queued_at=now)
        for pk in stale:
            transaction.on_commit(partial(send_outbound_email.enqueue, pk))
    abandoned = DBTaskResult.objects.filter(
        task_path=SEND_TASK_PATH, status="RUNNING", started_at__lt=cutoff
    ).update(
        status="FAILED",
        finished_at=now,
        exception_class_path="compagnon.core.email.WorkerLost",
        traceback="The worker stopped while sending; the email sweep queued the email again.",
    )
    if stale or abandoned:
        logger.warning("Email sweep: %d queued again, %d lost tasks closed", len(stale), abandoned)
    return {"requeued": len(stale), "abandoned_tasks": abandoned}
