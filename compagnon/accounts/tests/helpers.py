import re
import time
from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

# The password the factories give every user; strong enough for the validators.
PASSWORD = "correct-horse-battery"


def link_in(text: str, path_prefix: str) -> str:
    """The path of the first link in an email body whose path starts with path_prefix."""
    for url in re.findall(r"https?://\S+", text):
        path = urlsplit(url).path
        if path.startswith(path_prefix):
            return path
    raise AssertionError(f"No link to {path_prefix} in:\n{text}")


def email_verified(user) -> EmailAddress:
    address, _ = EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return address


def totp_code(secret: str, offset: int = 0) -> str:
    """The code an authenticator app shows now (offset: periods later)."""
    from allauth.mfa import app_settings

    counter = int(time.time()) // app_settings.TOTP_PERIOD + offset
    return format_hotp_value(hotp_value(secret, counter))
