import pytest
from django.core.cache import cache

from compagnon.core.testing import smtp_server

__all__ = ["smtp_server"]


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # allauth counts failed logins in the cache; locmem outlives a test.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _english_client(client):
    # The site defaults to French; tests read the English source strings, which
    # stay stable when the French catalogue changes.
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client
