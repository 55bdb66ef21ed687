"""The core sweep: queue again the emails a killed worker left unsent, and forget the text
of emails sent more than `OUTBOX_RETENTION_DAYS` ago (`core.outbox`).

Run it every few minutes (systemd timer, cron); it is safe to run at any time and twice.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from compagnon.core.email import emails_requeue_stale
from compagnon.core.outbox import outbound_emails_purge


class Command(BaseCommand):
    help = "Queue again the unsent emails a killed worker left; forget old sent emails' text."

    def handle(self, *args, **options):
        counts = emails_requeue_stale()
        purged = outbound_emails_purge()
        self.stdout.write(
            f"emails requeued: {counts['requeued']}, lost tasks closed: {counts['abandoned_tasks']}, "
            f"old email texts forgotten: {purged}"
        )
