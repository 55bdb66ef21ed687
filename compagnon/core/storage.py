"""Private files: where they live (STORAGES["private"]) and how code reads them.

Private files (uploaded spreadsheets, hidden solutions, attachments, CVs) are never
served by URL from a public place. By default they live on the local disk under
PRIVATE_ROOT; with S3_BUCKET set they live in the bucket under `private/`, without any
public ACL (settings.py). Model fields say `storage=private_storage`, a callable, so the
choice is read from the settings when the models load and recorded as such in migrations.

Code that needs a file on disk (the scorer memory-maps, zip archives need seeking) asks
`local_copy(fieldfile)`: the file itself on local storage, a temporary copy otherwise.
Downloads go through `private_download()`, after the view's permission check.

A store that fails other than "no such file" (refused, a 5xx, unreachable) raises
`PrivateStoreUnavailable` from these functions, logged once with its cause: a page answers
503 with a clear message (core.middleware), a task records the message and writes nothing.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.core.signals import setting_changed
from django.db.models.fields.files import FieldFile
from django.dispatch import receiver
from django.http import FileResponse, Http404, HttpResponseBase, HttpResponseRedirect
from django.utils.functional import LazyObject, empty
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

PRIVATE_STORAGE_ALIAS = "private"
COPY_CHUNK = 1024 * 1024


class PrivateStoreUnavailable(Exception):
    """The private file store failed, other than "no such file": refused, erred, no answer."""

    def __init__(self, message: Any = None) -> None:
        super().__init__(
            message
            or _("The file store cannot be reached right now. Please try again in a few minutes.")
        )


def _store_failure(error: BaseException) -> bool:
    """Whether `error` is the store failing (True) rather than a file missing or a bug.

    Only S3 (botocore) errors qualify; botocore is looked at only once something loaded it,
    so a local storage never imports it. A missing bucket is the store misconfigured, not a
    missing file.
    """
    botocore_exceptions = sys.modules.get("botocore.exceptions")
    if botocore_exceptions is None:
        return False
    if isinstance(error, botocore_exceptions.ClientError):
        answer = getattr(error, "response", {}) or {}
        code = answer.get("Error", {}).get("Code", "")
        status = answer.get("ResponseMetadata", {}).get("HTTPStatusCode")
        return not (status == 404 and code != "NoSuchBucket")
    return isinstance(error, botocore_exceptions.BotoCoreError)


def _is_missing(error: BaseException) -> bool:
    answer = getattr(error, "response", None)
    return isinstance(answer, dict) and (
        answer.get("ResponseMetadata", {}).get("HTTPStatusCode") == 404
    )


@contextlib.contextmanager
def _store_answers(name: str, action: str) -> Iterator[None]:
    """Turn a failing store into PrivateStoreUnavailable (logged), a missing file into
    FileNotFoundError; anything else passes through untouched."""
    try:
        yield
    except Exception as error:
        if isinstance(error, PrivateStoreUnavailable | FileNotFoundError):
            raise
        if not _store_failure(error):
            if _is_missing(error):
                raise FileNotFoundError(name) from error
            raise
        logger.warning("private store failed to %s %s: %r", action, name, error)
        raise PrivateStoreUnavailable from error


class PrivateStorage(FileSystemStorage):
    """The local private storage: PRIVATE_ROOT, beside MEDIA_ROOT and not under it.

    Neither the proxy nor the development media route can expose them. The location is
    read from settings at each use so tests can point it at a scratch folder.
    """

    @property
    def base_location(self):
        return settings.PRIVATE_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)


class _PrivateFiles(LazyObject):
    """STORAGES["private"], looked up when first used (and again after a settings change)."""

    def _setup(self) -> None:
        self._wrapped = storages[PRIVATE_STORAGE_ALIAS]


_private_files = _PrivateFiles()


@receiver(setting_changed)
def _private_storage_reset(*, setting: str, **kwargs: Any) -> None:
    if setting == "STORAGES":
        _private_files._wrapped = empty  # type: ignore[assignment]


def private_storage() -> Storage:
    """The private storage; pass the function itself as a FileField's `storage`."""
    return _private_files  # type: ignore[return-value]


def is_local(storage: Storage) -> bool:
    try:
        storage.path("probe")
    except NotImplementedError:
        return False
    return True


