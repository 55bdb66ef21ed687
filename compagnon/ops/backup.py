"""Backups: the database, the uploads (media and private) and a manifest with checksums.

A backup is a folder `backup-<UTC time>/` holding:
- `database.dump`: `pg_dump --format=custom` (PostgreSQL), or `database.sqlite3`, a copy
  made with SQLite's online backup API (consistent while the site runs, WAL or not);
- `media.tar.gz` and `private.tar.gz`: the two upload folders;
- `manifest.json`: for each file its size and SHA-256, and the row count of every table.

`backup_restore` checks every checksum first and refuses the whole backup when one file
differs, is missing or is not listed: nothing is touched until the backup proves whole.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

MANIFEST = "manifest.json"
FORMAT = 1
TREES = {"media.tar.gz": "MEDIA_ROOT", "private.tar.gz": "PRIVATE_ROOT"}


class BackupError(Exception):
    """A backup that cannot be made or trusted; the message says what to do."""


@dataclass(frozen=True)
class Manifest:
    path: Path
    data: dict

    @property
    def database_file(self) -> str:
        return self.data["database"]["file"]

    @property
    def row_counts(self) -> dict[str, int]:
        return self.data["row_counts"]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def table_row_counts() -> dict[str, int]:
    quote = connection.ops.quote_name
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def _pg_env() -> dict[str, str]:
    db = connection.settings_dict
    env = {**os.environ, "PGDATABASE": db["NAME"]}
    for key, var in (
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
    ):
        if db.get(key):
            env[var] = str(db[key])
    return env


def _run(command: list[str]) -> None:
    try:
        done = subprocess.run(command, env=_pg_env(), capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError(f"{command[0]} is not installed (PostgreSQL client tools).") from None
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")


def _database_dump(folder: Path) -> str:
    if connection.vendor == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(folder / "database.dump")])
        return "database.dump"
    if connection.vendor == "sqlite":
        source = sqlite3.connect(connection.settings_dict["NAME"])
        target = sqlite3.connect(folder / "database.sqlite3")
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        return "database.sqlite3"
    raise BackupError(f"No backup for the {connection.vendor} database.")


def _tar(root: Path, archive: Path) -> None:
    with tarfile.open(archive, "w:gz") as tar:
        if root.is_dir():
            for entry in sorted(root.rglob("*")):
                tar.add(entry, arcname=str(entry.relative_to(root)), recursive=False)


def backup_create(*, destination: Path, now: dt.datetime | None = None) -> Manifest:
    """Write a new backup folder under `destination`; returns its manifest."""
    now = now or timezone.now()
    folder = destination / f"backup-{now.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}"
    if folder.exists():
        raise BackupError(f"{folder} already exists.")
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    try:
        counts = table_row_counts()
        database_file = _database_dump(partial)
        for name, setting in TREES.items():
            _tar(Path(getattr(settings, setting)), partial / name)
        files = {
            entry.name: {"bytes": entry.stat().st_size, "sha256": sha256_of(entry)}
            for entry in sorted(partial.iterdir())
        }
        data = {
            "format": FORMAT,
            "created_at": now.isoformat(),
            "database": {"vendor": connection.vendor, "file": database_file},
            "files": files,
            "row_counts": counts,
        }
        (partial / MANIFEST).write_text(json.dumps(data, indent=2, sort_keys=True))
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    # Only a complete backup gets its final name: a crash leaves a `.partial`, never a fake.
    partial.rename(folder)
    return Manifest(path=folder, data=data)


def backup_verify(*, path: Path) -> Manifest:
    """The manifest, once every file matches it; BackupError naming the first that does not."""
    manifest_path = path / MANIFEST
    try:
        data = json.loads(manifest_path.read_text())
        files = data["files"]
        data["database"]["file"]
    except FileNotFoundError:
        raise BackupError(
            f"{path} has no {MANIFEST}: not a backup, or an incomplete one."
        ) from None
    except (ValueError, KeyError, TypeError):
        raise BackupError(f"{manifest_path} is damaged: it cannot be read.") from None
    if data.get("format") != FORMAT:
        raise BackupError(f"{manifest_path}: unknown backup format {data.get('format')!r}.")
    present = {entry.name for entry in path.iterdir()} - {MANIFEST}
    if unlisted := sorted(present - set(files)):
        raise BackupError(
            f"{path}: {', '.join(unlisted)} not in the manifest; refusing to restore."
        )
    for name, expected in sorted(files.items()):
        entry = path / name
        if not entry.is_file():
            raise BackupError(f"{path}: {name} is missing; refusing to restore.")
        if sha256_of(entry) != expected["sha256"] or entry.stat().st_size != expected["bytes"]:
            raise BackupError(
                f"{path}: {name} does not match its checksum in {MANIFEST} (tampered with or "
                "damaged); nothing was restored."
            )
    return Manifest(path=path, data=data)


def _database_restore(manifest: Manifest) -> None:
    vendor = manifest.data["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(
            f"This backup holds a {vendor} database; the site runs on {connection.vendor}."
        )
    dump = manifest.path / manifest.database_file
    if vendor == "postgresql":
        connection.close()
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                "--dbname",
                connection.settings_dict["NAME"],
                str(dump),
            ]
        )
        return
    connection.close()
    source = sqlite3.connect(dump)
    target = sqlite3.connect(connection.settings_dict["NAME"])
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def _untar(archive: Path, root: Path) -> None:
    staging = root.with_name(root.name + ".restoring")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    with tarfile.open(archive, "r:gz") as tar:
        tar.extractall(staging, filter="data")  # no absolute paths, no escaping links
    old = root.with_name(root.name + ".before-restore")
    shutil.rmtree(old, ignore_errors=True)
    if root.exists():
        root.rename(old)
    staging.rename(root)
    shutil.rmtree(old, ignore_errors=True)


def backup_restore(*, path: Path) -> Manifest:
    """Check the backup whole, then put back the database and both upload folders."""
    manifest = backup_verify(path=path)
    _database_restore(manifest)
    for name, setting in TREES.items():
        _untar(manifest.path / name, Path(getattr(settings, setting)))
    return manifest


def backups_prune(
    *, destination: Path, keep_days: int, now: dt.datetime | None = None
) -> list[Path]:
    """Delete the backup folders older than `keep_days` (the newest is always kept)."""
    now = now or timezone.now()
    folders = sorted(
        p for p in destination.glob("backup-*") if p.is_dir() and not p.name.endswith(".partial")
    )
    removed = []
    for folder in folders[:-1]:
        try:
            made = dt.datetime.strptime(folder.name, "backup-%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
        except ValueError:
            continue
        if now - made > dt.timedelta(days=keep_days):
            shutil.rmtree(folder)
            removed.append(folder)
    return removed
