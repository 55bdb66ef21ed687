"""Every change to the newsletter: subscribing, confirming, unsubscribing, composing, sending.

Double opt-in: `subscriber_subscribe` only ever sends the confirmation email; an
address gets mailings once `subscriber_confirm` ran. Whatever the state of the
address, the caller shows the same answer, so the form tells nobody who is subscribed.
"""

from __future__ import annotations

import enum
import secrets
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from compagnon.core.email import email_queue
from compagnon.news.selectors import posts_published_between
from compagnon.newsletter import conf
from compagnon.newsletter.consent import CONSENT_TEXTS, CURRENT_VERSION
from compagnon.newsletter.emails import (
    absolute,
    confirmation_message,
    mailing_message,
    unsubscribe_headers,
    unsubscribe_url,
)
from compagnon.newsletter.models import (
    ConsentAction,
    ConsentRecord,
    Delivery,
    DeliveryStatus,
    Language,
    Mailing,
    MailingStatus,
    Subscriber,
    SubscriberStatus,
)
from compagnon.workshops.selectors import upcoming_public_workshops
from compagnon.workshops.timeplace import workshop_time_with_place

SOURCE_MAX_LENGTH = 300


class SubscribeOutcome(enum.Enum):
    CONFIRMATION_SENT = "sent"
    THROTTLED = "throttled"  # a confirmation left less than N minutes ago
    ALREADY_CONFIRMED = "confirmed"


def normalise_email(email: str) -> str:
    """Trimmed, domain lower-cased; raises ValidationError with a message for a person."""
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(
            _("“%(email)s” is not an email address. Check for a typo, e.g. name@example.org."),
            params={"email": email[:100]},
            code="invalid_email",
        ) from None
    local, _at, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}"


def _new_token() -> str:
    return secrets.token_urlsafe(32)


def _record(
    subscriber: Subscriber,
    action: str,
    *,
    source: str,
    ip_hash: str | None,
    version: str = "",
) -> ConsentRecord:
    return ConsentRecord.objects.create(
        subscriber=subscriber,
        action=action,
        source=source[:SOURCE_MAX_LENGTH],
        consent_version=version,
        language=subscriber.language,
        ip_hash=ip_hash or "",
    )


def _queue_confirmation(subscriber: Subscriber, *, now: datetime) -> None:
    subscriber.confirmation_sent_at = now
    subscriber.confirmation_emails += 1
    subscriber.save(update_fields=["confirmation_sent_at", "confirmation_emails", "updated_at"])
    message = confirmation_message(subscriber)
    email_queue(
        to=[subscriber.email],
        subject=message["subject"],
        text=message["text"],
        html=message["html"],
        key=f"newsletter:confirm:{subscriber.pk}:{subscriber.confirmation_emails}",
    )


def subscriber_subscribe(
    *,
    email: str,
    language: str,
    source: str,
    ip_hash: str | None,
    consent_version: str = CURRENT_VERSION,
    now: datetime | None = None,
) -> SubscribeOutcome:
    """Ask for a subscription; the answer shown must not depend on the outcome."""
    email = normalise_email(email)
    if consent_version not in CONSENT_TEXTS:
        raise ValidationError(_("The consent text has changed: please read it again."))
    if language not in Language.values:
        language = Language.FR
    now = now or timezone.now()
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(email__iexact=email).first()
        if subscriber is None:
            try:
                with transaction.atomic():
                    subscriber = Subscriber.objects.create(
                        email=email, language=language, confirmation_token=_new_token()
                    )
            except IntegrityError:
                # Two posts for one address at once: the other one created it.
                subscriber = Subscriber.objects.select_for_update().get(email__iexact=email)
        elif subscriber.status == SubscriberStatus.CONFIRMED:
            return SubscribeOutcome.ALREADY_CONFIRMED
        recent = subscriber.confirmation_sent_at is not None and (
            now - subscriber.confirmation_sent_at < timedelta(minutes=conf.confirm_resend_minutes())
        )
        if recent:
            return SubscribeOutcome.THROTTLED
        if subscriber.status == SubscriberStatus.UNSUBSCRIBED or subscriber.confirmation_sent_at:
            # A fresh link: an old one may sit in a forwarded mail.
            subscriber.confirmation_token = _new_token()
        subscriber.status = SubscriberStatus.PENDING
        subscriber.language = language
        subscriber.save(update_fields=["confirmation_token", "status", "language", "updated_at"])
        _record(
            subscriber,
            ConsentAction.SUBSCRIBE,
            source=source,
            ip_hash=ip_hash,
            version=consent_version,
        )
        _queue_confirmation(subscriber, now=now)
    return SubscribeOutcome.CONFIRMATION_SENT


