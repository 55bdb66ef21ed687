import pytest

from compagnon.benchathons.tests.factories import make_benchathon, make_participants


@pytest.fixture
def participants(db):
    """Nine people from four organisations, each with an account."""
    return make_participants(9, 4)


@pytest.fixture
def benchathon(member_a, participants):
    """A benchathon hosted by member_a, on the issue's grid, with two items."""
    return make_benchathon(host=member_a, participants=participants)
