"""Attachments stored before random keys: moved to one, on the local disk and on S3 (moto).

Older keys spelled the applicant's file name (`awards/1/2/ada-martin-cv.pdf`), and on S3 a
presigned link spells the key, to a blind juror too.
"""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command

from compagnon.awards import services
from compagnon.awards.models import ATTACHMENT_KEY, ApplicationStatus, Attachment, Review
from compagnon.awards.tests.factories import (
    ApplicationFactory,
    CategoryFactory,
    EditionFactory,
    JurorFactory,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["local", "s3"])
def stored(request, settings):
    """stored() -> the keys of every private object, on the disk or in the bucket."""
    if request.param == "s3":
        s3 = request.getfixturevalue("s3")
        return lambda: [key.removeprefix("private/") for key in s3.objects()]

    def on_disk() -> list[str]:
        root = Path(settings.PRIVATE_ROOT)
        return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())

    return on_disk


def _old_attachment(application, filename: str, content: bytes = PDF) -> Attachment:
    """An attachment as stored before random keys: the applicant's file name in the key."""
    attachment = Attachment(
        application=application, name=filename, content_type="application/pdf", size=len(content)
    )
    key = f"awards/{application.edition_id}/{application.pk}/{filename}"
    attachment.file.name = attachment.file.storage.save(key, ContentFile(content))
    assert attachment.file.name == key
    attachment.save()
    return attachment


def _read(attachment: Attachment) -> bytes:
    attachment.refresh_from_db()
    with attachment.file.storage.open(attachment.file.name, "rb") as handle:
        return handle.read()


def test_older_keys_move_to_random_ones_and_a_second_run_changes_nothing(stored, member_a):
    application = ApplicationFactory(applicant=member_a, status=ApplicationStatus.SUBMITTED)
    old = _old_attachment(application, "ada-martin-cv.pdf")
    other = _old_attachment(application, "Dupont Jean - lettre.PDF", b"%PDF-1.4 two")
    odd = _old_attachment(application, "CV.Martin", b"%PDF-1.4 odd")
    new = services.attachment_add(
        application=ApplicationFactory(applicant=member_a, status=ApplicationStatus.DRAFT),
        file=ContentFile(PDF, name="already-random.pdf"),
        by=member_a.user,
    )
    before = stored()
    assert len(before) == 4

    dry = services.attachments_rekey(dry_run=True)
    assert (dry.moved, dry.finished, dry.missing) == (3, 0, 0)
    assert stored() == before  # a dry run changes nothing

    report = services.attachments_rekey()
    assert (report.moved, report.finished, report.missing) == (3, 0, 0)
    old.refresh_from_db()
    other.refresh_from_db()
    odd.refresh_from_db()
    new.refresh_from_db()
    for attachment in (old, other, odd):
        assert ATTACHMENT_KEY.match(attachment.file.name)
        assert attachment.replaced_key == ""
        assert attachment.file.name.startswith(f"awards/{application.edition_id}/{application.pk}/")
    assert other.file.name.endswith(".pdf")
    assert "." not in odd.file.name.rsplit("/", 1)[-1]  # an extension that is not one: dropped
    assert _read(old) == PDF
    assert _read(other) == b"%PDF-1.4 two"
    assert old.name == "ada-martin-cv.pdf"  # the name shown to the applicant stays
    keys = stored()
    assert sorted(keys) == sorted([old.file.name, other.file.name, odd.file.name, new.file.name])
    assert not any("martin" in key.lower() or "dupont" in key.lower() for key in keys)

    again = services.attachments_rekey()
    assert (again.moved, again.finished, again.missing) == (0, 0, 0)
    assert stored() == keys


def test_a_run_stopped_before_its_commit_loses_nothing_and_the_next_one_finishes(
    stored, member_a, monkeypatch
):
    application = ApplicationFactory(applicant=member_a, status=ApplicationStatus.SUBMITTED)
    attachment = _old_attachment(application, "ada-martin-cv.pdf")
    old_key = attachment.file.name

    def crash(*args, **kwargs):
        raise RuntimeError("worker killed")

    with monkeypatch.context() as patched:
        patched.setattr(Attachment, "save", crash)
        with pytest.raises(RuntimeError):
            services.attachments_rekey()
    attachment.refresh_from_db()
    assert attachment.file.name == old_key  # the row still names the old object
    assert _read(attachment) == PDF
    assert old_key in stored()  # and it is still there, next to the copy

    report = services.attachments_rekey()
    assert report.moved == 1
    attachment.refresh_from_db()
    # The copy is written to the same key again: no second copy is left behind.
    assert stored() == [attachment.file.name]
    assert _read(attachment) == PDF