class ConfirmationError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def subscriber_for_confirmation(
    token: str, *, now: datetime | None = None, lock: bool = False
) -> Subscriber:
    """The subscriber a confirmation link names, or ConfirmationError saying why not.

    `lock` takes the row for update: a token replaced meanwhile then finds no row.
    """
    now = now or timezone.now()
    subscribers = Subscriber.objects.select_for_update() if lock else Subscriber.objects
    subscriber = subscribers.filter(confirmation_token=token).first()
    if subscriber is None or subscriber.status == SubscriberStatus.UNSUBSCRIBED:
        raise ConfirmationError(
            gettext(
                "This confirmation link is not valid (it may have been replaced by a newer one). "
                "Subscribe again to receive a new link."
            )
        )
    if subscriber.status == SubscriberStatus.PENDING and (
        subscriber.confirmation_sent_at is None
        or now - subscriber.confirmation_sent_at > timedelta(days=conf.confirm_max_age_days())
    ):
        raise ConfirmationError(
            gettext("This confirmation link has expired. Subscribe again to receive a new link.")
        )
    return subscriber


def subscriber_confirm(
    *, token: str, source: str, ip_hash: str | None, now: datetime | None = None
) -> Subscriber:
    """Confirm a subscription (idempotent: a confirmed address stays confirmed)."""
    now = now or timezone.now()
    with transaction.atomic():
        subscriber = subscriber_for_confirmation(token, now=now, lock=True)
        if subscriber.status == SubscriberStatus.CONFIRMED:
            return subscriber
        subscriber.status = SubscriberStatus.CONFIRMED
        subscriber.confirmed_at = now
        subscriber.save(update_fields=["status", "confirmed_at", "updated_at"])
        last = subscriber.consent_records.filter(action=ConsentAction.SUBSCRIBE).last()
        _record(
            subscriber,
            ConsentAction.CONFIRM,
            source=source,
            ip_hash=ip_hash,
            version=last.consent_version if last else CURRENT_VERSION,
        )
    return subscriber


def subscriber_unsubscribe(
    *, subscriber_id: int, source: str, ip_hash: str | None, now: datetime | None = None
) -> Subscriber | None:
    """Stop every mailing to this subscriber; queued deliveries are skipped. Idempotent."""
    now = now or timezone.now()
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(pk=subscriber_id).first()
        if subscriber is None:
            return None
        if subscriber.status == SubscriberStatus.UNSUBSCRIBED:
            return subscriber
        subscriber.status = SubscriberStatus.UNSUBSCRIBED
        subscriber.unsubscribed_at = now
        subscriber.save(update_fields=["status", "unsubscribed_at", "updated_at"])
        Delivery.objects.filter(subscriber=subscriber, status=DeliveryStatus.QUEUED).update(
            status=DeliveryStatus.SKIPPED
        )
        _record(subscriber, ConsentAction.UNSUBSCRIBE, source=source, ip_hash=ip_hash)
    return subscriber


# Mailings