@contextlib.contextmanager
def local_copy(fieldfile: FieldFile) -> Iterator[str]:
    """A path on this machine's disk holding the file's bytes, for code that needs one.

    Local storage: the stored file itself, nothing copied. Another storage (S3): a
    temporary copy, streamed in chunks (never whole in memory) and removed afterwards.
    """
    storage = fieldfile.storage
    name = fieldfile.name
    if not name:
        raise ValueError("The field has no file.")
    if is_local(storage):
        yield storage.path(name)
        return
    suffix = os.path.splitext(name)[1]
    handle, path = tempfile.mkstemp(
        prefix="private-", suffix=suffix, dir=settings.FILE_UPLOAD_TEMP_DIR
    )
    try:
        with os.fdopen(handle, "wb") as target, _store_answers(name, "read"):
            download = getattr(storage, "download_to", None)
            if download is not None:
                download(name, target)
            else:
                with storage.open(name, "rb") as source:
                    shutil.copyfileobj(source, target, COPY_CHUNK)
        yield path
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)


def private_write(name: str, data: bytes) -> None:
    """Write `name` in the private storage, replacing it whole (a reader sees old or new)."""
    storage = private_storage()
    if is_local(storage):
        path = storage.path(name)
        folder = os.path.dirname(path)
        os.makedirs(folder, exist_ok=True)
        # A partial file of this writer's own: two writers of one name (two tasks of one
        # import) never write into, nor move, each other's half-written file.
        handle, partial = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(handle, "wb") as target:
                target.write(data)
            mode = getattr(storage, "file_permissions_mode", None)
            if mode is not None:  # as the storage saves its files (FILE_UPLOAD_PERMISSIONS)
                os.chmod(partial, mode)
            os.replace(partial, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(partial)
            raise
        return
    with _store_answers(name, "write"):
        replace = getattr(storage, "replace", None)
        if replace is not None:
            replace(name, data)  # one PUT: atomic on S3
            return
        storage.delete(name)
        storage.save(name, ContentFile(data))


def private_read(name: str) -> bytes | None:
    """The bytes of `name` in the private storage, None when there is no such file."""
    storage = private_storage()
    try:
        with _store_answers(name, "read"), storage.open(name, "rb") as handle:
            return handle.read()
    except (FileNotFoundError, OSError):
        return None


def private_file_read(fieldfile: FieldFile) -> bytes:
    """The whole file of a private FileField (a small one: an uploaded spreadsheet)."""
    name = fieldfile.name or ""
    with _store_answers(name, "read"), fieldfile.storage.open(name, "rb") as handle:
        return handle.read()


def private_head(fieldfile: FieldFile, size: int) -> bytes:
    """The file's first `size` bytes, without fetching the rest from a remote storage."""
    name = fieldfile.name or ""
    with _store_answers(name, "read"):
        read_head = getattr(fieldfile.storage, "read_head", None)
        if read_head is not None:
            return read_head(name, size)
        with fieldfile.storage.open(name, "rb") as handle:
            return handle.read(size)


def private_download(
    fieldfile: FieldFile,
    *,
    filename: str,
    content_type: str = "application/octet-stream",
    as_attachment: bool = True,
) -> HttpResponseBase:
    """Hand a private file to a viewer the calling view has already checked.

    Local storage: streamed by Django (FileResponse). S3: a redirect to a presigned URL
    which names the file and its type, so the bytes never pass
    through (nor wait in the memory or disk of) a web process. The link is short-lived
    (S3_PRIVATE_URL_SECONDS): it is followed at once, right after the permission check.
    Played inline (`as_attachment=False`, lesson videos), it lives
    S3_PRIVATE_MEDIA_URL_SECONDS, as long as someone may watch and seek.

    On S3 the object is looked at first (its first byte): a missing file is a 404 here
    and a failing store a 503 page (PrivateStoreUnavailable), not an error from the bucket.
    """
    storage = fieldfile.storage
    if is_local(storage):
        return FileResponse(
            fieldfile.open("rb"),
            as_attachment=as_attachment,
            filename=filename,
            content_type=content_type,
        )
    try:
        private_head(fieldfile, 1)  # a GET of one byte tells a missing file from a lost bucket
    except FileNotFoundError:
        raise Http404 from None
    disposition = content_disposition_header(as_attachment, filename) or "attachment"
    # A download is fetched once, at once. A video played in the page fetches ranges from
    # the same link for as long as someone watches and seeks: its link lives longer.
    expire = None if as_attachment else settings.S3_PRIVATE_MEDIA_URL_SECONDS
    url = storage.url(  # type: ignore[call-arg]  # S3Storage.url takes parameters
        fieldfile.name,
        expire=expire,
        parameters={
            "ResponseContentDisposition": disposition,
            "ResponseContentType": content_type,
            # The bucket's answer is kept by no cache either: a later viewer of this
            # browser or proxy gets the bytes only through a new permission check.
            "ResponseCacheControl": "private, no-store",
        },
    )
    response = HttpResponseRedirect(url)
    response["Cache-Control"] = "private, no-store"
    return response
