"""Close the job offers past their date. Run it daily or more often: it is idempotent."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from compagnon.careers.tasks import offers_expire


class Command(BaseCommand):
    help = "Close the published job offers whose expiry date has passed."

    def handle(self, *args, **options):
        self.stdout.write(f"offers closed: {offers_expire.call()}")
