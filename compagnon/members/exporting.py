"""Export people and organisations as CSV rows.

The people export has the import's columns first, written so that importing
the file again changes nothing (role and status as words the import knows,
tags by a name that resolves back to the same tag), then columns only for
reading: Base, Compétences (with levels 1 to 4), Peut enseigner, Visibilité.

The generators yield plain rows; `core.csvsafe` makes every cell formula-safe
when they are written, so callers (the staff export here, the organisation
manager's export elsewhere) share the same protection.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count, Prefetch, QuerySet

from compagnon.members.importing import (
    EXPORT_ONLY_HEADERS,
    IMPORT_HEADERS,
    ROLE_EXPORT_WORDS,
    STATUS_EXPORT_WORDS,
)
from compagnon.members.models import Interest, Organisation, Person, Skill, Tag
from compagnon.members.tags import TagResolver, split_tag_cell

PEOPLE_HEADERS: tuple[str, ...] = (*IMPORT_HEADERS, *EXPORT_ONLY_HEADERS)
ORGANISATION_HEADERS: tuple[str, ...] = (
    "Nom",
    "Type",
    "Formule",
    "Statut",
    "Membre depuis",
    "Membre jusqu'au",
    "Base",
    "Domaines",
    "Personnes",
)
_CHUNK = 1000
_LIST_SEPARATOR = ", "


def tag_export_names() -> dict[int, str]:
    """For each tag, the most readable name that the import resolves back to that same tag."""
    tags = list(Tag.objects.all())
    resolver = TagResolver(tags)
    names: dict[int, str] = {}
    for tag in tags:
        names[tag.pk] = next(
            (
                name
                for name in (tag.label_en, tag.label_fr)
                if split_tag_cell(name) == [name] and resolver.resolve(name) == tag
            ),
            tag.slug,
        )
    return names


def people_export_rows(queryset: QuerySet[Person]) -> Iterator[list[str]]:
    """The header, then one row per person of `queryset`, read in chunks."""
    yield list(PEOPLE_HEADERS)
    names = tag_export_names()
    people = queryset.select_related("organisation", "base").prefetch_related(
        Prefetch("skills", queryset=Skill.objects.select_related("tag").order_by("tag__label_en")),
        Prefetch(
            "interests", queryset=Interest.objects.select_related("tag").order_by("tag__label_en")
        ),
    )
    for person in people.iterator(chunk_size=_CHUNK):
        yield _person_row(person, names)


def _person_row(person: Person, names: dict[int, str]) -> list[str]:
    skills = list(person.skills.all())
    domains = [names[skill.tag_id] for skill in skills if skill.tag.parent_id is None]
    specialities = [names[skill.tag_id] for skill in skills if skill.tag.parent_id is not None]
    return [
        person.first_name,
        person.last_name,
        person.email,
        person.organisation.name if person.organisation else "",
        person.job_title,
        ROLE_EXPORT_WORDS.get(person.role_family, person.role_family),
        _LIST_SEPARATOR.join(names[interest.tag_id] for interest in person.interests.all()),
        _LIST_SEPARATOR.join(domains),
        _LIST_SEPARATOR.join(specialities),
        STATUS_EXPORT_WORDS.get(person.membership_type, person.membership_type),
        person.bio,
        person.linkedin_url,
        person.base.name if person.base else "",
        _LIST_SEPARATOR.join(f"{names[skill.tag_id]} ({skill.level}/4)" for skill in skills),
        _LIST_SEPARATOR.join(names[skill.tag_id] for skill in skills if skill.can_teach),
        person.directory_visibility,
    ]


def organisations_export_rows(queryset: QuerySet[Organisation]) -> Iterator[list[str]]:
    """The header, then one row per organisation with its number of people."""
    yield list(ORGANISATION_HEADERS)
    organisations = queryset.select_related("home_base").annotate(people_count=Count("people"))
    for organisation in organisations.iterator(chunk_size=_CHUNK):
        yield [
            organisation.name,
            organisation.kind,
            organisation.plan,
            organisation.status,
            organisation.member_since.isoformat() if organisation.member_since else "",
            organisation.member_until.isoformat() if organisation.member_until else "",
            organisation.home_base.name if organisation.home_base else "",
            _LIST_SEPARATOR.join(organisation.domain_list),
            str(organisation.people_count),  # type: ignore[attr-defined]
        ]
