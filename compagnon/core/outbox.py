"""The outbox as personal data: what was sent to an address, and how long its text is kept.

An `OutboundEmail` row is the club's log of who was told what and when. Its
bodies (and attachments, headers with personal links) are the personal data
that matters, so they are blanked once `OUTBOX_RETENTION_DAYS` have passed; the
address, subject and dates stay as the log. Erasure goes further for one
address: the rows sent to it lose their address and subject as well, and the
rows not yet sent are dropped (they would go to a person who asked to be
forgotten).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from compagnon.core.models import OutboundEmail

# An erased person keeps their rows under an address that can never receive mail
# (RFC 2606 reserves .invalid); nothing is ever queued to it.
ERASED_EMAIL_DOMAIN = "erased.invalid"


def addresses_deliverable(addresses: list[str]) -> list[str]:
    """The addresses left once erased people's tombstone addresses are taken out."""
    return [a for a in addresses if not str(a).strip().lower().endswith("@" + ERASED_EMAIL_DOMAIN)]


# What "blank" looks like, so the purge can skip rows it already did.
_HAS_CONTENT = ~Q(body_text="") | ~Q(body_html="") | ~Q(attachments=[]) | ~Q(headers={})


def outbound_emails_to(address: str) -> QuerySet[OutboundEmail]:
    """The emails whose recipients include `address` (any case), newest first.

    `to` is a JSON list: the text pre-filter works on SQLite and PostgreSQL alike,
    and the exact check (one address among several) is made on the ids it finds.
    """
    wanted = address.strip().lower()
    if not wanted:
        return OutboundEmail.objects.none()
    ids = [
        pk
        for pk, to in OutboundEmail.objects.filter(to__icontains=wanted).values_list("pk", "to")
        if any(str(item).strip().lower() == wanted for item in to or [])
    ]
    return OutboundEmail.objects.filter(pk__in=ids).order_by("-created_at", "-pk")


def outbound_emails_purge(*, now: dt.datetime | None = None, days: int | None = None) -> int:
    """Blank the bodies of emails sent more than `days` ago; returns how many rows changed.

    Only sent emails: an unsent one is still waiting for its (re)try. Idempotent.
    """
    now = now or timezone.now()
    days = settings.OUTBOX_RETENTION_DAYS if days is None else days
    cutoff = now - dt.timedelta(days=days)
    with transaction.atomic():
        return (
            OutboundEmail.objects.filter(sent_at__isnull=False, sent_at__lt=cutoff)
            .filter(_HAS_CONTENT)
            .update(body_text="", body_html="", attachments=[], headers={})
        )


def outbound_emails_erase_for(*, addresses: list[str]) -> tuple[int, int]:
    """Forget what was sent to these addresses: (rows scrubbed, unsent rows dropped).

    A sent row keeps its key and dates (so a retried event is not sent again) but
    loses everything that says who it was for and what it said. When other
    recipients shared the email, only this address leaves its recipient list.
    """
    wanted = {a.strip().lower() for a in addresses if a and a.strip()}
    scrubbed = dropped = 0
    with transaction.atomic():
        for address in wanted:
            for email in outbound_emails_to(address).select_for_update():
                others = [item for item in email.to if str(item).strip().lower() not in wanted]
                if others:
                    email.to = others
                    email.save(update_fields=["to"])
                    continue
                if email.sent_at is None:
                    email.delete()
                    dropped += 1
                    continue
                email.to = []
                email.subject = ""
                email.body_text = ""
                email.body_html = ""
                email.attachments = []
                email.headers = {}
                email.last_error = ""
                email.save(
                    update_fields=[
                        "to",
                        "subject",
                        "body_text",
                        "body_html",
                        "attachments",
                        "headers",
                        "last_error",
                    ]
                )
                scrubbed += 1
    return scrubbed, dropped
