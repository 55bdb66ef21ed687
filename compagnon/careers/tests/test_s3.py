"""A candidate's CV on S3 (moto's server): checked by the view, then a presigned link."""

from __future__ import annotations

import pytest

from compagnon.careers import services
from compagnon.careers.models import AccessKind, CandidateAccess
from compagnon.careers.tests.factories import PDF, CandidateFactory
from compagnon.members.models import MembershipType
from compagnon.members.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_the_cv_is_in_the_bucket_and_only_readers_get_a_link(s3, client, client_of, member_b):
    profile = CandidateFactory(
        person=PersonFactory(
            organisation=None, membership_type=MembershipType.RESEARCHER, with_account=True
        )
    )
    services.candidate_cv_upload(
        profile=profile, actor=profile.person.user, name="cv.pdf", data=PDF
    )
    profile.refresh_from_db()
    assert s3.objects() == [f"private/{profile.cv.name}"]
    url = f"/careers/candidates/{profile.pk}/cv/"
    assert "/login" in client.get(url)["Location"]
    response = client_of(profile.person).get(url)
    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    status, headers, body = s3.fetch(response["Location"])
    assert (status, body) == (200, PDF)
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"] == 'attachment; filename="cv.pdf"'
    assert s3.fetch(response["Location"].split("?", 1)[0])[0] == 403


@pytest.mark.parametrize("how", ["removed", "erring", "unreachable"])
def test_a_cv_download_while_the_store_fails_is_a_clear_503_page(
    s3, s3_failing, client_of, manager_a, caplog, how
):
    """A recruiter's look is logged once the CV is handed over: not when the store failed."""
    profile = CandidateFactory(
        person=PersonFactory(
            organisation=None, membership_type=MembershipType.RESEARCHER, with_account=True
        )
    )
    services.candidate_cv_upload(
        profile=profile, actor=profile.person.user, name="cv.pdf", data=PDF
    )
    url = f"/careers/candidates/{profile.pk}/cv/"
    assert client_of(manager_a).get(url).status_code == 302
    assert CandidateAccess.objects.filter(kind=AccessKind.CV).count() == 1
    s3_failing(how)
    response = client_of(manager_a).get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    page = response.content.decode()
    assert "The file store is unreachable" in page
    assert "Please try again in a few minutes." in page
    assert "private store" in caplog.text
    assert CandidateAccess.objects.filter(kind=AccessKind.CV).count() == 1
