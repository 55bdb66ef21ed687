"""The email door: a raw message POSTed by the mail gateway becomes a draft case, or a polite reply.

These messages carry our mail server's Authentication-Results (DKIM pass for the
sender's domain) and the operator trusts it, so a member's message is filed at
once; test_inbound_confirm.py covers the default, where the member confirms first.
"""

from email.message import EmailMessage

import pytest
from django.core import mail
from django.urls import reverse

from compagnon.cases.inbound import file_size, html_to_text, parse_email
from compagnon.cases.models import DESCRIPTION_MAX_LENGTH, Case, CaseSource, CaseStatus
from compagnon.core.models import OutboundEmail
from compagnon.members.models import MembershipStatus
from compagnon.members.tests.factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db

SECRET = "s3cret-door-0123456789"
AUTHSERV = "mx.club.example"


@pytest.fixture(autouse=True)
def door_open(settings):
    settings.CASES_INBOUND_EMAIL_SECRET = SECRET
    settings.SITE_URL = "https://club.example"
    settings.CASES_INBOUND_TRUSTED_AUTHSERV_ID = AUTHSERV


def door(secret=SECRET):
    return reverse("cases:inbound_email", args=[secret])


def message(
    *,
    sender="Ada Martin <ADA@alpha.example>",
    subject="Our forecasts broke",
    text="Since 2020 our weekly forecasts are off.\nWe have five years of sales.",
    html=None,
    attachments=(),
    message_id="<case-1@alpha.example>",
    headers=None,
    authenticated=True,
) -> bytes:
    msg = EmailMessage()
    if authenticated and "@" in sender:
        domain = sender.rsplit("@", 1)[1].strip(">").lower()
        msg["Authentication-Results"] = f"{AUTHSERV}; dkim=pass header.d={domain}"
    msg["From"] = sender
    msg["To"] = "cases@club.example"
    if subject is not None:
        msg["Subject"] = subject
    if message_id:
        msg["Message-ID"] = message_id
    for name, value in (headers or {}).items():
        msg[name] = value
    if text is not None:
        msg.set_content(text)
        if html is not None:
            msg.add_alternative(html, subtype="html")
    elif html is not None:
        msg.set_content(html, subtype="html")
    for name, data, maintype, subtype in attachments:
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg.as_bytes()


def post(client, raw: bytes, secret=SECRET):
    return client.post(door(secret), raw, content_type="message/rfc822")


def test_a_member_email_becomes_a_draft_case(client, member_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, message())
    case = Case.objects.get()
    assert response.status_code == 202
    assert response.json() == {"status": "created", "case": case.pk}
    assert (case.status, case.source, case.brought_by) == (
        CaseStatus.DRAFT,
        CaseSource.EMAIL,
        member_a,
    )
    assert case.title == "Our forecasts broke"
    assert case.description == (
        "Since 2020 our weekly forecasts are off.\nWe have five years of sales."
    )
    assert case.inbound_message_id == "<case-1@alpha.example>"
    (reply,) = mail.outbox
    assert reply.to == ["ada@alpha.example"]
    assert reply.subject == "We received your case"
    assert "We received the case you sent by email" in reply.body
    assert "forecasts" not in reply.subject + reply.body  # never quotes the message
    assert f"https://club.example/cases/{case.pk}/" in reply.body
    assert reply.extra_headers["In-Reply-To"] == "<case-1@alpha.example>"
    assert reply.extra_headers["Auto-Submitted"] == "auto-replied"
    assert OutboundEmail.objects.get().key == f"case-received:{case.pk}"


def test_the_same_message_twice_makes_one_case(client, member_a):
    first = post(client, message())
    second = post(client, message(subject="Resent"))
    case = Case.objects.get()
    assert first.status_code == 202
    assert second.status_code == 200
    assert second.json() == {"status": "duplicate", "case": case.pk}
    assert OutboundEmail.objects.count() == 1


def test_a_message_without_message_id_is_still_received_once(client, member_a):
    raw = message(message_id=None)
    post(client, raw)
    post(client, raw)
    assert Case.objects.count() == 1
    assert Case.objects.get().inbound_message_id.startswith("sha256:")


def test_html_only_email_is_turned_into_text(client, member_a):
    html = (
        "<html><head><style>p{color:red}</style><title>x</title></head><body>"
        "<p>Our <b>forecasts</b> broke.</p><ul><li>sales</li><li>prices</li></ul>"
        "<script>alert(1)</script><p>Thanks &amp; regards</p></body></html>"
    )
    post(client, message(text=None, html=html))
    description = Case.objects.get().description
    assert description == "Our forecasts broke.\n\n- sales\n- prices\n\nThanks & regards"


def test_plain_text_wins_over_html(client, member_a):
    post(client, message(text="Plain version.", html="<p>HTML version.</p>"))
    assert Case.objects.get().description == "Plain version."


def test_attachments_are_listed_not_kept(client, member_a):
    raw = message(
        attachments=[
            ("a.pdf", b"x" * (2 * 1024 * 1024), "application", "pdf"),
            ("sales.csv", b"y" * 30_000, "text", "csv"),
        ]
    )
    post(client, raw)
    description = Case.objects.get().description
    assert description.endswith("Attachments not kept: a.pdf (2 MB), sales.csv (29.3 KB)")
    assert "xxxx" not in description and "yyyy" not in description


