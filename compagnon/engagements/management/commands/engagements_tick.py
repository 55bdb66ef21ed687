"""Remind askers of the expert time they have not confirmed. Run it daily: it is idempotent
(one reminder per engagement and ISO week)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from compagnon.engagements.services import entry_reminders_send


class Command(BaseCommand):
    help = "Queue this week's reminders of unconfirmed expert time (once per engagement a week)."

    def handle(self, *args, **options):
        self.stdout.write(f"engagement reminders queued: {entry_reminders_send()}")
