"""Limits of the awards, from settings with defaults."""

from __future__ import annotations

from django.conf import settings

# Attachments: what a jury needs (slides, a report, a chart), nothing a browser runs.
# A PDF is checked further by its structure and active content (`core.pdf`).
ATTACHMENT_TYPES = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
}


def attachment_max_bytes() -> int:
    return int(getattr(settings, "AWARDS_ATTACHMENT_MAX_MB", 10)) * 1024 * 1024


def attachments_per_application() -> int:
    return int(getattr(settings, "AWARDS_ATTACHMENTS_PER_APPLICATION", 5))


def vote_rate() -> tuple[int, int]:
    """(posts, seconds) allowed per client address for the public vote."""
    return (int(getattr(settings, "AWARDS_VOTE_RATE", 5)), 3600)


def vote_confirm_max_age_days() -> int:
    return 7
