"""The email door trusts no From header: a member confirms from their registered address.

Also: the operator may trust their own mail server's Authentication-Results,
replies never quote the message, replies to unknown addresses are rate-limited,
and a message nested a thousand levels deep is refused, not a crash.
"""

from __future__ import annotations

import re
from datetime import timedelta
from email.message import EmailMessage

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from compagnon.cases.inbound import (
    CONFIRMATIONS_PER_PERSON_PER_HOUR,
    MalformedEmail,
    inbound_confirm_url,
    inbound_draft_for_token,
    parse_email,
)
from compagnon.cases.models import Case, CaseSource, CaseStatus, InboundEmailDraft
from compagnon.core.models import OutboundEmail
from compagnon.members.models import MembershipStatus

pytestmark = pytest.mark.django_db

SECRET = "s3cret-door-0123456789"
SPAM = "BUY CHEAP PILLS at pills.example"


@pytest.fixture(autouse=True)
def door_open(settings):
    settings.CASES_INBOUND_EMAIL_SECRET = SECRET
    settings.SITE_URL = "https://club.example"
    settings.CASES_INBOUND_TRUSTED_AUTHSERV_ID = ""
    settings.CASES_INBOUND_UNKNOWN_REPLIES_PER_ADDRESS = 1
    settings.CASES_INBOUND_UNKNOWN_REPLIES_PER_HOUR = 20


def message(
    *,
    sender="ada@alpha.example",
    subject="Our forecasts broke",
    text="Since 2020 our weekly forecasts are off.",
    message_id="<m-1@alpha.example>",
    results=(),
) -> bytes:
    msg = EmailMessage()
    for value in results:
        msg["Authentication-Results"] = value
    msg["From"] = sender
    msg["To"] = "cases@club.example"
    msg["Subject"] = subject
    msg["Message-ID"] = message_id
    msg.set_content(text)
    return msg.as_bytes()


def post(client, raw: bytes):
    return client.post(
        reverse("cases:inbound_email", args=[SECRET]), raw, content_type="message/rfc822"
    )


def deep(levels: int, sender="ada@alpha.example") -> bytes:
    head = (
        f"From: {sender}\r\nSubject: deep\r\nMessage-ID: <deep@x.example>\r\nMIME-Version: 1.0\r\n"
    )
    body = "".join(
        f'Content-Type: multipart/mixed; boundary="b{i}"\r\n\r\n--b{i}\r\n' for i in range(levels)
    )
    body += "Content-Type: text/plain\r\n\r\nhello\r\n"
    body += "".join(f"--b{i}--\r\n" for i in reversed(range(levels)))
    return (head + body).encode()


# --- a forged From files nothing ----------------------------------------------------------


def test_a_message_waits_for_the_member_to_confirm(
    client, member_a, django_capture_on_commit_callbacks
):
    member_a.email = "ada@alpha.example"
    member_a.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, message(sender="Ada <ADA@Alpha.example>"))
    assert response.status_code == 202
    assert response.json() == {"status": "to_confirm", "case": None}
    assert not Case.objects.exists()
    draft = InboundEmailDraft.objects.get()
    assert (draft.person, draft.title) == (member_a, "Our forecasts broke")
    (confirm,) = mail.outbox
    assert confirm.to == ["ada@alpha.example"]  # the registered address
    assert confirm.subject == "Confirm the case you sent by email"
    assert "forecasts" not in confirm.subject + confirm.body  # never quotes the message
    token = re.search(r"https://club\.example/cases/inbound/confirm/([^/\s]+)/", confirm.body)[1]
    assert inbound_draft_for_token(token) == draft


def test_the_signed_link_shows_then_files_once(client, member_a):
    post(client, message())
    draft = InboundEmailDraft.objects.get()
    url = inbound_confirm_url(draft).removeprefix("https://club.example")

    page = client.get(url)
    assert page.status_code == 200
    assert "Our forecasts broke" in page.content.decode()
    assert not Case.objects.exists()  # a GET (a mail scanner) files nothing

    response = client.post(url)
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    assert (case.status, case.source, case.brought_by) == (
        CaseStatus.DRAFT,
        CaseSource.EMAIL,
        member_a,
    )
    assert case.inbound_message_id == "<m-1@alpha.example>"
    again = client.post(url)
    assert again.status_code == 200
    assert 'data-testid="inbound-confirm-done"' in again.content.decode()
    assert Case.objects.count() == 1


def test_the_same_message_twice_waits_once(client, member_a):
    post(client, message())
    assert post(client, message()).json()["status"] == "duplicate"
    assert InboundEmailDraft.objects.count() == 1
    assert OutboundEmail.objects.count() == 1


def test_forged_messages_do_not_flood_the_member_with_confirmations(client, member_a):
    statuses = [
        post(client, message(message_id=f"<flood-{index}@x>")).json()["status"]
        for index in range(CONFIRMATIONS_PER_PERSON_PER_HOUR + 2)
    ]
    assert statuses.count("to_confirm") == CONFIRMATIONS_PER_PERSON_PER_HOUR
    assert statuses[-1] == "rate_limited"
    assert OutboundEmail.objects.count() == CONFIRMATIONS_PER_PERSON_PER_HOUR


