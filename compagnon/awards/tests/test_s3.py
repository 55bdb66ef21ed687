"""Award attachments on S3 (moto's server): uploaded to the bucket, handed out by presigned link."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from compagnon.awards.models import ApplicationStatus, Attachment
from compagnon.awards.tests.factories import ApplicationFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

pytestmark = pytest.mark.django_db


def test_an_attachment_goes_to_the_bucket_and_only_its_readers_get_a_link(
    s3, client_of, member_a, member_b, settings
):
    application = ApplicationFactory(applicant=member_a, status=ApplicationStatus.DRAFT)
    client = client_of(member_a)
    client.post(
        f"/awards/applications/{application.pk}/files/",
        {"file": SimpleUploadedFile("deck.pdf", PDF, content_type="application/pdf")},
    )
    attachment = Attachment.objects.get()
    assert s3.objects() == [f"private/{attachment.file.name}"]
    assert not (settings.PRIVATE_ROOT).exists()  # nothing on this machine's disk
    url = f"/awards/files/{attachment.pk}/"
    assert client_of(member_b).get(url).status_code == 404
    response = client_of(member_a).get(url)
    assert response.status_code == 302
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    status, headers, body = s3.fetch(response["Location"])
    assert (status, body) == (200, PDF)
    assert headers["Content-Disposition"] == 'attachment; filename="deck.pdf"'
    assert headers["Content-Type"] == "application/pdf"
    assert s3.fetch(response["Location"].split("?", 1)[0])[0] == 403