def digest_build(*, since: datetime | None, now: datetime | None = None) -> str:
    """Markdown listing the posts published since `since` and the next public workshops."""
    now = now or timezone.now()
    start = since or now - timedelta(days=31)
    posts = list(posts_published_between(start=start, end=now))
    workshops = list(upcoming_public_workshops(limit=5))
    parts: list[str] = []
    if posts:
        parts.append("## " + gettext("New on the blog"))
        for post in posts:
            line = f"- [{post.title}]({absolute(post.get_absolute_url())})"
            if post.description:
                line += f" — {post.description}"
            parts.append(line)
    if workshops:
        if parts:
            parts.append("")
        parts.append("## " + gettext("Upcoming public workshops"))
        for workshop in workshops:
            assert workshop.starts_at is not None  # upcoming ones have a start
            when = workshop_time_with_place(workshop, workshop.starts_at)
            parts.append(f"- {when} · [{workshop.title}]({absolute(workshop.get_absolute_url())})")
    return "\n".join(parts)


def _last_sent_at() -> datetime | None:
    last = Mailing.objects.filter(status=MailingStatus.SENT).order_by("-sent_at").first()
    return last.sent_at if last else None


def mailing_create(*, subject: str, body: str, created_by) -> Mailing:
    with transaction.atomic():
        mailing = Mailing(
            subject=subject,
            body=body,
            created_by=created_by,
            digest=digest_build(since=_last_sent_at()),
        )
        mailing.full_clean()
        mailing.save()
    return mailing


def _draft_locked(mailing: Mailing) -> Mailing:
    mailing = Mailing.objects.select_for_update().get(pk=mailing.pk)
    if mailing.status != MailingStatus.DRAFT:
        raise ValidationError(_("This mailing has already been sent: it can no longer change."))
    return mailing


def mailing_update(*, mailing: Mailing, subject: str, body: str, digest: str) -> Mailing:
    with transaction.atomic():
        mailing = _draft_locked(mailing)
        mailing.subject, mailing.body, mailing.digest = subject, body, digest
        mailing.full_clean()
        mailing.save()
    return mailing


def mailing_digest_refresh(*, mailing: Mailing) -> Mailing:
    with transaction.atomic():
        mailing = _draft_locked(mailing)
        mailing.digest = digest_build(since=_last_sent_at())
        mailing.save(update_fields=["digest", "updated_at"])
    return mailing


def mailing_send_test(*, mailing: Mailing, user) -> Mailing:
    """Send the mailing as it stands to the staff member, marked as a test."""
    if not user.email:
        raise ValidationError(_("Your account has no email address to send the test to."))
    now = timezone.now()
    with transaction.atomic():
        mailing = Mailing.objects.select_for_update().get(pk=mailing.pk)
        language = (translation.get_language() or "fr")[:2]
        # A staff member who reads the newsletter gets their own working unsubscribe link,
        # so the test shows the footer exactly as subscribers will see it.
        own = Subscriber.objects.filter(
            email__iexact=user.email, status=SubscriberStatus.CONFIRMED
        ).first()
        link = unsubscribe_url(subscriber_id=own.pk, mailing_id=mailing.pk) if own else None
        message = mailing_message(mailing, language=language, unsubscribe_link=link)
        email_queue(
            to=[user.email],
            subject=gettext("[Test] %(subject)s") % {"subject": message["subject"]},
            text=message["text"],
            html=message["html"],
            headers=unsubscribe_headers(link) if link else None,
            key=f"newsletter:test:{mailing.pk}:{now.timestamp()}",
        )
        mailing.test_sent_to = user.email
        mailing.test_sent_at = now
        mailing.save(update_fields=["test_sent_to", "test_sent_at", "updated_at"])
    return mailing


