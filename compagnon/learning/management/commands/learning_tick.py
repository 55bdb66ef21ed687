"""Send the cohorts' weekly reminders due today. Run it daily or more often: it is idempotent."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from compagnon.learning.services import cohort_reminders_send


class Command(BaseCommand):
    help = "Queue the weekly cohort reminders due today (each member once a week)."

    def handle(self, *args, **options):
        self.stdout.write(f"cohort reminders queued: {cohort_reminders_send()}")
