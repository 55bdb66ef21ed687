"""Backup and restore, end to end on PostgreSQL: back up, wipe, restore, compare.

The wipe is real: the schema is dropped (every table, sequence and index), the upload
folders deleted. The restore must bring back the same row in every table and the same
bytes in every file; a backup with one byte changed is refused before anything is touched.
"""

from __future__ import annotations

import hashlib
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from compagnon.members.tests.factories import PersonFactory
from compagnon.ops.backup import table_row_counts

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _checksums(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def uploads(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_ROOT = tmp_path / "private"
    (settings.MEDIA_ROOT / "avatars").mkdir(parents=True)
    (settings.MEDIA_ROOT / "avatars" / "ada.png").write_bytes(b"\x89PNG" + bytes(range(256)) * 40)
    (settings.PRIVATE_ROOT / "challenges" / "7").mkdir(parents=True)
    (settings.PRIVATE_ROOT / "challenges" / "7" / "solution.csv").write_text("id,y\n1,0.5\n")
    return settings


def test_back_up_wipe_restore_gives_the_same_rows_and_files(uploads, tmp_path, capsys):
    PersonFactory.create_batch(5)
    rows_before = table_row_counts()
    media_before = _checksums(uploads.MEDIA_ROOT)
    private_before = _checksums(uploads.PRIVATE_ROOT)

    out = StringIO()
    call_command("backup", "--output", str(tmp_path / "backups"), stdout=out)
    print(out.getvalue())
    backup = next((tmp_path / "backups").glob("backup-*"))
    manifest = json.loads((backup / "manifest.json").read_text())
    assert set(manifest["files"]) == {"database.dump", "media.tar.gz", "private.tar.gz"}
    assert manifest["row_counts"]["members_person"] == rows_before["members_person"] == 5

    # The wipe.
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    assert table_row_counts() == {}
    for root in (uploads.MEDIA_ROOT, uploads.PRIVATE_ROOT):
        for p in sorted(root.rglob("*"), reverse=True):
            p.unlink() if p.is_file() else p.rmdir()

    out = StringIO()
    call_command("restore", str(backup), "--yes", stdout=out)
    print(out.getvalue())
    assert table_row_counts() == rows_before
    assert _checksums(uploads.MEDIA_ROOT) == media_before
    assert _checksums(uploads.PRIVATE_ROOT) == private_before
    assert "files match the manifest" in out.getvalue()


def test_a_tampered_backup_is_refused_and_nothing_is_touched(uploads, tmp_path):
    PersonFactory.create_batch(2)
    call_command("backup", "--output", str(tmp_path / "backups"), stdout=StringIO())
    backup = next((tmp_path / "backups").glob("backup-*"))
    archive = backup / "media.tar.gz"
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0xFF
    archive.write_bytes(bytes(data))
    PersonFactory()  # made after the backup: a restore would remove it

    with pytest.raises(CommandError) as refused:
        call_command("restore", str(backup), "--yes", stdout=StringIO())
    assert str(refused.value) == (
        f"{backup}: media.tar.gz does not match its checksum in manifest.json "
        "(tampered with or damaged); nothing was restored."
    )
    assert table_row_counts()["members_person"] == 3

    (backup / "extra.sql").write_text("DROP TABLE x;")
    with pytest.raises(CommandError, match=r"extra\.sql not in the manifest"):
        call_command("restore", str(backup), "--check", stdout=StringIO())