def test_nul_characters_are_dropped(client, member_a):
    post(client, message(subject="Forecasts\x00 broke", text="Weekly\x00 sales."))
    case = Case.objects.get()
    assert (case.title, case.description) == ("Forecasts broke", "Weekly sales.")


def test_no_subject_takes_the_first_line(client, member_a):
    post(client, message(subject=None, text="\n\nForecasts broke.\nMore details."))
    assert Case.objects.get().title == "Forecasts broke."


def test_a_very_long_body_is_cut_to_the_limit(client, member_a):
    raw = message(text="word " * 10_000, attachments=[("a.pdf", b"x", "application", "pdf")])
    post(client, raw)
    description = Case.objects.get().description
    assert len(description) <= DESCRIPTION_MAX_LENGTH
    assert "The message was longer and was cut here." in description
    assert description.endswith("Attachments not kept: a.pdf (1 byte)")


def test_unknown_sender_gets_a_polite_reply_and_no_case(
    client, member_a, django_capture_on_commit_callbacks
):
    raw = message(sender="someone@nowhere.example", message_id="<x@nowhere.example>")
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, raw)
        post(client, raw)  # delivered twice: still one reply
    assert response.json() == {"status": "unknown_sender", "case": None}
    assert not Case.objects.exists()
    (reply,) = mail.outbox
    assert reply.to == ["someone@nowhere.example"]
    assert "This address is not known to the club" in reply.body


def test_a_message_with_no_text_part_is_explained(
    client, member_a, django_capture_on_commit_callbacks
):
    raw = message(text=None, attachments=[("scan.pdf", b"%PDF", "application", "pdf")])
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, raw)
    assert response.json()["status"] == "no_text"
    assert not Case.objects.exists()
    (reply,) = mail.outbox
    assert "no text we could read" in reply.body


def test_a_lapsed_member_is_told_why(client, django_capture_on_commit_callbacks):
    PersonFactory(
        email="old@gamma.example",
        organisation=OrganisationFactory(status=MembershipStatus.LAPSED),
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, message(sender="old@gamma.example"))
    assert response.json()["status"] == "not_member"
    assert not Case.objects.exists()
    assert "no active membership" in mail.outbox[0].body


def test_automatic_replies_are_ignored(client, member_a):
    raw = message(headers={"Auto-Submitted": "auto-replied"})
    response = post(client, raw)
    assert response.json()["status"] == "ignored"
    assert not Case.objects.exists() and not OutboundEmail.objects.exists()


def test_a_message_over_the_limit_is_refused_unread(client, member_a, settings):
    settings.CASES_INBOUND_EMAIL_MAX_BYTES = 10 * 1024 * 1024
    raw = message(attachments=[("big.bin", b"z" * (30 * 1024 * 1024), "application", "zip")])
    response = post(client, raw)
    assert response.status_code == 413
    assert response.json()["status"] == "too_large"
    assert not Case.objects.exists() and not OutboundEmail.objects.exists()


def test_a_body_longer_than_announced_is_refused(member_a, settings, rf):
    """A gateway that sends no (or a wrong) Content-Length is measured while reading."""
    from compagnon.cases.views.pages import inbound_email

    settings.CASES_INBOUND_EMAIL_MAX_BYTES = 1024
    request = rf.post(door(), message(text="x" * 5000), content_type="message/rfc822")
    request.META["CONTENT_LENGTH"] = ""
    response = inbound_email(request, SECRET)
    assert response.status_code == 413
    assert not Case.objects.exists()


@pytest.mark.parametrize("secret", ["wrong", SECRET + "x", ""])
def test_a_wrong_secret_is_not_found(client, member_a, secret):
    if not secret:
        response = client.post("/cases/inbound/email//", message(), content_type="message/rfc822")
    else:
        response = post(client, message(), secret=secret)
    assert response.status_code == 404
    assert not Case.objects.exists()


def test_the_door_is_closed_without_a_secret_setting(client, member_a, settings):
    settings.CASES_INBOUND_EMAIL_SECRET = ""
    assert post(client, message()).status_code == 404
    assert not Case.objects.exists()


def test_get_is_not_allowed(client):
    assert client.get(door()).status_code == 405


def test_an_empty_body_is_a_bad_request(client):
    assert client.post(door(), b"", content_type="message/rfc822").status_code == 400


# --- the parts ------------------------------------------------------------------------------


def test_parse_a_message_without_sender():
    parsed = parse_email(b"Subject: hello\n\nno from header\n")
    assert parsed.sender == "" and parsed.text == "no from header"


def test_a_message_without_sender_makes_nothing(client):
    response = post(client, b"Subject: hello\n\nno from header\n")
    assert response.json()["status"] == "no_sender"
    assert not OutboundEmail.objects.exists()


def test_html_to_text_keeps_blocks_and_drops_scripts():
    assert html_to_text("<div>a<br>b</div><script>x()</script><p>c &lt; d</p>") == "a\nb\n\nc < d"


@pytest.mark.parametrize(
    ("size", "text"),
    [(1, "1 byte"), (512, "512 bytes"), (30 * 1024, "30 KB"), (2 * 1024 * 1024, "2 MB")],
)
def test_file_sizes(size, text):
    assert file_size(size) == text
