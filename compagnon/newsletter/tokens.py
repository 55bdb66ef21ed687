"""Signed one-click unsubscribe tokens (RFC 8058).

The token is `django.core.signing` with a salt of its own, so a token signed for
another purpose elsewhere in the platform is refused here. It carries the subscriber
and the mailing it came from; it is not secret (it is in every mailing), only
unforgeable, and it expires after NEWSLETTER_UNSUBSCRIBE_MAX_AGE_DAYS.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing

from compagnon.newsletter import conf

SALT = "compagnon.newsletter.unsubscribe"


class TokenExpired(Exception):
    pass


class TokenInvalid(Exception):
    pass


@dataclass(frozen=True)
class UnsubscribeClaim:
    subscriber_id: int
    mailing_id: int | None


def unsubscribe_token(*, subscriber_id: int, mailing_id: int | None = None) -> str:
    return signing.dumps({"s": subscriber_id, "m": mailing_id}, salt=SALT, compress=True)


def unsubscribe_claim(token: str) -> UnsubscribeClaim:
    """The claim a token carries; TokenExpired or TokenInvalid when it cannot be trusted."""
    max_age = conf.unsubscribe_max_age_days() * 24 * 3600
    try:
        payload = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired as error:
        raise TokenExpired from error
    except signing.BadSignature as error:
        raise TokenInvalid from error
    if not isinstance(payload, dict) or not isinstance(payload.get("s"), int):
        raise TokenInvalid
    mailing = payload.get("m")
    return UnsubscribeClaim(
        subscriber_id=payload["s"], mailing_id=mailing if isinstance(mailing, int) else None
    )
