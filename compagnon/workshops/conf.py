"""Settings of the workshop pages, read with defaults."""

from __future__ import annotations

from django.conf import settings


def upload_max_bytes() -> int:
    """WORKSHOP_UPLOAD_MAX_MB (default 50): the largest material upload."""
    return int(getattr(settings, "WORKSHOP_UPLOAD_MAX_MB", 50)) * 1024 * 1024


def calendar_page_size() -> int:
    """WORKSHOP_CALENDAR_PAGE_SIZE (default 20): workshops per calendar page."""
    return int(getattr(settings, "WORKSHOP_CALENDAR_PAGE_SIZE", 20))
