"""Settings of the challenges app, each with its default (the lead lists them in settings.py)."""

from __future__ import annotations

from django.conf import settings


def submission_max_bytes() -> int:
    """CHALLENGE_SUBMISSION_MAX_MB: the largest submission file accepted."""
    return int(getattr(settings, "CHALLENGE_SUBMISSION_MAX_MB", 200)) * 1024 * 1024


def data_file_max_bytes() -> int:
    """CHALLENGE_DATA_FILE_MAX_MB: the largest data file (or solution) an organiser uploads."""
    return int(getattr(settings, "CHALLENGE_DATA_FILE_MAX_MB", 2048)) * 1024 * 1024


def zip_max_uncompressed_bytes() -> int:
    """CHALLENGE_ZIP_MAX_UNCOMPRESSED_MB: what a zip data file may expand to."""
    return int(getattr(settings, "CHALLENGE_ZIP_MAX_UNCOMPRESSED_MB", 4096)) * 1024 * 1024


# A zip whose members expand more than this many times over is a bomb, whatever its size.
ZIP_MAX_RATIO = 100


def scoring_stale_minutes() -> int:
    """CHALLENGE_SCORING_STALE_MINUTES: a submission scoring longer than this is re-queued."""
    return int(getattr(settings, "CHALLENGE_SCORING_STALE_MINUTES", 10))


def scoring_max_attempts() -> int:
    """CHALLENGE_SCORING_MAX_ATTEMPTS: after this many tries a submission is marked failed."""
    return int(getattr(settings, "CHALLENGE_SCORING_MAX_ATTEMPTS", 3))
