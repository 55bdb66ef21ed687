import pytest

from compagnon.core.testing import smtp_server
from compagnon.members.selectors import viewer_for
from compagnon.workshops.tests.factories import WorkshopFactory

__all__ = ["smtp_server"]


@pytest.fixture
def workshop(db):
    """A published on-site workshop in ten days with 10 seats."""
    return WorkshopFactory()


@pytest.fixture
def viewer_of():
    """viewer_of(person_or_user) -> a fresh Viewer (not the one cached on the user)."""

    def make(who):
        user = getattr(who, "user", None) or who
        if hasattr(user, "_compagnon_viewer"):
            del user._compagnon_viewer
        return viewer_for(user)

    return make


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """committed(service, **kwargs): call a service and run what it left for after its commit
    (the registration emails are rendered then, by a task), as a real commit would."""

    def run(service, /, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return run
