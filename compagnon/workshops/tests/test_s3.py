"""Workshop materials on S3 (moto's server): the download is checked, then a presigned link."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from compagnon.members.tests.factories import BaseFactory
from compagnon.workshops import services
from compagnon.workshops.tests.factories import RegistrationFactory, WorkshopFactory

pytestmark = pytest.mark.django_db


def test_a_registered_only_material_is_fetched_from_the_bucket_after_the_check(
    s3, client_of, member_a, member_b
):
    workshop = WorkshopFactory(base=BaseFactory())
    material = services.material_add(
        workshop=workshop,
        by=None,
        title="Notebook",
        kind="notebook",
        file=SimpleUploadedFile("evil.html", b"<script>alert(1)</script>"),
        registered_only=True,
    )
    assert s3.objects() == [f"private/{material.file.name}"]
    RegistrationFactory(workshop=workshop, person=member_a)
    url = f"/workshops/materials/{material.pk}/download/"
    assert client_of(member_b).get(url).status_code == 403  # no seat: no link
    response = client_of(member_a).get(url)
    assert response.status_code == 302
    link = response["Location"]
    assert link.startswith(f"{s3.endpoint}/{s3.bucket}/private/")
    status, headers, body = s3.fetch(link)
    assert (status, body) == (200, b"<script>alert(1)</script>")
    # Still a download, of a neutral type, whatever the store guessed at upload.
    assert headers["Content-Disposition"] == 'attachment; filename="evil.html"'
    assert headers["Content-Type"] == "application/octet-stream"
    # Without the signature the store refuses it.
    assert s3.fetch(link.split("?", 1)[0])[0] == 403
