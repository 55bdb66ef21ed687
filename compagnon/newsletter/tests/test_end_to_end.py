"""The whole newsletter flow against a real local SMTP server (aiosmtpd).

Subscribe, receive and follow the confirmation link, receive a mailing with both
List-Unsubscribe headers, unsubscribe with the one-click POST (no cookie, no CSRF
token, as a mail provider does it), and receive nothing more.
"""

import re
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from compagnon.newsletter.consent import CURRENT_VERSION
from compagnon.newsletter.models import Mailing, SubscriberStatus

from .factories import SubscriberFactory

pytestmark = pytest.mark.django_db


def path_of(url: str) -> str:
    return urlsplit(url).path


def test_subscribe_confirm_receive_unsubscribe(
    client, client_of, staff_user, smtp_server, django_capture_on_commit_callbacks
):
    SubscriberFactory(email="other@example.org")  # keeps receiving: proves the second send ran
    reader = Client()

    # 1. Subscribe: only the confirmation email leaves.
    with django_capture_on_commit_callbacks(execute=True):
        response = reader.post(
            "/newsletter/",
            {
                "email": "lea@example.org",
                "language": "en",
                "consent": "on",
                "consent_version": CURRENT_VERSION,
                "source": "/",
            },
        )
    assert response.status_code == 302
    [confirmation] = smtp_server.received
    assert confirmation.rcpt_tos == ["lea@example.org"]
    link = re.search(r"https?://\S+/newsletter/confirm/\S+/", confirmation.text).group(0)

    # 2. Follow the link: the page asks; the button confirms.
    assert reader.get(path_of(link)).status_code == 200
    assert _reader_status() == SubscriberStatus.PENDING
    assert "Subscription confirmed" in reader.post(path_of(link)).text
    assert _reader_status() == SubscriberStatus.CONFIRMED

    # 3. Staff compose and send: the reader gets the mailing with both headers.
    staff = client_of(staff_user)
    staff.post(reverse("newsletter:mailing_create"), {"subject": "November", "body": "Hi"})
    mailing = Mailing.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(reverse("newsletter:mailing_send", args=[mailing.pk]))
    [issue] = [m for m in smtp_server.received[1:] if m.rcpt_tos == ["lea@example.org"]]
    assert issue.subject == "November"
    assert issue.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    header = str(issue.message["List-Unsubscribe"])
    https_part, mailto_part = (part.strip() for part in header.split(","))
    assert mailto_part.startswith("<mailto:") and mailto_part.endswith(">")
    unsubscribe_url = https_part.strip("<>")
    assert "/newsletter/unsubscribe/" in unsubscribe_url
    assert unsubscribe_url in issue.text

    # 4. One-click unsubscribe, as RFC 8058 says a mail provider does it.
    provider = Client(enforce_csrf_checks=True)
    response = provider.post(
        path_of(unsubscribe_url),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert _reader_status() == SubscriberStatus.UNSUBSCRIBED

    # 5. The next mailing reaches the other subscriber, and not the reader.
    received_before = len(smtp_server.received)
    staff.post(reverse("newsletter:mailing_create"), {"subject": "December", "body": "Hi"})
    december = Mailing.objects.get(subject="December")
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(reverse("newsletter:mailing_send", args=[december.pk]))
    new = smtp_server.received[received_before:]
    assert [m.rcpt_tos for m in new] == [["other@example.org"]]
    assert not [m for m in smtp_server.received if m.rcpt_tos == ["lea@example.org"]][2:]


def _reader_status():
    from compagnon.newsletter.models import Subscriber

    return Subscriber.objects.get(email="lea@example.org").status
