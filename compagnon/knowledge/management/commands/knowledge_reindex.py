"""Rebuild the search index of reports and notes (after a restore, or an edit made by SQL)."""

from django.core.management.base import BaseCommand

from compagnon.knowledge.services import search_reindex


class Command(BaseCommand):
    help = "Rebuild the full-text search index of workshop reports and best-practice notes."

    def handle(self, *args, **options):
        count = search_reindex()
        self.stdout.write(f"{count} documents indexed.")
