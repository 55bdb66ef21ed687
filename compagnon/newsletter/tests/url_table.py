"""Who reaches each newsletter URL. The public side is for everyone; the desk is staff's."""

from __future__ import annotations

from compagnon.core.tests.urltable import REDIRECT, Case, everyone, staff_only


def _pending(world):
    """A subscriber waiting for confirmation (made once per world)."""
    if not hasattr(world, "newsletter_pending"):
        from django.utils import timezone

        from compagnon.newsletter.models import Subscriber

        world.newsletter_pending = Subscriber.objects.create(
            email="reader@example.org",
            confirmation_token="pending-token-for-the-table",
            confirmation_sent_at=timezone.now(),
        )
    return world.newsletter_pending


def _unsubscribe_token(world) -> str:
    from compagnon.newsletter.tokens import unsubscribe_token

    return unsubscribe_token(subscriber_id=_pending(world).pk)


def _mailing(world, *, sent=False):
    attribute = "newsletter_sent" if sent else "newsletter_draft"
    if not hasattr(world, attribute):
        from compagnon.newsletter.models import Mailing, MailingStatus

        setattr(
            world,
            attribute,
            Mailing.objects.create(
                subject="November",
                body="Hello",
                status=MailingStatus.SENT if sent else MailingStatus.DRAFT,
                created_by=world.staff_user,
            ),
        )
    return getattr(world, attribute)


def _subscribe_data(world) -> dict:
    # Every persona posts from 127.0.0.1: start each row with a fresh rate-limit window.
    from django.core.cache import cache

    cache.clear()
    return {
        "email": "visitor@example.org",
        "language": "en",
        "consent": "on",
        "consent_version": "2026-11",
    }


def _draft(world):
    return {"pk": _mailing(world).pk}


def _sent(world):
    return {"pk": _mailing(world, sent=True).pk}


URL_TABLE = {
    "newsletter:subscribe": [
        Case(everyone(200)),
        Case(everyone(REDIRECT), method="post", data=_subscribe_data, note="neutral answer"),
    ],
    "newsletter:subscribe_done": Case(everyone(200)),
    "newsletter:confirm": [
        Case(everyone(200), kwargs=lambda w: {"token": _pending(w).confirmation_token}),
        Case(everyone(404), kwargs=lambda w: {"token": "unknown"}, note="clear page"),
        Case(
            everyone(200),
            method="post",
            kwargs=lambda w: {"token": _pending(w).confirmation_token},
        ),
    ],
    "newsletter:unsubscribe": [
        Case(everyone(200), kwargs=lambda w: {"token": _unsubscribe_token(w)}),
        Case(everyone(400), kwargs=lambda w: {"token": "tampered"}, note="clear page"),
        Case(everyone(200), method="post", kwargs=lambda w: {"token": _unsubscribe_token(w)}),
    ],
    "newsletter:mailing_list": Case(staff_only()),
    "newsletter:mailing_create": [
        Case(staff_only()),
        Case(
            staff_only(REDIRECT),
            method="post",
            data=lambda w: {"subject": "December", "body": "Hello"},
        ),
    ],
    "newsletter:mailing_detail": Case(staff_only(), kwargs=_draft),
    "newsletter:mailing_preview": Case(staff_only(), kwargs=_draft),
    "newsletter:mailing_edit": [
        Case(staff_only(), kwargs=_draft),
        Case(staff_only(REDIRECT), kwargs=_sent, note="sent: back to the mailing"),
    ],
    "newsletter:mailing_digest": [
        Case(staff_only(405), kwargs=_draft),
        Case(staff_only(REDIRECT), method="post", kwargs=_draft),
    ],
    "newsletter:mailing_test": [
        Case(staff_only(405), kwargs=_draft),
        Case(staff_only(REDIRECT), method="post", kwargs=_draft),
    ],
    "newsletter:mailing_send": [
        Case(staff_only(405), kwargs=_draft),
        Case(staff_only(REDIRECT), method="post", kwargs=_draft),
    ],
    "newsletter:mailing_progress": Case(staff_only(), kwargs=_sent),
    "newsletter:mailing_log": Case(staff_only(), kwargs=_sent),
}
