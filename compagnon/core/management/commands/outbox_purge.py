"""Run daily (cron or a systemd timer): blank the text of emails older than the retention."""

from django.conf import settings
from django.core.management.base import BaseCommand

from compagnon.core.outbox import outbound_emails_purge


class Command(BaseCommand):
    help = (
        "Blank the bodies of sent emails older than OUTBOX_RETENTION_DAYS "
        "(who got what and when is kept). Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Keep this many days instead of OUTBOX_RETENTION_DAYS.",
        )

    def handle(self, *args, **options):
        days = options["days"] if options["days"] is not None else settings.OUTBOX_RETENTION_DAYS
        purged = outbound_emails_purge(days=days)
        self.stdout.write(f"email bodies purged: {purged} (kept: the last {days} days)")
