import factory
from django.utils import timezone

from compagnon.cases.models import Case, CaseStatus, CaseTransition
from compagnon.members.tests.factories import PersonFactory


class CaseFactory(factory.django.DjangoModelFactory):
    """A case written straight to the database (tests of services go through the services)."""

    class Meta:
        model = Case
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Forecasts broke #{n}")
    description = "Our **sales forecasts** broke in 2020."
    brought_by = factory.SubFactory(PersonFactory, with_account=True)
    organisation = factory.LazyAttribute(lambda o: o.brought_by.organisation)
    status = CaseStatus.DRAFT

    class Params:
        opened = factory.Trait(status=CaseStatus.OPEN, opened_at=factory.LazyFunction(timezone.now))

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)

    @factory.post_generation
    def shared_with(self, create, extracted, **kwargs):
        if create and extracted:
            self.shared_with.set(extracted)

    @factory.post_generation
    def excluded_organisations(self, create, extracted, **kwargs):
        if create and extracted:
            self.excluded_organisations.set(extracted)


def open_case(**kwargs) -> Case:
    """An open case with the transitions that got it there."""
    case = CaseFactory(opened=True, **kwargs)
    CaseTransition.objects.create(case=case, from_status="", to_status=CaseStatus.DRAFT)
    CaseTransition.objects.create(
        case=case, from_status=CaseStatus.SUBMITTED, to_status=CaseStatus.OPEN
    )
    return case
