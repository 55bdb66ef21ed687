import pytest
from django.core.cache import cache

from compagnon.careers.matching import ranker_reset


@pytest.fixture(autouse=True)
def fresh_state():
    """Each test starts with an empty ranker and fresh rate-limit windows."""
    cache.clear()
    ranker_reset()
    yield
    ranker_reset()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    def run(service, /, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return run
