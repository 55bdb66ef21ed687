"""Run nightly by cron: learn the matching weights from the club's answers."""

from django.core.management.base import BaseCommand

from compagnon.matching.services import ranking_model_train


class Command(BaseCommand):
    help = "Fit a new matching model on invitation answers, attendance and feedback."

    def handle(self, *args, **options):
        model = ranking_model_train()
        state = "active" if model.is_active else "stored, not active (too few answers)"
        self.stdout.write(f"ranking model v{model.version}: {model.cases} cases, {state}")
