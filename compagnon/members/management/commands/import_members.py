"""manage.py import_members FILE [--dry-run]: the staff import, from a terminal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from compagnon.members import services
from compagnon.members.importing import ImportFileError, ImportPreview, RowAction


class Command(BaseCommand):
    help = (
        "Import members from the club's CSV spreadsheet (Prénom, Nom, Email, Organisation, …). "
        "Prints what would change; without --dry-run, applies it in one transaction."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="CSV file exported from the spreadsheet.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Show the preview only; write nothing."
        )

    def handle(self, *args: Any, file: Path, dry_run: bool, **options: Any) -> None:
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror or error}") from None
        preview = services.people_import_preview(data=data)
        if not preview.is_valid:
            raise CommandError(f"{file} cannot be imported: " + " ".join(preview.errors))
        self._preview_print(preview)
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
            return
        try:
            result = services.people_import_apply(data=data, filename=file.name, imported_by=None)
        except ImportFileError as error:
            raise CommandError(f"{file} cannot be imported: {error}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported: {result.created} created, {result.updated} updated, "
                f"{result.unchanged} unchanged, {result.skipped} skipped."
            )
        )

    def _preview_print(self, preview: ImportPreview) -> None:
        counts = preview.counts
        self.stdout.write(
            f"{len(preview.rows)} rows: {counts[RowAction.CREATE]} to create, "
            f"{counts[RowAction.UPDATE]} to update, {counts[RowAction.UNCHANGED]} unchanged, "
            f"{counts[RowAction.SKIP]} to skip."
        )
        if preview.unknown_columns:
            self.stdout.write("Unknown columns, ignored: " + ", ".join(preview.unknown_columns))
        if preview.new_organisations:
            self.stdout.write("New organisations: " + ", ".join(preview.new_organisations))
        for row in preview.rows_with_problems():
            problems = "; ".join([*row.errors, *row.warnings])
            line = f"line {row.line} ({row.email or '-'}): {row.action} — {problems}"
            self.stdout.write(self.style.ERROR(line) if row.errors else self.style.WARNING(line))
