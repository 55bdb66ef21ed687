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


def test_two_writers_of_one_progress_file_neither_fails_nor_leaves_a_partial_file():
    """Two tasks writing the same import's progress at once (local disk): each write is whole."""
    import json
    import threading

    errors: list[BaseException] = []
    seen: list[bytes | None] = []
    start = threading.Barrier(3)

    def write(writer: int) -> None:
        start.wait()
        for done in range(150):
            try:
                private_write("imports/progress-7.json", json.dumps({"done": done}).encode())
            except BaseException as error:  # the test reports every failure
                errors.append(error)

    def read() -> None:
        start.wait()
        for _ in range(300):
            seen.append(private_read("imports/progress-7.json"))

    threads = [threading.Thread(target=write, args=(n,)) for n in (1, 2)]
    threads.append(threading.Thread(target=read))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    for data in seen:
        if data is not None:
            json.loads(data)  # never half a file
    assert private_storage().listdir("imports") == ([], ["progress-7.json"])


@pytest.mark.django_db
def test_on_s3_the_presigned_answer_itself_is_not_kept_by_caches(s3):
    """The redirect says no-store; so must the bucket's answer it leads to (a shared computer,
    a proxy): the bytes of a private file are fetched fresh after each permission check."""
    storage = private_storage()
    name = storage.save("careers/cv.pdf", ContentFile(b"%PDF-1.4 x"))
    response = private_download(
        Stored(storage, name),  # type: ignore[arg-type]
        filename="cv.pdf",
        content_type="application/pdf",
    )
    assert response["Cache-Control"] == "private, no-store"
    status, headers, body = s3.fetch(response["Location"])
    assert (status, body) == (200, b"%PDF-1.4 x")
    assert headers["Cache-Control"] == "private, no-store"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "exposing",
    [
        {"ACL": "public-read"},
        {"GrantRead": 'uri="http://acs.amazonaws.com/groups/global/AllUsers"'},
    ],
    ids=["acl", "grant"],
)
def test_on_s3_no_setting_makes_a_private_object_public_nor_keeps_an_uploaders_type(
    s3, settings, exposing
):
    """AWS_S3_OBJECT_PARAMETERS is django-storages' one setting for both storages: an ACL or
    grant meant for public uploads must not reach private objects, and the type a browser
    declared for an upload (text/html for a "picture") is not stored for the bucket to serve."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.AWS_S3_OBJECT_PARAMETERS = {**exposing, "CacheControl": "max-age=86400"}
    settings.STORAGES = {**settings.STORAGES}  # the private storage is built again
    storage = private_storage()
    page = b"<script>alert(document.domain)</script>"
    name = storage.save(
        "workshops/1/materials/x/photo.png",
        SimpleUploadedFile("photo.png", page, content_type="text/html"),
    )
    private_write("imports/progress-2.json", b"{}")
    for key in (f"private/{name}", "private/imports/progress-2.json"):
        assert s3.fetch(f"{s3.endpoint}/{s3.bucket}/{key}")[0] == 403
        grants = s3.client.get_object_acl(Bucket=s3.bucket, Key=key)["Grants"]
        assert all("URI" not in grant["Grantee"] for grant in grants)
    stored = s3.client.head_object(Bucket=s3.bucket, Key=f"private/{name}")
    assert stored["ContentType"] == "application/octet-stream"
    assert stored.get("CacheControl") == "max-age=86400"  # other parameters still apply


@pytest.mark.django_db
def test_on_s3_a_hostile_file_name_stays_inside_the_disposition_header(s3):
    """Quotes, CR/LF and non-ASCII letters in a name given by an uploader: one header, quoted
    or percent-encoded, as Django's FileResponse writes it locally."""
    storage = private_storage()
    name = storage.save("challenges/1/data/x.csv", ContentFile(b"id\n"))
    for filename, expected in [
        ('a"b.csv', 'attachment; filename="a\\"b.csv"'),
        ("a\r\nX-Evil: 1.csv", "attachment; filename*=utf-8''a%0D%0AX-Evil%3A%201.csv"),
        ("données é.csv", "attachment; filename*=utf-8''donn%C3%A9es%20%C3%A9.csv"),
    ]:
        response = private_download(Stored(storage, name), filename=filename)  # type: ignore[arg-type]
        status, headers, _body = s3.fetch(response["Location"])
        assert status == 200
        assert headers["Content-Disposition"] == expected
        assert headers["X-Evil"] is None
        assert headers["Content-Type"] == "application/octet-stream"


@pytest.mark.django_db
@pytest.mark.parametrize("how", ["removed", "erring", "unreachable"])
def test_on_s3_a_failing_store_is_unavailable_not_a_crash_nor_a_missing_file(
    s3, s3_failing, settings, tmp_path, caplog, how
):
    from compagnon.core.storage import PrivateStoreUnavailable, private_head

    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    name = private_storage().save("challenges/1/data.csv", ContentFile(b"id\n1\n"))
    s3_failing(how)
    stored = Stored(private_storage(), name)
    with pytest.raises(PrivateStoreUnavailable) as caught, local_copy(stored):  # type: ignore[arg-type]
        pass
    assert str(caught.value) == (
        "The file store cannot be reached right now. Please try again in a few minutes."
    )
    assert os.listdir(tmp_path) == []  # no partial copy left
    with pytest.raises(PrivateStoreUnavailable):
        private_download(stored, filename="data.csv")  # type: ignore[arg-type]
    with pytest.raises(PrivateStoreUnavailable):
        private_head(stored, 16)  # type: ignore[arg-type]
    with pytest.raises(PrivateStoreUnavailable):
        private_write("imports/progress-1.json", b"{}")
    with pytest.raises(PrivateStoreUnavailable):
        private_read("imports/progress-1.json")
    assert "private store" in caplog.text  # logged, with its cause


@pytest.mark.django_db
def test_on_s3_a_missing_file_is_still_a_missing_file(s3):
    from django.http import Http404

    storage = private_storage()
    with pytest.raises(FileNotFoundError), local_copy(Stored(storage, "nowhere.csv")):  # type: ignore[arg-type]
        pass
    with pytest.raises(Http404):
        private_download(Stored(storage, "nowhere.csv"), filename="x.csv")  # type: ignore[arg-type]
    assert private_read("nowhere.json") is None
    empty = storage.save("empty.bin", ContentFile(b""))
    assert private_download(Stored(storage, empty), filename="e.bin").status_code == 302  # type: ignore[arg-type]
