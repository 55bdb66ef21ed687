import pytest
from django.core.cache import cache

from compagnon.core.testing import smtp_server

__all__ = ["smtp_server"]


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """The rate limiter counts in the cache: each test starts with a clean window."""
    cache.clear()
    yield
    cache.clear()
