"""The private storage on S3: no public ACL, presigned URLs only, never a public domain.

Imported only when STORAGES["private"] names it (S3_BUCKET set), so boto3 is loaded only
where it is used.
"""

from __future__ import annotations

from typing import IO, Any

from storages.backends.s3 import S3Storage
from storages.utils import clean_name


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
        super().__init__(**options)

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

    def download_to(self, name: str, target: IO[bytes]) -> None:
        """Stream the object into an open binary file, in parts (boto3's managed transfer)."""
        self.bucket.Object(self._key(name)).download_fileobj(target, Config=self.transfer_config)

    def read_head(self, name: str, size: int) -> bytes:
        """The first `size` bytes, by a ranged GET (the rest is not fetched)."""
        answer = self.bucket.Object(self._key(name)).get(Range=f"bytes=0-{size - 1}")
        return answer["Body"].read()

    def replace(self, name: str, data: bytes) -> None:
        """Write the object whole in one PUT, over any earlier one."""
        params = self._get_write_parameters(self._key(name))
        self.bucket.Object(self._key(name)).put(Body=data, **params)
