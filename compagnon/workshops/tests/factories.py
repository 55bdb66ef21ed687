"""Factories for workshops: rows written straight to the database (services are tested apart)."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from compagnon.members.tests.factories import PersonFactory
from compagnon.workshops.models import (
    Mode,
    Registration,
    RegistrationStatus,
    SeatKind,
    Session,
    Workshop,
    WorkshopStatus,
)


def _in_days(days: int) -> dt.datetime:
    start = timezone.now() + dt.timedelta(days=days)
    return start.replace(hour=8, minute=0, second=0, microsecond=0)


class WorkshopFactory(factory.django.DjangoModelFactory):
    """A published on-site workshop in ten days with 10 seats and one 4-hour session.

    `sessions=0` skips the session; `sessions=[(start, end), ...]` makes those.
    """

    class Meta:
        model = Workshop
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Forecasting workshop #{n}")
    summary = "We rebuild a **sales forecast** together."
    mode = Mode.ONSITE
    onsite_seats = 10
    status = WorkshopStatus.PUBLISHED
    time_zone = "Europe/Paris"
    starts_at = factory.LazyFunction(lambda: _in_days(10))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=4))
    published_at = factory.LazyFunction(timezone.now)

    class Params:
        draft = factory.Trait(status=WorkshopStatus.DRAFT, published_at=None)
        remote = factory.Trait(
            mode=Mode.REMOTE,
            onsite_seats=None,
            remote_seats=10,
            video_url="https://meet.example.org/workshop",
        )
        hybrid = factory.Trait(
            mode=Mode.HYBRID,
            onsite_seats=5,
            remote_seats=5,
            video_url="https://meet.example.org/workshop",
        )

    @factory.post_generation
    def sessions(self, create, extracted, **kwargs):
        if not create:
            return
        if extracted == 0:
            return
        spans = extracted or [(self.starts_at, self.ends_at)]
        for start, end in spans:
            Session.objects.create(workshop=self, starts_at=start, ends_at=end)
        starts = [s for s, _e in spans]
        ends = [e for _s, e in spans]
        if self.starts_at != min(starts) or self.ends_at != max(ends):
            Workshop.objects.filter(pk=self.pk).update(starts_at=min(starts), ends_at=max(ends))
            self.starts_at, self.ends_at = min(starts), max(ends)

    @factory.post_generation
    def hosts(self, create, extracted, **kwargs):
        if create and extracted:
            self.hosts.set(extracted)

    @factory.post_generation
    def invitees(self, create, extracted, **kwargs):
        if create and extracted:
            self.invitees.set(extracted)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)

    @factory.post_generation
    def excluded_organisations(self, create, extracted, **kwargs):
        if create and extracted:
            self.excluded_organisations.set(extracted)


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    workshop = factory.SubFactory(WorkshopFactory, sessions=0)
    starts_at = factory.LazyFunction(lambda: _in_days(10))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=4))


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A confirmed on-site registration."""

    class Meta:
        model = Registration

    workshop = factory.SubFactory(WorkshopFactory)
    person = factory.SubFactory(PersonFactory, with_account=True)
    organisation = factory.LazyAttribute(lambda o: o.person.organisation)
    seat = SeatKind.ONSITE
    status = RegistrationStatus.CONFIRMED
    queued_at = factory.LazyFunction(timezone.now)
    confirmed_at = factory.LazyAttribute(
        lambda o: o.queued_at if o.status == RegistrationStatus.CONFIRMED else None
    )
