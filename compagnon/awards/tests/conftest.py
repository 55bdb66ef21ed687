import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """The vote's rate limiter counts in the cache: each test starts with a clean window."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """committed(service, **kwargs): run a service and what it left for after its commit."""

    def run(service, /, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return run


@pytest.fixture
def colleague_a(org_a):
    from compagnon.members.tests.factories import PersonFactory

    return PersonFactory(
        organisation=org_a, email="cole@alpha.example", first_name="Cole", with_account=True
    )
