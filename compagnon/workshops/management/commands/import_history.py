"""manage.py import_history FILE [--apply]: past workshops and events from a CSV.

Without --apply, prints what would happen line by line and writes nothing.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from compagnon.workshops.history import HistoryFileError, history_apply, history_preview


class Command(BaseCommand):
    help = (
        "Import past workshops and events (title, dates, base, format, tags, participants, hosts)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--apply", action="store_true", help="Write (default: preview only).")

    def handle(self, *args, file: str, apply: bool, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file} is not a file")
        data = path.read_bytes()
        preview = history_preview(data=data)
        if preview.errors:
            raise CommandError(" ".join(preview.errors))
        for column in preview.unknown_columns:
            self.stderr.write(f"column ignored: {column}")
        for row in preview.rows:
            reasons = "; ".join(row.reasons)
            self.stdout.write(
                f"line {row.line}: {row.action}: {row.title}" + (f" ({reasons})" if reasons else "")
            )
        counts = preview.counts
        self.stdout.write(
            f"{counts['create']} to create, {counts['update']} to update, "
            f"{counts['unchanged']} unchanged, {counts['skip']} to skip, "
            f"{preview.participations} participations"
        )
        if not apply:
            self.stdout.write("preview only: nothing written (add --apply to import)")
            return
        try:
            result = history_apply(data=data)
        except HistoryFileError as error:
            raise CommandError(" ".join(error.problems)) from None
        self.stdout.write(
            f"{result.created} created, {result.updated} updated, {result.unchanged} unchanged, "
            f"{result.skipped} skipped, {result.participations} participations"
        )
