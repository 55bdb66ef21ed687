"""The private storage on S3: no public ACL, presigned URLs only, never a public domain.

Imported only when STORAGES["private"] names it (S3_BUCKET set), so boto3 is loaded only
where it is used.
"""

from __future__ import annotations

import logging
from typing import IO, Any

from botocore.config import Config
from botocore.exceptions import ClientError
from storages.backends.s3 import S3Storage
from storages.utils import clean_name, setting

from compagnon.core.storage import PrivateStoreUnavailable

logger = logging.getLogger(__name__)

# A store that does not answer fails a page in seconds, not minutes (botocore waits 60 s
# to connect, five times): the page then says the file store is unreachable (core.storage).
STORE_PATIENCE = Config(connect_timeout=5, retries={"mode": "standard", "max_attempts": 3})


class PrivateS3Storage(S3Storage):
    """S3Storage that cannot be configured into exposing its files.

    Whatever the options say, objects are written with the `private` canned ACL, URLs are
    presigned (querystring auth) and short-lived, and no custom (public, CDN) domain is used.
    """

    def __init__(self, **options: Any) -> None:
        options.update(
            default_acl="private",
            querystring_auth=True,
            custom_domain=None,
            cloudfront_key=None,
            cloudfront_key_id=None,
        )
        options.setdefault("querystring_expire", 60)
        options.setdefault("location", "private")
        options.setdefault("file_overwrite", False)
        # A read spools to disk past 8 MiB instead of holding the whole object in memory.
        options.setdefault("max_memory_size", 8 * 1024 * 1024)
        configured = options.get("client_config") or setting("AWS_S3_CLIENT_CONFIG")
        super().__init__(**options)
        if configured is None:
            self.client_config = self.client_config.merge(STORE_PATIENCE)

    def get_object_parameters(self, name: str) -> dict[str, Any]:
        """AWS_S3_OBJECT_PARAMETERS (shared with the public storage) without what exposes.

        No ACL nor grant from the settings (`_get_write_parameters` adds the `private` ACL),
        and a neutral stored type: not the one a browser declared for the upload, so the
        bucket serves nothing as a page. Downloads name the type in the presigned link.
        """
        parameters = {
            key: value
            for key, value in super().get_object_parameters(name).items()
            if key != "ACL" and not key.startswith("Grant")
        }
        parameters["ContentType"] = "application/octet-stream"
        parameters.pop("ContentEncoding", None)
        return parameters

    def _key(self, name: str) -> str:
        return self._normalize_name(clean_name(name))

    def _missing(self, name: str, error: ClientError) -> Exception:
        """What a 404 to a HEAD means: it names no code, so the object is missing, or the
        whole bucket is (the store lost or misconfigured, not a file to answer 404 for)."""
        if error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") != 404:
            return error
        try:
            self.connection.meta.client.head_bucket(Bucket=self.bucket_name)
        except ClientError as lost:
            if lost.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 404:
                logger.warning("private store: bucket %s not found", self.bucket_name)
                return PrivateStoreUnavailable()
            return lost
        return FileNotFoundError(f"File does not exist: {name}")

    def _open(self, name: str, mode: str = "rb") -> Any:
        try:
            return super()._open(name, mode)
        except FileNotFoundError as error:
            if not isinstance(error.__context__, ClientError):
                raise
            problem = self._missing(name, error.__context__)
            if isinstance(problem, FileNotFoundError):
                raise
            raise problem from error

    def download_to(self, name: str, target: IO[bytes]) -> None:
        """Stream the object into an open binary file, in parts (boto3's managed transfer)."""
        try:
            self.bucket.Object(self._key(name)).download_fileobj(
                target, Config=self.transfer_config
            )
        except ClientError as error:
            problem = self._missing(name, error)
            if problem is error:
                raise
            raise problem from error

    def read_head(self, name: str, size: int) -> bytes:
        """The first `size` bytes, by a ranged GET (the rest is not fetched)."""
        try:
            answer = self.bucket.Object(self._key(name)).get(Range=f"bytes=0-{size - 1}")
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "InvalidRange":
                return b""  # an empty object has no first byte
            raise
        return answer["Body"].read()

    def replace(self, name: str, data: bytes) -> None:
        """Write the object whole in one PUT, over any earlier one."""
        params = self._get_write_parameters(self._key(name))
        self.bucket.Object(self._key(name)).put(Body=data, **params)
