"""The two kinds of email the newsletter sends: the confirmation and a mailing."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from compagnon.core.markdown import render_markdown
from compagnon.newsletter import conf
from compagnon.newsletter.models import Mailing, Subscriber
from compagnon.newsletter.rendering import email_html, html_to_text, preheader
from compagnon.newsletter.tokens import unsubscribe_token


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def confirmation_url(subscriber: Subscriber) -> str:
    return absolute(reverse("newsletter:confirm", args=[subscriber.confirmation_token]))


def unsubscribe_url(*, subscriber_id: int, mailing_id: int | None) -> str:
    token = unsubscribe_token(subscriber_id=subscriber_id, mailing_id=mailing_id)
    return absolute(reverse("newsletter:unsubscribe", args=[token]))


def confirmation_message(subscriber: Subscriber) -> dict[str, str]:
    context = {
        "confirm_url": confirmation_url(subscriber),
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "max_age_days": conf.confirm_max_age_days(),
    }
    with translation.override(subscriber.language):
        subject = gettext("Confirm your subscription to the %(site_name)s newsletter") % {
            "site_name": settings.SITE_NAME
        }
        return {
            "subject": subject,
            "text": render_to_string("newsletter/email/confirm.txt", context),
            "html": render_to_string("newsletter/email/confirm.html", context),
        }


def unsubscribe_headers(url: str) -> dict[str, str]:
    """RFC 2369 / RFC 8058: a one-click HTTPS link and a mailto fallback."""
    mailto = f"mailto:{conf.unsubscribe_mailto()}?subject=unsubscribe"
    return {
        "List-Unsubscribe": f"<{url}>, <{mailto}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def mailing_message(
    mailing: Mailing, *, language: str, unsubscribe_link: str | None
) -> dict[str, str]:
    """Subject, text and HTML of a mailing; `unsubscribe_link` None for a staff test."""
    body_html = render_markdown(mailing.body, heading_offset=1)
    digest_html = render_markdown(mailing.digest, heading_offset=1)
    body_text = html_to_text(body_html)
    context = {
        "mailing": mailing,
        # Safe: sanitised by render_markdown; styles and absolute addresses added after.
        "body_html": mark_safe(email_html(body_html)),
        "digest_html": mark_safe(email_html(digest_html)) if mailing.digest else "",
        "body_text": body_text,
        "digest_text": html_to_text(digest_html) if mailing.digest else "",
        "subject_rule": "=" * len(mailing.subject),
        "preheader": preheader(body_text),
        "unsubscribe_url": unsubscribe_link,
        "subscribe_url": absolute(reverse("newsletter:subscribe")),
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
    }
    with translation.override(language):
        return {
            "subject": mailing.subject,
            "text": render_to_string("newsletter/email/mailing.txt", context),
            "html": render_to_string("newsletter/email/mailing.html", context),
        }