def mailing_send(*, mailing: Mailing) -> Mailing:
    """Freeze the list: one queued Delivery per confirmed subscriber, then batches by task.

    The mailing row is locked, so two staff members pressing "Send" at once make
    one list; the unique (mailing, subscriber) constraint backs that up.
    """
    from compagnon.newsletter.tasks import mailing_send_batch

    now = timezone.now()
    with transaction.atomic():
        mailing = _draft_locked(mailing)
        if not mailing.subject.strip():
            raise ValidationError(_("The mailing needs a subject."))
        subscriber_ids = list(
            Subscriber.objects.filter(status=SubscriberStatus.CONFIRMED).values_list(
                "pk", flat=True
            )
        )
        if not subscriber_ids:
            # Sending to nobody would still close the draft for good.
            raise ValidationError(
                _(
                    "No one has confirmed a subscription yet: nothing was sent and the mailing "
                    "stays a draft. Send it once someone has confirmed."
                )
            )
        Delivery.objects.bulk_create(
            [Delivery(mailing=mailing, subscriber_id=pk) for pk in subscriber_ids],
            batch_size=1000,
            ignore_conflicts=True,
        )
        mailing.recipients_count = mailing.deliveries.count()
        mailing.status = MailingStatus.SENDING
        mailing.send_started_at = now
        mailing.save(update_fields=["recipients_count", "status", "send_started_at", "updated_at"])
        mailing_id = mailing.pk
        transaction.on_commit(lambda: mailing_send_batch.enqueue(mailing_id))
    return mailing


def mailing_batch_deliver(*, mailing_id: int, batch_size: int | None = None) -> tuple[int, bool]:
    """Hand the next batch of still-queued deliveries to the outbox.

    Returns (how many were handed over, whether queued rows remain). Each row is
    marked in the same transaction as its email is queued under the key
    `newsletter:<mailing>:<subscriber>`, so a retried or duplicated batch finds
    nothing left to do, and the outbox would refuse a second email anyway.
    """
    size = batch_size or conf.batch_size()
    now = timezone.now()
    with transaction.atomic():
        mailing = Mailing.objects.select_for_update().filter(pk=mailing_id).first()
        if mailing is None or mailing.status != MailingStatus.SENDING:
            return 0, False
        rows = list(
            # of=("self",): the subscribers stay unlocked, or a batch and an unsubscribe
            # (subscriber, then its deliveries) could take the same rows in opposite orders.
            Delivery.objects.select_for_update(of=("self",))
            .filter(mailing=mailing, status=DeliveryStatus.QUEUED)
            .select_related("subscriber")
            .order_by("pk")[:size]
        )
        handed = 0
        rendered: dict[str, dict[str, str]] = {}
        for delivery in rows:
            subscriber = delivery.subscriber
            if subscriber.status != SubscriberStatus.CONFIRMED:
                delivery.status = DeliveryStatus.SKIPPED
                delivery.save(update_fields=["status"])
                continue
            link = unsubscribe_url(subscriber_id=subscriber.pk, mailing_id=mailing.pk)
            if subscriber.language not in rendered:
                rendered[subscriber.language] = mailing_message(
                    mailing, language=subscriber.language, unsubscribe_link="@@UNSUBSCRIBE@@"
                )
            template = rendered[subscriber.language]
            email = email_queue(
                to=[subscriber.email],
                subject=template["subject"],
                text=template["text"].replace("@@UNSUBSCRIBE@@", link),
                html=template["html"].replace("@@UNSUBSCRIBE@@", link),
                headers=unsubscribe_headers(link),
                key=f"newsletter:{mailing.pk}:{subscriber.pk}",
            )
            delivery.status = DeliveryStatus.SENT
            delivery.email = email
            delivery.sent_at = now
            delivery.save(update_fields=["status", "email", "sent_at"])
            handed += 1
        remaining = Delivery.objects.filter(mailing=mailing, status=DeliveryStatus.QUEUED).exists()
        if not remaining:
            mailing.status = MailingStatus.SENT
            mailing.sent_at = now
            mailing.save(update_fields=["status", "sent_at", "updated_at"])
    return handed, remaining
