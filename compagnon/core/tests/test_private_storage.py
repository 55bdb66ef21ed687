"""The private storage: local by default, S3 when configured; paths only through local_copy."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.http import FileResponse

from compagnon.core.storage import (
    PrivateStorage,
    is_local,
    local_copy,
    private_download,
    private_read,
    private_storage,
    private_write,
)


@dataclass
class Stored:
    """What local_copy and private_download read of a FieldFile: its storage and name."""

    storage: Any
    name: str

    def open(self, mode: str = "rb"):
        return self.storage.open(self.name, mode)


def test_by_default_private_files_are_on_this_disk_under_private_root(settings):
    storage = private_storage()
    assert isinstance(storage, PrivateStorage) and is_local(storage)
    name = storage.save("exports/a.csv", ContentFile(b"id\n1\n"))
    assert storage.path(name) == os.path.join(settings.PRIVATE_ROOT, "exports", "a.csv")
    with local_copy(Stored(storage, name)) as path:  # no copy: the file itself
        assert path == storage.path(name)
    assert os.path.exists(storage.path(name))
    response = private_download(Stored(storage, name), filename="a.csv", content_type="text/csv")  # type: ignore[arg-type]
    assert isinstance(response, FileResponse)
    assert b"".join(response.streaming_content) == b"id\n1\n"
    response.file_to_stream.close()


def test_private_write_replaces_whole_and_read_answers_none_when_absent():
    assert private_read("progress/x.json") is None
    private_write("progress/x.json", b"{}")
    private_write("progress/x.json", b'{"done": 1}')
    assert private_read("progress/x.json") == b'{"done": 1}'
    assert private_storage().listdir("progress") == ([], ["x.json"])  # no .tmp left


@pytest.mark.django_db
def test_on_s3_a_local_copy_is_streamed_then_removed(s3, settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    storage = private_storage()
    assert not is_local(storage)
    body = os.urandom(3 * 1024 * 1024 + 17)
    name = storage.save("challenges/1/data.bin", ContentFile(body))
    assert s3.objects() == ["private/challenges/1/data.bin"]
    with local_copy(Stored(storage, name)) as path:
        assert os.path.dirname(path) == str(tmp_path)
        with open(path, "rb") as handle:
            assert handle.read() == body
    assert os.listdir(tmp_path) == []
    # An error inside the block removes the copy too.
    with pytest.raises(RuntimeError), local_copy(Stored(storage, name)):
        raise RuntimeError("scorer crashed")
    assert os.listdir(tmp_path) == []
    private_write("imports/progress-1.json", b"{}")
    grants = s3.client.get_object_acl(Bucket=s3.bucket, Key="private/imports/progress-1.json")
    assert all("URI" not in grant["Grantee"] for grant in grants["Grants"])  # no AllUsers
    assert s3.fetch(f"{s3.endpoint}/{s3.bucket}/private/challenges/1/data.bin")[0] == 403
