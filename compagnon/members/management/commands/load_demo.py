"""Load the fictional demo club (idempotent: `make run` calls it on every start)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from compagnon.cases.demo import demo_cases_load
from compagnon.challenges.demo import demo_challenges_load
from compagnon.knowledge.demo import demo_knowledge_load
from compagnon.members.demo import demo_club_load
from compagnon.news.demo import demo_news_load
from compagnon.newsletter.demo import demo_newsletter_load
from compagnon.workshops.demo import demo_workshops_load

# Each loader is idempotent and returns how many things it created; order matters
# (workshops come from cases, reports from workshops).
DEMO_PARTS = (
    ("cases", demo_cases_load),
    ("workshops", demo_workshops_load),
    ("workshop reports", demo_knowledge_load),
    ("blog posts", demo_news_load),
    ("newsletter subscribers", demo_newsletter_load),
    ("challenges", demo_challenges_load),
)


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
        demo_club_load(stdout=self.stdout)
        for label, load in DEMO_PARTS:
            created = load()
            if created:
                self.stdout.write(f"Demo {label} created: {created}.")
