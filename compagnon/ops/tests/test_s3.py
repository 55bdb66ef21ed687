"""Uploads on S3 (django-storages) against a real S3 API: moto in server mode, on loopback.

The web processes keep no upload on their disk: an organisation's logo saved through the
model lands in the bucket under media/, and any process reads it back from there.
"""

from __future__ import annotations

import io
import socket

import pytest
from django.core.files.base import ContentFile

pytestmark = pytest.mark.django_db


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def s3(settings, monkeypatch):
    boto3 = pytest.importorskip("boto3")
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    client.create_bucket(Bucket="compagnon-uploads")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "compagnon-uploads",
                "endpoint_url": endpoint,
                "region_name": "us-east-1",
                "location": "media",
                "file_overwrite": False,
                "querystring_auth": False,
            },
        },
    }
    try:
        yield client
    finally:
        server.stop()


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "teal").save(buffer, format="PNG")
    return buffer.getvalue()


def test_an_upload_goes_to_the_bucket_and_reads_back(s3, tmp_path, settings):
    from compagnon.members.tests.factories import OrganisationFactory

    settings.MEDIA_ROOT = tmp_path / "media"
    organisation = OrganisationFactory()
    organisation.logo.save("logo.png", ContentFile(_png()), save=True)

    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="compagnon-uploads")["Contents"]]
    assert keys == [f"media/{organisation.logo.name}"]
    assert organisation.logo.name.startswith("logos/logo")
    assert not (tmp_path / "media").exists()  # nothing on this machine's disk

    organisation.refresh_from_db()
    with organisation.logo.open("rb") as handle:
        assert handle.read() == _png()
    assert organisation.logo.url.startswith(
        s3.meta.endpoint_url + "/compagnon-uploads/media/logos/"
    )
