"""People, as the directory shows them: `members.selectors.people_visible_to`."""

from django.db.models import Q
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from compagnon.api.auth import member_viewer, scoped
from compagnon.api.pagination import CursorPagination, cursor_kwargs
from compagnon.api.schemas import ERRORS_READ, OrganisationRef, TagOut
from compagnon.members.models import Person
from compagnon.members.selectors import people_visible_to, people_with_profile, person_for_viewer

router = Router(tags=["people"], auth=scoped("people"))


class SkillOut(Schema):
    tag: TagOut
    level: int
    can_teach: bool


class PersonOut(Schema):
    id: int
    name: str
    job_title: str
    organisation: OrganisationRef | None
    skills: list[SkillOut]
    interests: list[TagOut]

    @staticmethod
    def resolve_name(person: Person) -> str:
        return person.full_name

    @staticmethod
    def resolve_skills(person: Person) -> list:
        return list(person.skills.all())

    @staticmethod
    def resolve_interests(person: Person) -> list:
        return [interest.tag for interest in person.interests.all()]


class PersonDetailOut(PersonOut):
    bio: str
    languages: list[str]
    remote_ok: bool

    @staticmethod
    def resolve_languages(person: Person) -> list[str]:
        return list(person.languages or [])


@router.get(
    "/", response={200: list[PersonOut], **ERRORS_READ}, url_name="people", summary="People"
)
@paginate(CursorPagination, **cursor_kwargs("pk"))
def people(
    request: HttpRequest,
    organisation: str | None = None,
    tag: str | None = None,
    q: str | None = None,
):
    """The people the token's owner sees in the directory, with their skills and interests.

    Filters: `organisation` (slug), `tag` (a skill's or interest's slug), `q` (name).
    """
    viewer = member_viewer(request)
    found = people_visible_to(viewer)
    if organisation:
        found = found.filter(organisation__slug=organisation)
    if tag:
        found = found.filter(
            Q(pk__in=Person.objects.filter(skills__tag__slug=tag).values("pk"))
            | Q(pk__in=Person.objects.filter(interests__tag__slug=tag).values("pk"))
        )
    if q:
        found = found.filter(Q(first_name__icontains=q) | Q(last_name__icontains=q))
    return people_with_profile(found)


@router.get(
    "/{int:person_id}",
    response={200: PersonDetailOut, **ERRORS_READ},
    url_name="person",
    summary="A person",
)
def person(request: HttpRequest, person_id: int):
    return person_for_viewer(member_viewer(request), person_id)