@pytest.mark.parametrize("tamper", ["x", "1:abc:def"])
def test_a_forged_link_files_nothing(client, member_a, tamper):
    post(client, message())
    draft = InboundEmailDraft.objects.get()
    token = inbound_confirm_url(draft).rstrip("/").rsplit("/", 1)[1]
    url = reverse("cases:inbound_confirm", args=[token[:-2] + tamper])
    assert client.get(url).status_code == 404
    response = client.post(url)
    assert response.status_code == 404
    assert "This link is not valid or has expired" in response.content.decode()
    assert not Case.objects.exists()


def test_an_expired_link_files_nothing(client, member_a, settings):
    settings.CASES_INBOUND_CONFIRM_DAYS = 2
    post(client, message())
    url = inbound_confirm_url(InboundEmailDraft.objects.get()).removeprefix("https://club.example")
    with time_machine.travel(timezone.now() + timedelta(days=3)):
        assert client.post(url).status_code == 404
    assert not Case.objects.exists()


def test_a_member_who_lapsed_before_confirming_is_told(client, member_a):
    post(client, message())
    url = inbound_confirm_url(InboundEmailDraft.objects.get()).removeprefix("https://club.example")
    member_a.organisation.status = MembershipStatus.LAPSED
    member_a.organisation.save(update_fields=["status"])
    response = client.post(url)
    assert response.status_code == 400
    assert "no active membership" in response.content.decode()
    assert not Case.objects.exists()


# --- trusting the operator's mail server ----------------------------------------------------


@pytest.mark.parametrize(
    ("results", "trusted"),
    [
        (["mx.club.example; dkim=pass header.d=alpha.example header.s=s1"], True),
        (["mx.club.example; spf=pass (sender ok) smtp.mailfrom=bounce@alpha.example"], True),
        (["mx.club.example 1; dkim=pass (good) header.i=@alpha.example"], True),
        (["mx.club.example; dkim=fail header.d=alpha.example; spf=softfail"], False),
        (["mx.club.example; dkim=pass header.d=evil.example"], False),
        (["mx.club.example; dkim=pass header.d=example"], False),
        (["mx.evil.example; dkim=pass header.d=alpha.example"], False),
        # Only the topmost header of our server counts: a forged one below is ignored.
        (
            [
                "mx.club.example; dkim=none",
                "mx.club.example; dkim=pass header.d=alpha.example",
            ],
            False,
        ),
    ],
)
def test_authentication_results_of_the_trusted_server(client, member_a, settings, results, trusted):
    settings.CASES_INBOUND_TRUSTED_AUTHSERV_ID = "mx.club.example"
    response = post(client, message(results=results))
    assert response.json()["status"] == ("created" if trusted else "to_confirm")
    assert Case.objects.exists() is trusted


def test_without_the_setting_no_header_is_trusted(client, member_a):
    results = ["mx.club.example; dkim=pass header.d=alpha.example"]
    assert post(client, message(results=results)).json()["status"] == "to_confirm"
    assert not Case.objects.exists()


# --- replies to strangers ---------------------------------------------------------------------


def test_a_reply_never_quotes_the_stranger(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post(client, message(sender="victim@nowhere.example", subject=SPAM, text=SPAM))
    (reply,) = mail.outbox
    assert reply.to == ["victim@nowhere.example"]
    assert "pills" not in (reply.subject + reply.body).lower()


def test_replies_to_one_unknown_address_are_limited_per_hour(client):
    for index in range(5):
        raw = message(sender="victim@nowhere.example", message_id=f"<spam-{index}@x>")
        assert post(client, raw).json()["status"] == "unknown_sender"
    assert OutboundEmail.objects.count() == 1
    # An hour later, one more.
    OutboundEmail.objects.update(created_at=timezone.now() - timedelta(minutes=61))
    post(client, message(sender="victim@nowhere.example", message_id="<spam-late@x>"))
    assert OutboundEmail.objects.count() == 2


def test_replies_to_all_unknown_addresses_are_limited_per_hour(client, settings):
    settings.CASES_INBOUND_UNKNOWN_REPLIES_PER_HOUR = 3
    for index in range(6):
        post(client, message(sender=f"victim{index}@nowhere.example", message_id=f"<s{index}@x>"))
    assert OutboundEmail.objects.count() == 3
    assert not Case.objects.exists()


# --- a message nested too deep --------------------------------------------------------------


def test_parse_refuses_a_message_nested_a_thousand_levels():
    with pytest.raises(MalformedEmail):
        parse_email(deep(1000))


def test_a_message_nested_a_thousand_levels_is_refused_not_a_500(
    client, member_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, deep(1000))
    assert response.status_code == 200
    assert response.json() == {"status": "malformed", "case": None}
    assert not Case.objects.exists() and not InboundEmailDraft.objects.exists()
    (reply,) = mail.outbox
    assert reply.to == [member_a.email]
    assert "too many nested parts" in reply.body


def test_a_few_levels_of_nesting_are_read(client, member_a):
    assert post(client, deep(5)).json()["status"] == "to_confirm"
