"""The core sweep: queue again the emails a killed worker left unsent.

Run it every few minutes (systemd timer, cron); it is safe to run at any time and twice.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from compagnon.core.email import emails_requeue_stale


class Command(BaseCommand):
    help = "Queue again the unsent emails whose send task is stale (a worker killed mid-send)."

    def handle(self, *args, **options):
        counts = emails_requeue_stale()
        self.stdout.write(
            f"emails requeued: {counts['requeued']}, lost tasks closed: {counts['abandoned_tasks']}"
        )
