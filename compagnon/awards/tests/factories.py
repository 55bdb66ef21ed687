import datetime as dt

import factory
from django.utils import timezone

from compagnon.awards.models import (
    Application,
    ApplicationStatus,
    Category,
    Criterion,
    Edition,
    Juror,
    JurorStatus,
)
from compagnon.members.tests.factories import PersonFactory


def _today():
    return timezone.localdate()


class EditionFactory(factory.django.DjangoModelFactory):
    """An edition whose call is open: opened ten days ago, closes in ten days."""

    class Meta:
        model = Edition

    name = factory.Sequence(lambda n: f"Awards {2030 + n}")
    slug = factory.Sequence(lambda n: f"awards-{2030 + n}")
    time_zone = "Europe/Paris"
    call_opens_on = factory.LazyFunction(lambda: _today() - dt.timedelta(days=10))
    deadline_on = factory.LazyFunction(lambda: _today() + dt.timedelta(days=10))
    deadline_time = dt.time(23, 59)
    jury_starts_on = factory.LazyFunction(lambda: _today() + dt.timedelta(days=15))
    jury_ends_on = factory.LazyFunction(lambda: _today() + dt.timedelta(days=30))
    ceremony_on = factory.LazyFunction(lambda: _today() + dt.timedelta(days=40))


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        skip_postgeneration_save = True

    edition = factory.SubFactory(EditionFactory)
    slug = factory.Sequence(lambda n: f"category-{n}")
    name = factory.Sequence(lambda n: f"Most audacious {n}")
    scale_min = 0
    scale_max = 10

    @factory.post_generation
    def criteria(self, create, extracted, **kwargs):
        for index, (name, weight) in enumerate(extracted or [("Originality", 1), ("Impact", 3)]):
            Criterion.objects.create(category=self, name=name, weight=weight, position=index)


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A complete application, eligible (ready for the jury) unless told otherwise."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    category = factory.SubFactory(CategoryFactory)
    edition = factory.SelfAttribute("category.edition")
    applicant = factory.SubFactory(PersonFactory)
    organisation = factory.SelfAttribute("applicant.organisation")
    title = factory.Sequence(lambda n: f"Project {n}")
    summary = "We forecast hotel bookings again."
    problem = "Forecasts broke with Covid."
    data = "Five years of bookings."
    method = "Gradient boosting with regime features."
    impact = "Error down 30 %."
    responsible_ai = "No personal data."
    status = ApplicationStatus.ELIGIBLE
    submitted_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def team(self, create, extracted, **kwargs):
        self.team.add(self.applicant, *(extracted or []))


class JurorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Juror

    edition = factory.SubFactory(EditionFactory)
    person = factory.SubFactory(PersonFactory, with_account=True)
    status = JurorStatus.ACCEPTED
