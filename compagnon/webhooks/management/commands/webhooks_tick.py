"""Queue the webhook deliveries whose retry is due. Run it every minute (cron, timer)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from compagnon.webhooks.services import deliveries_retry_due


class Command(BaseCommand):
    help = "Queue the webhook deliveries whose retry is due."

    def handle(self, *args, **options):
        self.stdout.write(f"queued={deliveries_retry_due()}")
