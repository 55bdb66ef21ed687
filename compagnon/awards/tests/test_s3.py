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


def test_a_blind_juror_following_the_link_learns_no_file_name(s3, client_of, member_a):
    """The presigned link spells the object's key: under blind review it must not carry the
    name the applicant gave the file (often their own or their company's)."""
    from compagnon.awards import services
    from compagnon.awards.models import Review
    from compagnon.awards.tests.factories import CategoryFactory, EditionFactory, JurorFactory

    category = CategoryFactory(edition=EditionFactory(blind_review=True))
    application = ApplicationFactory(
        category=category, applicant=member_a, status=ApplicationStatus.DRAFT
    )
    attachment = services.attachment_add(
        application=application,
        file=SimpleUploadedFile("ada-martin-alpha.pdf", PDF, content_type="application/pdf"),
        by=member_a.user,
    )
    application.status = ApplicationStatus.SUBMITTED
    application.save()
    juror = JurorFactory(edition=category.edition)
    Review.objects.create(application=application, juror=juror)
    response = client_of(juror.person).get(f"/awards/files/{attachment.pk}/")
    assert response.status_code == 302
    assert "ada-martin" not in response["Location"]
    status, headers, body = s3.fetch(response["Location"])
    assert (status, body) == (200, PDF)
    assert "ada-martin" not in headers["Content-Disposition"]
    # The applicant still downloads the file under the name they gave it.
    own = s3.fetch(client_of(member_a).get(f"/awards/files/{attachment.pk}/")["Location"])
    assert own[1]["Content-Disposition"] == 'attachment; filename="ada-martin-alpha.pdf"'
