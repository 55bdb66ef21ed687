"""manage.py import_posts DIR: import a folder of Docusaurus blog posts (idempotent by slug)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from compagnon.news.importing import ImportRefused, import_directory


class Command(BaseCommand):
    help = "Import a folder of Docusaurus blog posts (Markdown with front matter) and images."

    def add_arguments(self, parser):
        parser.add_argument("directory")
        parser.add_argument(
            "--draft", action="store_true", help="Import new posts as drafts, not published."
        )

    def handle(self, *args, directory: str, draft: bool, **options):
        try:
            report = import_directory(directory, publish=not draft)
        except ImportRefused as error:
            raise CommandError(str(error)) from None
        for entry in report.files:
            if entry.ok:
                self.stdout.write(f"{entry.outcome}: {entry.path} -> {entry.slug}")
            else:
                self.stderr.write(f"error: {entry.path}: {entry.error}")
            for warning in entry.warnings:
                self.stderr.write(f"warning: {entry.path}: {warning}")
        self.stdout.write(
            f"{report.created} created, {report.updated} updated, {len(report.errors)} errors"
        )
        if report.errors:
            raise CommandError(f"{len(report.errors)} file(s) could not be imported")
