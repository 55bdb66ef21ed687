"""Applying: drafts that save as typed (HTMX and plain forms), submission, email, files."""

import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from compagnon.awards import services
from compagnon.awards.models import ApplicationStatus, Attachment, Eligibility
from compagnon.awards.tests.factories import ApplicationFactory, CategoryFactory, JurorFactory
from compagnon.core.models import OutboundEmail
from compagnon.members.models import MembershipStatus

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _draft(person, **kwargs):
    return ApplicationFactory(applicant=person, status=ApplicationStatus.DRAFT, **kwargs)


def test_apply_creates_a_draft_on_the_team_of_its_applicant(client_of, member_a):
    category = CategoryFactory()
    response = client_of(member_a).post(
        f"/awards/{category.edition.slug}/apply/",
        {"category": category.pk, "title": "Forecasts that survived Covid"},
    )
    application = member_a.award_applications.get()
    assert response.status_code == 302 and response["Location"] == application.get_absolute_url()
    assert application.status == ApplicationStatus.DRAFT
    assert application.organisation == member_a.organisation
    assert list(application.team.all()) == [member_a]


def test_members_only_category_refuses_a_lapsed_organisation_with_a_message(
    client_of, member_a, org_a
):
    category = CategoryFactory(eligibility=Eligibility.MEMBERS)
    org_a.status = MembershipStatus.LAPSED
    org_a.save()
    response = client_of(member_a).post(
        f"/awards/{category.edition.slug}/apply/", {"category": category.pk, "title": "X"}
    )
    assert response.status_code == 400
    assert "for people of member organisations only" in response.content.decode()
    assert not member_a.award_applications.exists()


