"""`manage.py backup`: database dump, media and private tarballs, manifest with SHA-256."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from compagnon.ops.backup import BackupError, backup_create, backups_prune


class Command(BaseCommand):
    help = "Back up the database and the uploads into a new folder with a checksummed manifest."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--output", default="", help="Folder for backups (BACKUP_DIR).")
        parser.add_argument(
            "--keep-days",
            type=int,
            default=0,
            help="Then delete backups older than this (0: keep all).",
        )

    def handle(self, *args, **options) -> None:
        destination = Path(options["output"] or settings.BACKUP_DIR)
        try:
            manifest = backup_create(destination=destination)
        except BackupError as error:
            raise CommandError(str(error)) from None
        for name, entry in manifest.data["files"].items():
            self.stdout.write(f"{name}: {entry['bytes']} bytes, sha256 {entry['sha256'][:16]}…")
        rows = sum(manifest.row_counts.values())
        self.stdout.write(f"{len(manifest.row_counts)} tables, {rows} rows")
        self.stdout.write(f"backup written: {manifest.path}")
        if options["keep_days"]:
            for old in backups_prune(destination=destination, keep_days=options["keep_days"]):
                self.stdout.write(f"deleted old backup {old.name}")
