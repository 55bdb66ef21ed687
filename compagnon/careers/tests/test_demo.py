import pytest

from compagnon.careers.demo import SESSION_SLUG, demo_careers_load
from compagnon.careers.models import CandidateProfile, Offer, RecruitmentSession, SessionSlot
from compagnon.members.tests.factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_the_demo_slice_loads_once():
    danone = OrganisationFactory(name="Danone", slug="danone")
    manager = PersonFactory(organisation=danone, is_org_manager=True)
    created = demo_careers_load(manager_email=manager.email)
    assert created > 0
    assert CandidateProfile.objects.count() == 5
    assert Offer.objects.filter(organisation=danone, posted_by=manager).count() == 2
    session = RecruitmentSession.objects.get(slug=SESSION_SLUG)
    assert SessionSlot.objects.filter(session=session).count() == 4
    assert demo_careers_load(manager_email=manager.email) == 0