def test_htmx_autosave_saves_as_typed_and_says_when(client_of, member_a):
    application = _draft(member_a, summary="")
    response = client_of(member_a).post(
        f"/awards/applications/{application.pk}/autosave/",
        {"title": application.title, "summary": "Half a sentence"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Draft saved at" in response.content.decode()
    application.refresh_from_db()
    assert application.summary == "Half a sentence"
    assert application.status == ApplicationStatus.DRAFT


def test_autosave_reports_a_bad_link_and_keeps_the_last_good_draft(client_of, member_a):
    application = _draft(member_a, summary="Kept")
    response = client_of(member_a).post(
        f"/awards/applications/{application.pk}/autosave/",
        {"title": application.title, "summary": "Changed", "video_url": "javascript:alert(1)"},
    )
    assert "Not saved" in response.content.decode()
    application.refresh_from_db()
    assert application.summary == "Kept"


def test_the_page_autosaves_with_htmx_and_submits_without_javascript(client_of, member_a):
    application = _draft(member_a)
    page = client_of(member_a).get(application.get_absolute_url()).content.decode()
    assert f'hx-post="/awards/applications/{application.pk}/autosave/"' in page
    assert 'name="action" value="submit"' in page  # a plain form post works without JS


def test_plain_submit_saves_submits_and_emails_after_commit(
    client_of, member_a, django_capture_on_commit_callbacks
):
    application = _draft(member_a)
    client = client_of(member_a)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            application.get_absolute_url(),
            {
                "title": "Final title",
                "summary": "s",
                "problem": "p",
                "data": "d",
                "method": "m",
                "impact": "-30 % error",
                "responsible_ai": "r",
                "action": "submit",
            },
        )
    assert response.status_code == 302
    assert not OutboundEmail.objects.exists()  # nothing is queued before the commit
    for callback in callbacks:
        callback()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    email = OutboundEmail.objects.get(key__startswith="awards:application-submitted")
    assert email.to == [member_a.email]
    assert "Final title" in email.body_text


def test_submit_says_what_is_missing_and_writes_nothing(client_of, member_a):
    application = _draft(member_a, impact="")
    response = client_of(member_a).post(
        application.get_absolute_url(),
        {"title": application.title, "summary": "s", "action": "submit"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Fill in before submitting" in page and "impact, with figures" in page
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_submitting_twice_sends_one_email(member_a, committed):
    application = _draft(member_a)
    committed(services.application_submit, application=application)
    with pytest.raises(Exception, match="can no longer be changed"):
        committed(services.application_submit, application=application)
    assert OutboundEmail.objects.filter(key__startswith="awards:application").count() == 1


def test_team_members_are_added_by_email_and_unknown_addresses_refused(
    client_of, member_a, colleague_a
):
    application = _draft(member_a)
    client = client_of(member_a)
    response = client.post(
        application.get_absolute_url(),
        {"title": "T", "team_emails": f"{colleague_a.email}\nnobody@nowhere.example"},
    )
    assert response.status_code == 400
    assert "Not known to the club: nobody@nowhere.example" in response.content.decode()
    client.post(application.get_absolute_url(), {"title": "T", "team_emails": colleague_a.email})
    assert set(application.team.all()) == {member_a, colleague_a}


def test_another_person_gets_404_on_a_draft(client_of, member_a, member_b):
    application = _draft(member_a)
    assert client_of(member_b).get(application.get_absolute_url()).status_code == 404


# --- attachments ------------------------------------------------------------------------------


def test_a_pdf_is_kept_privately_and_served_as_a_download(client_of, member_a, settings):
    application = _draft(member_a)
    client = client_of(member_a)
    client.post(
        f"/awards/applications/{application.pk}/files/",
        {"file": SimpleUploadedFile("deck.pdf", PDF, content_type="application/pdf")},
    )
    attachment = Attachment.objects.get()
    assert str(settings.PRIVATE_ROOT) in attachment.file.path
    assert str(settings.MEDIA_ROOT) not in attachment.file.path
    response = client.get(f"/awards/files/{attachment.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


def _pdf_with_stream(dictionary: bytes, data: bytes) -> bytes:
    return (
        b"%PDF-1.7\n5 0 obj\n<<"
        + dictionary
        + b"/Length %d>>\nstream\n" % len(data)
        + data
        + b"\nendstream\nendobj\ntrailer<<>>\n%%EOF\n"
    )


def _hidden_action_pdf() -> bytes:
    """An OpenAction's JavaScript inside a compressed object stream: no /JS in the raw bytes."""
    hidden = zlib.compress(b"7 0 <</OpenAction<</S/JavaScript/JS(app.alert(1))>>>>")
    return _pdf_with_stream(b"/Type/ObjStm/N 1/First 4/Filter/FlateDecode", hidden)


def _inflating_pdf() -> bytes:
    bomb = zlib.compress(b"\0" * (21 * 1024 * 1024))
    return _pdf_with_stream(b"/Type/ObjStm/N 1/First 4/Filter/FlateDecode", bomb)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("page.html", b"<html></html>", "This type of file is not accepted: send JPG, PDF, PNG."),
        ("fake.pdf", b"MZ\x90\x00 not a pdf", "This file is not the PDF its name says."),
        ("cut.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n", "This file is not the PDF its name says."),
        (
            "locked.pdf",
            b"%PDF-1.4\ntrailer<</Encrypt 2 0 R>>\n%%EOF\n",
            "This PDF is password-protected or carries scripts or actions",
        ),
        (
            "hidden.pdf",
            _hidden_action_pdf(),
            "This PDF is password-protected or carries scripts or actions",
        ),
        (
            "bomb.pdf",
            _inflating_pdf(),
            "This PDF holds more compressed content than we can check (over 20 MB once "
            "uncompressed)",
        ),
    ],
)
def test_wrong_files_are_refused_with_a_message(client_of, member_a, name, content, message):
    application = _draft(member_a)
    response = client_of(member_a).post(
        f"/awards/applications/{application.pk}/files/",
        {"file": SimpleUploadedFile(name, content)},
        follow=True,
    )
    assert message in response.content.decode()
    assert not Attachment.objects.exists()


def test_too_large_files_are_refused(client_of, member_a, settings):
    settings.AWARDS_ATTACHMENT_MAX_MB = 1
    application = _draft(member_a)
    response = client_of(member_a).post(
        f"/awards/applications/{application.pk}/files/",
        {"file": SimpleUploadedFile("big.pdf", PDF + b"0" * (1024 * 1024))},
        follow=True,
    )
    assert "The file is too large (1.0 MB); the limit is 1 MB." in response.content.decode()
    assert not Attachment.objects.exists()


def test_files_are_404_for_outsiders_and_conflicted_jurors(client_of, member_a, member_b):
    application = _draft(member_a)
    services.attachment_add(application=application, file=SimpleUploadedFile("deck.pdf", PDF))
    attachment = Attachment.objects.get()
    assert client_of(member_b).get(f"/awards/files/{attachment.pk}/").status_code == 404
    colleague_juror = JurorFactory(
        edition=application.edition, person__organisation=member_a.organisation
    )
    client = client_of(colleague_juror.person)
    assert client.get(f"/awards/files/{attachment.pk}/").status_code == 404


# --- eligibility ------------------------------------------------------------------------------


def test_staff_check_eligibility_and_a_refusal_needs_a_reason(client_of, staff_user, member_a):
    application = ApplicationFactory(applicant=member_a, status=ApplicationStatus.SUBMITTED)
    client = client_of(staff_user)
    response = client.post(
        f"/awards/applications/{application.pk}/eligibility/", {"eligible": "no"}, follow=True
    )
    assert "Say why the application is not eligible." in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    client.post(f"/awards/applications/{application.pk}/eligibility/", {"eligible": "yes"})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ELIGIBLE
    assert application.eligibility_checked_by == staff_user
    assert application.eligibility_checked_at is not None
