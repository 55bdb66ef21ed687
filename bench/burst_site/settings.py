"""The project's settings with the bench-only URLconf (see the package docstring)."""

from compagnon.settings import *  # noqa: F403

ROOT_URLCONF = "burst_site.urls"
