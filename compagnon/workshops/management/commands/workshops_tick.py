"""Run every few minutes by cron: expire offers, fill seats, send due reminders."""

from django.core.management.base import BaseCommand

from compagnon.workshops.tasks import workshops_tick_run


class Command(BaseCommand):
    help = "Expire overdue seat offers, offer freed seats, and send due workshop reminders."

    def handle(self, *args, **options):
        result = workshops_tick_run()
        self.stdout.write(
            "expired offers: {expired}, new offers: {offered}, reminders: {reminders}, "
            "feedback reminders: {feedback_reminders}".format(**result)
        )