def test_a_run_stopped_after_its_commit_deletes_the_old_object_next_time(
    stored, member_a, monkeypatch
):
    application = ApplicationFactory(applicant=member_a, status=ApplicationStatus.SUBMITTED)
    attachment = _old_attachment(application, "ada-martin-cv.pdf")
    old_key = attachment.file.name

    def crash(*args, **kwargs):
        raise RuntimeError("worker killed")

    with monkeypatch.context() as patched:
        patched.setattr(services, "_replaced_key_delete", crash)
        with pytest.raises(RuntimeError):
            services.attachments_rekey()
    attachment.refresh_from_db()
    assert ATTACHMENT_KEY.match(attachment.file.name)
    assert attachment.replaced_key == old_key
    assert sorted(stored()) == sorted([old_key, attachment.file.name])
    dry = services.attachments_rekey(dry_run=True)
    assert (dry.moved, dry.finished) == (0, 1)

    report = services.attachments_rekey()
    assert (report.moved, report.finished) == (0, 1)
    attachment.refresh_from_db()
    assert attachment.replaced_key == ""
    assert stored() == [attachment.file.name]
    assert _read(attachment) == PDF


def test_deleting_an_attachment_whose_move_stopped_deletes_both_objects(
    stored, member_a, monkeypatch, committed
):
    application = ApplicationFactory(applicant=member_a, status=ApplicationStatus.DRAFT)
    attachment = _old_attachment(application, "ada-martin-cv.pdf")
    with monkeypatch.context() as patched:
        patched.setattr(services, "_replaced_key_delete", lambda *args: None)
        services.attachments_rekey()
    attachment.refresh_from_db()
    assert attachment.replaced_key
    assert len(stored()) == 2
    committed(services.attachment_delete, attachment=attachment)
    assert stored() == []


def test_an_attachment_without_its_object_is_reported_and_left_alone(stored, member_a):
    application = ApplicationFactory(applicant=member_a, status=ApplicationStatus.SUBMITTED)
    attachment = _old_attachment(application, "ada-martin-cv.pdf")
    attachment.file.storage.delete(attachment.file.name)
    report = services.attachments_rekey()
    assert (report.moved, report.missing) == (0, 1)
    attachment.refresh_from_db()
    assert attachment.file.name.endswith("ada-martin-cv.pdf")
    assert stored() == []  # no copy of nothing


def test_the_command_counts_dry_then_moves(member_a):
    application = ApplicationFactory(applicant=member_a, status=ApplicationStatus.SUBMITTED)
    attachment = _old_attachment(application, "ada-martin-cv.pdf")
    out = StringIO()
    call_command("awards_rekey_attachments", "--dry-run", stdout=out)
    assert out.getvalue().strip() == (
        "attachments to move: 1; older objects left to delete: 0 (dry run, nothing changed)"
    )
    attachment.refresh_from_db()
    assert attachment.file.name.endswith("ada-martin-cv.pdf")
    out = StringIO()
    call_command("awards_rekey_attachments", stdout=out)
    assert out.getvalue().strip() == (
        "attachments moved: 1; older objects deleted: 0; missing from the storage: 0"
    )
    attachment.refresh_from_db()
    assert ATTACHMENT_KEY.match(attachment.file.name)


def test_after_the_move_a_blind_jurors_link_names_no_one(s3, client_of, member_a):
    category = CategoryFactory(edition=EditionFactory(blind_review=True))
    application = ApplicationFactory(
        category=category, applicant=member_a, status=ApplicationStatus.SUBMITTED
    )
    attachment = _old_attachment(application, "ada-martin-cv.pdf")
    juror = JurorFactory(edition=category.edition)
    Review.objects.create(application=application, juror=juror)
    url = f"/awards/files/{attachment.pk}/"
    assert "ada-martin" in client_of(juror.person).get(url)["Location"]  # before the move

    services.attachments_rekey()
    response = client_of(juror.person).get(url)
    assert response.status_code == 302
    assert "ada-martin" not in response["Location"]
    status, headers, body = s3.fetch(response["Location"])
    assert (status, body) == (200, PDF)
    assert "ada-martin" not in headers["Content-Disposition"]


def test_deleting_an_attachment_moved_since_its_page_was_read_deletes_its_object(
    stored, member_a, committed
):
    # The applicant's page read the row before the upgrade moved its file: the delete
    # must remove the object the row names now, not only the one it named then.
    application = ApplicationFactory(applicant=member_a, status=ApplicationStatus.DRAFT)
    attachment = _old_attachment(application, "ada-martin-cv.pdf")
    seen = Attachment.objects.get(pk=attachment.pk)
    services.attachments_rekey()
    assert len(stored()) == 1
    committed(services.attachment_delete, attachment=seen)
    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    assert stored() == []
