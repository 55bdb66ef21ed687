"""Settings of the newsletter, each with a default that works on a laptop."""

from __future__ import annotations

from email.utils import parseaddr

from django.conf import settings


def batch_size() -> int:
    """How many deliveries one task queues before handing over to the next task."""
    return int(getattr(settings, "NEWSLETTER_BATCH_SIZE", 200))


def confirm_resend_minutes() -> int:
    """At most one confirmation email per address in this many minutes."""
    return int(getattr(settings, "NEWSLETTER_CONFIRM_RESEND_MINUTES", 15))


def confirm_max_age_days() -> int:
    """How long a confirmation link works."""
    return int(getattr(settings, "NEWSLETTER_CONFIRM_MAX_AGE_DAYS", 7))


def unsubscribe_max_age_days() -> int:
    """How long the one-click unsubscribe link of a mailing works."""
    return int(getattr(settings, "NEWSLETTER_UNSUBSCRIBE_MAX_AGE_DAYS", 400))


def subscribe_rate() -> tuple[int, int]:
    """(posts, seconds): how many subscription posts one IP address may make in a window."""
    return (
        int(getattr(settings, "NEWSLETTER_SUBSCRIBE_RATE_LIMIT", 5)),
        int(getattr(settings, "NEWSLETTER_SUBSCRIBE_RATE_WINDOW", 600)),
    )


def unsubscribe_mailto() -> str:
    """The mailbox named in List-Unsubscribe's mailto: part (read by staff)."""
    configured = getattr(settings, "NEWSLETTER_UNSUBSCRIBE_MAILTO", "")
    if configured:
        return configured
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "noreply@localhost"
