"""A real S3 API for tests: moto's server on loopback, both upload storages pointed at it.

`s3` (in the root conftest) gives each test a bucket of its own on one server started for
the session, and overrides STORAGES so that public uploads ("default", under media/) and
private files ("private", under private/, compagnon.core.s3.PrivateS3Storage) go to it,
as they do in production with S3_BUCKET set. TEST_S3_PORT chooses the server's port
(a free one otherwise).

`s3_failing` breaks the private store of an `s3` test in one of the ways production sees:
"removed" (the bucket is gone), "erring" (a store answering 503 to everything),
"unreachable" (nothing listens at the address).
"""

from __future__ import annotations

import contextlib
import http.server
import logging
import os
import threading
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from compagnon.core.testing import free_port


@dataclass
class S3:
    client: Any
    endpoint: str
    bucket: str

    def objects(self) -> list[str]:
        answer = self.client.list_objects_v2(Bucket=self.bucket)
        return sorted(item["Key"] for item in answer.get("Contents", []))

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()

    def fetch(self, url: str) -> tuple[int, Any, bytes]:
        """GET `url` as a browser would, with no credentials: status, headers, body.

        The headers read case-insensitively (`headers["content-type"]`).
        """
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                return answer.status, answer.headers, answer.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()


@pytest.fixture(scope="session")
def s3_server() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # a line per request otherwise
    port = int(os.environ.get("TEST_S3_PORT") or 0) or free_port("127.0.0.1")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3(s3_server, settings, monkeypatch) -> S3:
    import boto3

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    bucket = f"compagnon-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1")
    client.create_bucket(Bucket=bucket)
    common = {"bucket_name": bucket, "endpoint_url": s3_server, "region_name": "us-east-1"}
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                **common,
                "location": "media",
                "file_overwrite": False,
                "querystring_auth": False,
            },
        },
        "private": {
            "BACKEND": "compagnon.core.s3.PrivateS3Storage",
            "OPTIONS": {**common, "location": "private"},
        },
    }
    return S3(client=client, endpoint=s3_server, bucket=bucket)


class _ErringStore(http.server.BaseHTTPRequestHandler):
    """An S3 endpoint that answers every request "503 Service Unavailable"."""

    def _fail(self) -> None:
        body = b"<Error><Code>ServiceUnavailable</Code><Message>Please reduce</Message></Error>"
        self.send_response(503)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_HEAD = do_PUT = do_POST = do_DELETE = _fail

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def s3_failing(s3, settings):
    """A function breaking the private store the way named; it answers at once (one try)."""
    from botocore.config import Config

    servers: list[http.server.ThreadingHTTPServer] = []

    def fail(how: str) -> None:
        private = dict(settings.STORAGES["private"]["OPTIONS"])
        private["client_config"] = Config(connect_timeout=2, retries={"max_attempts": 1})
        if how == "removed":
            for key in s3.objects():
                s3.client.delete_object(Bucket=s3.bucket, Key=key)
            s3.client.delete_bucket(Bucket=s3.bucket)
        elif how == "erring":
            server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _ErringStore)
            threading.Thread(target=server.serve_forever, daemon=True).start()
            servers.append(server)
            private["endpoint_url"] = f"http://127.0.0.1:{server.server_address[1]}"
        elif how == "unreachable":
            private["endpoint_url"] = f"http://127.0.0.1:{free_port('127.0.0.1')}"
        else:
            raise ValueError(how)
        settings.STORAGES = {
            **settings.STORAGES,
            "private": {**settings.STORAGES["private"], "OPTIONS": private},
        }

    yield fail
    for server in servers:
        with contextlib.suppress(Exception):
            server.shutdown()
            server.server_close()
