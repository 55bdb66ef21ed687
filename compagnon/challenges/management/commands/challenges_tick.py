"""Re-queue the submissions a crashed worker left scoring or queued for too long.

Run it every few minutes (cron, systemd timer); it is safe to run at any time.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from compagnon.challenges.services import submissions_requeue_stuck


class Command(BaseCommand):
    help = "Re-queue challenge submissions stuck in scoring; mark failed those out of attempts."

    def handle(self, *args, **options):
        counts = submissions_requeue_stuck()
        self.stdout.write(f"requeued={counts['requeued']} failed={counts['failed']}")
