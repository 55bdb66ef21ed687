"""Uploads on S3 (django-storages) against a real S3 API: moto in server mode, on loopback.

The fixture (compagnon/core/testing_s3.py) points both storages at a bucket of its own.
The web processes keep no upload on their disk: an organisation's logo saved through the
model lands in the bucket under media/, and any process reads it back from there.
"""

from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile

pytestmark = pytest.mark.django_db


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

    assert s3.objects() == [f"media/{organisation.logo.name}"]
    assert organisation.logo.name.startswith("logos/logo")
    assert not (tmp_path / "media").exists()  # nothing on this machine's disk

    organisation.refresh_from_db()
    with organisation.logo.open("rb") as handle:
        assert handle.read() == _png()
    assert organisation.logo.url.startswith(f"{s3.endpoint}/{s3.bucket}/media/logos/")
