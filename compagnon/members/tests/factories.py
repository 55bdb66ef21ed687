import factory
from django.utils.text import slugify

from compagnon.accounts.models import User
from compagnon.members.models import (
    Base,
    Interest,
    MembershipType,
    Organisation,
    Person,
    Skill,
    Tag,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    password = factory.django.Password("correct-horse-battery")


class BaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Base
        django_get_or_create = ("slug",)

    name = "Paris"
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    city = "Paris"
    country = "FR"
    time_zone = "Europe/Paris"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    email_domains = factory.LazyAttribute(lambda o: f"{o.slug}.example.org")


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"tag-{n}")
    label_fr = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").title())
    label_en = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").title())


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    first_name = factory.Sequence(lambda n: f"Ada{n}")
    last_name = factory.Sequence(lambda n: f"Lovelace{n}")
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    organisation = factory.SubFactory(OrganisationFactory)
    membership_type = MembershipType.EMPLOYEE
    job_title = "Data scientist"

    class Params:
        with_account = factory.Trait(
            user=factory.SubFactory(UserFactory, email=factory.SelfAttribute("..email"))
        )


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill

    person = factory.SubFactory(PersonFactory)
    tag = factory.SubFactory(TagFactory)
    level = 3


class InterestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interest

    person = factory.SubFactory(PersonFactory)
    tag = factory.SubFactory(TagFactory)
