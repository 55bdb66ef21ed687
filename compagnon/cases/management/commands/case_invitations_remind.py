"""Send the reminders due on pending case invitations. Run daily (cron or a systemd timer)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from compagnon.cases.invitations import case_invitations_remind_due


class Command(BaseCommand):
    help = "Send the one reminder due on each pending case invitation (safe to run any number of times)."

    def handle(self, *args, **options) -> None:
        sent = case_invitations_remind_due()
        self.stdout.write(f"{sent} reminder(s) sent.")
