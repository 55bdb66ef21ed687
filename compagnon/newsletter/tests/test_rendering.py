"""A mailing as a club sends it: HTML with inline styles, a readable text twin, absolute
links, a working unsubscribe link, the browser preview and the test to oneself."""

from __future__ import annotations

import pytest
from django.urls import reverse

from compagnon.core.models import OutboundEmail
from compagnon.newsletter.emails import mailing_message
from compagnon.newsletter.rendering import html_to_text, inline_styles
from compagnon.newsletter.tokens import unsubscribe_claim

from .factories import MailingFactory, SubscriberFactory

pytestmark = pytest.mark.django_db

BODY = (
    "Hello **readers**,\n\n## The open day\n\nSee [the calendar](/workshops/) and "
    "[our site](https://club.example.org/about/).\n\n- one\n- two\n\n<script>alert(1)</script>"
)


def test_the_html_has_the_clubs_look_inline_and_absolute_links(settings):
    settings.SITE_URL = "http://127.0.0.1:8107"
    mailing = MailingFactory(body=BODY)
    html = mailing_message(mailing, language="en", unsubscribe_link="https://x/u/1/")["html"]
    assert '<h3 style="' in html  # "##" under the mailing's own title
    assert 'href="http://127.0.0.1:8107/workshops/"' in html
    assert 'href="/workshops/"' not in html
    assert "<script>" not in html and "<style" not in html
    assert 'name="viewport"' in html and "max-width:600px" in html
    assert 'href="https://x/u/1/"' in html


def test_the_text_twin_has_no_markdown_left(settings):
    settings.SITE_URL = "http://127.0.0.1:8107"
    mailing = MailingFactory(body=BODY)
    text = mailing_message(mailing, language="en", unsubscribe_link="https://x/u/1/")["text"]
    assert "##" not in text and "**" not in text
    assert "The open day\n------------" in text
    assert "the calendar (http://127.0.0.1:8107/workshops/)" in text
    assert "- one\n- two" in text
    assert "New on the blog" in text and "A post (https://example.org/blog/a/)" in text
    assert "Unsubscribe in one click: https://x/u/1/" in text


def test_html_to_text_numbers_ordered_lists_and_keeps_bare_links():
    text = html_to_text(
        '<ol><li>first</li><li>second</li></ol><p><a href="https://a.b/">https://a.b/</a></p>'
    )
    assert "1. first\n2. second" in text
    assert "https://a.b/" in text and "(https://a.b/)" not in text


def test_inline_styles_only_touch_known_tags():
    assert inline_styles("<p>x</p><span>y</span>").startswith('<p style="')
    assert "<span>y</span>" in inline_styles("<p>x</p><span>y</span>")


def test_the_preview_is_the_email_itself_for_staff(client_of, staff_user):
    mailing = MailingFactory(body=BODY)
    response = client_of(staff_user).get(reverse("newsletter:mailing_preview", args=[mailing.pk]))
    assert response.status_code == 200
    assert "max-width:600px" in response.text
    policy = response["Content-Security-Policy"]
    assert "style-src 'unsafe-inline'" in policy and "script-src 'none'" in policy
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in policy
    french = client_of(staff_user).get(
        reverse("newsletter:mailing_preview", args=[mailing.pk]), {"lang": "fr"}
    )
    assert "La lettre d'information du club" in french.text


def test_the_mailing_page_frames_the_preview_and_never_shows_a_dead_link(client_of, staff_user):
    mailing = MailingFactory(body=BODY)
    page = client_of(staff_user).get(reverse("newsletter:mailing_detail", args=[mailing.pk])).text
    assert 'data-testid="mailing-preview-frame"' in page
    response = client_of(staff_user).get(reverse("newsletter:mailing_detail", args=[mailing.pk]))
    assert "frame-src" in response["Content-Security-Policy"]
    assert "'self'" in response["Content-Security-Policy"].split("frame-src")[1].split(";")[0]
    assert ": #" not in page


def test_a_subscribed_staff_members_test_carries_their_own_unsubscribe_link(client_of, staff_user):
    reader = SubscriberFactory(email=staff_user.email)
    mailing = MailingFactory()
    client_of(staff_user).post(reverse("newsletter:mailing_test", args=[mailing.pk]))
    email = OutboundEmail.objects.get()
    link = email.headers["List-Unsubscribe"].split(">")[0].lstrip("<")
    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert unsubscribe_claim(token).subscriber_id == reader.pk
    assert link in email.body_text and link in email.body_html


def test_a_signed_in_member_finds_her_address_already_in_the_form(client_of, member_a):
    page = client_of(member_a).get(reverse("newsletter:subscribe")).text
    assert f'value="{member_a.user.email}"' in page
