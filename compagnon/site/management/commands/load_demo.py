"""Load the fictional demo club (idempotent: `make run` calls it on every start)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from compagnon.site.demo.loader import demo_load_all


class Command(BaseCommand):
    help = (
        "Load a fictional demo club (3 bases, about 30 organisations, 300 people, 4 logins). "
        "Safe to run again: an existing demo is left as it is."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load the demo even in production (COMPAGNON_ENV=production).",
        )

    def handle(self, *args, **options):
        if settings.PRODUCTION and not options["force"]:
            raise CommandError(
                "Refusing to load fictional demo people into a production database. "
                "Use --force if this really is a demo server."
            )
        demo_load_all(stdout=self.stdout)
