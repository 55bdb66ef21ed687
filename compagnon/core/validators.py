from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def validate_web_url(value: str) -> None:
    """Only http(s) links: a `javascript:` or `data:` link must never reach a page."""
    if not value:
        return
    scheme = urlsplit(value.strip()).scheme.lower()
    if scheme not in ("http", "https"):
        raise ValidationError(
            _("Enter a web address starting with http:// or https://."), code="scheme"
        )
