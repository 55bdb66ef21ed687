"""Run nightly by cron: recompute the insights snapshots the pages read."""

from django.core.management.base import BaseCommand

from compagnon.insights.services import snapshots_recompute_all


class Command(BaseCommand):
    help = "Recompute skills growth and retention figures for the club and each organisation."

    def handle(self, *args, **options):
        count = snapshots_recompute_all()
        self.stdout.write(f"insights: {count} snapshots computed")
