"""`manage.py restore BACKUP`: check the manifest, then put the database and uploads back.

It replaces the current database and upload folders: stop the web and the workers first.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from compagnon.ops.backup import BackupError, backup_restore, backup_verify, table_row_counts


class Command(BaseCommand):
    help = "Restore a backup made by `manage.py backup` (checked against its manifest first)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("backup", help="The backup-… folder.")
        parser.add_argument("--check", action="store_true", help="Only check the checksums.")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, **options) -> None:
        path = Path(options["backup"])
        try:
            manifest = backup_verify(path=path)
            self.stdout.write(
                f"{path.name}: {len(manifest.data['files'])} files match the manifest"
            )
            if options["check"]:
                return
            if (
                not options["yes"]
                and input("Replace the database and uploads? [y/N] ").lower() != "y"
            ):
                raise CommandError("Nothing restored.")
            backup_restore(path=path)
        except BackupError as error:
            raise CommandError(str(error)) from None
        counts = table_row_counts()
        differing = {
            t: (n, counts.get(t)) for t, n in manifest.row_counts.items() if counts.get(t) != n
        }
        for table, (expected, found) in sorted(differing.items()):
            self.stderr.write(f"{table}: {found} rows, the backup had {expected}")
        self.stdout.write(
            f"restored {sum(counts.values())} rows in {len(counts)} tables and the uploads"
            + ("" if not differing else f"; {len(differing)} tables differ")
        )
        if differing:
            raise CommandError("The restored row counts differ from the manifest.")
