import pytest

from compagnon.knowledge.tests.factories import make_workshop
from compagnon.members.tests.factories import TagFactory


@pytest.fixture
def forecasting(db):
    return TagFactory(slug="forecasting", label_fr="Prévision", label_en="Forecasting")


@pytest.fixture
def workshop_a(member_a, forecasting):
    """A done members-only workshop hosted by member_a (organisation A)."""
    return make_workshop(hosts=[member_a], tags=[forecasting])
