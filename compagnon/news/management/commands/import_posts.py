"""manage.py import_posts [--dry-run] DIR: import a Docusaurus site or blog folder (idempotent by slug).

DIR is the site's root (blog/ beside static/), its blog/ folder, or any folder of posts.
With --dry-run nothing is written: per post, what would be imported, what was changed or
dropped on the way, and every warning with its line.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from compagnon.news.importing import FileReport, ImportRefused, import_directory


class Command(BaseCommand):
    help = "Import a Docusaurus site or blog folder (Markdown/MDX with front matter) and its files."

    def add_arguments(self, parser):
        parser.add_argument("directory")
        parser.add_argument(
            "--draft", action="store_true", help="Import new posts as drafts, not published."
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Write nothing: report what would be imported, dropped or warned, per post.",
        )

    def handle(self, *args, directory: str, draft: bool, dry_run: bool, **options):
        try:
            report = import_directory(directory, publish=not draft, dry_run=dry_run)
        except ImportRefused as error:
            raise CommandError(str(error)) from None
        for warning in report.warnings:
            self.stderr.write(f"warning: {warning}")
        for entry in report.files:
            if entry.ok:
                self.stdout.write(f"{entry.outcome}: {entry.path} -> {entry.slug}")
                if dry_run:
                    self.stdout.write(f"  {_summary(entry)}")
            else:
                self.stderr.write(f"error: {entry.path}: {entry.error}")
            for warning in entry.warnings:
                self.stdout.write(f"  warning: {entry.path}: {warning}")
            for change in entry.changes:
                self.stdout.write(f"  changed: {entry.path}: {change}")
        verb = "to create" if dry_run else "created"
        verb_updated = "to update" if dry_run else "updated"
        self.stdout.write(
            f"{report.created} {verb}, {report.updated} {verb_updated}, "
            f"{len(report.errors)} errors, {report.warning_count} warnings, "
            f"{sum(len(f.changes) for f in report.files)} changes"
            + (" (dry run: nothing written)" if dry_run else "")
        )
        if report.errors and not dry_run:
            raise CommandError(f"{len(report.errors)} file(s) could not be imported")


def _summary(entry: FileReport) -> str:
    s = entry.summary
    parts = [
        f"«{s.get('title', '')}»",
        s.get("date", ""),
        s.get("language", ""),
        s.get("status", ""),
        f"authors: {', '.join(s.get('authors', [])) or '-'}",
        f"tags: {', '.join(s.get('tags', [])) or '-'}",
        f"images: {s.get('images', 0)}",
        f"files: {s.get('files', 0)}",
        f"cover: {'yes' if s.get('cover') else 'no'}",
    ]
    if s.get("unlisted"):
        parts.append("unlisted")
    if s.get("jobs"):
        parts.append(f"editors' notes: {s['jobs']}")
    return " | ".join(p for p in parts if p)
