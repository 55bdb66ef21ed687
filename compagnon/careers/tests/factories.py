import datetime as dt

import factory
from django.utils import timezone

from compagnon.careers.models import (
    CandidateProfile,
    CandidateVisibility,
    Offer,
    OfferAudience,
    OfferSkill,
    OfferStatus,
    RecruitmentSession,
    SessionSlot,
)
from compagnon.members.models import MembershipType, RoleFamily
from compagnon.members.tests.factories import OrganisationFactory, PersonFactory, TagFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class CandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CandidateProfile

    person = factory.SubFactory(
        PersonFactory,
        organisation=None,
        membership_type=MembershipType.RESEARCHER,
        role_family=RoleFamily.PHD_CANDIDATE,
        job_title="PhD candidate",
    )
    thesis_title = "Causal inference for time series"
    lab = "LIP6"
    visibility = CandidateVisibility.RECRUITERS
    languages = ["fr", "en"]


def recruiter(organisation, **kwargs):
    return PersonFactory(
        organisation=organisation, is_org_manager=True, with_account=True, **kwargs
    )


class OfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offer

    organisation = factory.SubFactory(OrganisationFactory)
    posted_by = factory.LazyAttribute(lambda o: recruiter(o.organisation))
    title = "Data scientist, forecasting"
    description = "Forecast demand with causal models and time series."
    status = OfferStatus.PUBLISHED
    audience = OfferAudience.PUBLIC
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))
    published_at = factory.LazyFunction(timezone.now)


def offer_skill(offer, slug, level=3):
    return OfferSkill.objects.create(offer=offer, tag=TagFactory(slug=slug), level=level)


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RecruitmentSession

    title = "Recruitment afternoon"
    slug = factory.Sequence(lambda n: f"session-{n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=4))
    place = "Paris"


def slots(session, organisation, count, *, minutes=20):
    start = session.starts_at
    return [
        SessionSlot.objects.create(
            session=session,
            organisation=organisation,
            starts_at=start + dt.timedelta(minutes=minutes * i),
            ends_at=start + dt.timedelta(minutes=minutes * (i + 1)),
        )
        for i in range(count)
    ]
