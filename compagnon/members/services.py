"""Every change to members goes through these functions."""

from __future__ import annotations

import logging
import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compagnon.accounts.models import User
from compagnon.members import importing
from compagnon.members.models import (
    Interest,
    Language,
    MembershipStatus,
    MembershipType,
    Organisation,
    OrganisationKind,
    Person,
    Skill,
    SkillLevelChange,
    SkillSource,
    Tag,
)

logger = logging.getLogger(__name__)

# ---------------------------------------------------------------------------
# Profile, skills and interests (the "edit my profile" page)
# ---------------------------------------------------------------------------

# What a person may change about themselves. Organisation, manager flag,
# membership type, email and account are staff business and are refused here.
# In the order the profile form shows them.
PROFILE_FIELDS: tuple[str, ...] = (
    "first_name",
    "last_name",
    "job_title",
    "role_family",
    "bio",
    "languages",
    "base",
    "remote_ok",
    "linkedin_url",
    "github_url",
    "orcid",
    "website_url",
    "chat_username",
    "directory_visibility",
    "do_not_invite_before",
)

BIO_MAX_LENGTH = 2000
ORCID_PATTERN = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")
ORCID_MESSAGE = _("Enter an ORCID iD like 0000-0002-1825-0097.")


def _check_actor(*, actor: User | None, person: Person) -> None:
    """The person themself, staff, or the system (actor None: commands, imports)."""
    if (
        actor is None
        or actor.is_staff
        or (person.user_id is not None and actor.pk == person.user_id)
    ):
        return
    raise PermissionDenied("Only the person or staff may change this profile.")


def _touch(person: Person) -> None:
    now = timezone.now()
    Person.objects.filter(pk=person.pk).update(updated_at=now)
    person.updated_at = now


def _profile_errors(person: Person) -> dict[str, list[Any]]:
    """Everything wrong with the profile at once, so a form can show every message."""
    errors: dict[str, list[Any]] = {}
    try:
        person.full_clean()
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    # Checks full_clean does not make: a TextField's max_length binds forms only,
    # languages is free JSON, ORCID a plain CharField.
    if len(person.bio or "") > BIO_MAX_LENGTH:
        errors.setdefault("bio", []).append(
            _("The bio is limited to %(limit)d characters (it has %(count)d).")
            % {"limit": BIO_MAX_LENGTH, "count": len(person.bio)}
        )
    languages = person.languages
    if not isinstance(languages, list) or any(code not in Language.values for code in languages):
        errors.setdefault("languages", []).append(_("Choose languages from the list."))
    if person.orcid and not ORCID_PATTERN.match(person.orcid):
        errors.setdefault("orcid", []).append(ORCID_MESSAGE)
    return errors


def person_update_profile(*, person: Person, actor: User | None, **fields: Any) -> Person:
    """Change profile fields; refuses the whole change if any value is invalid."""
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"Not profile fields: {', '.join(sorted(unknown))}")
    _check_actor(actor=actor, person=person)
    with transaction.atomic():
        # Validate a locked fresh copy so a refused change leaves the caller's object as it was.
        fresh = Person.objects.select_for_update().get(pk=person.pk)
        for name, value in fields.items():
            setattr(fresh, name, value)
        fresh.updated_at = timezone.now()
        errors = _profile_errors(fresh)
        if errors:
            raise ValidationError(errors)
        fresh.save(update_fields=[*fields, "updated_at"])
    for name in (*fields, "updated_at"):
        setattr(person, name, getattr(fresh, name))
    logger.info(
        "profile updated person=%s actor=%s fields=%s",
        person.pk,
        actor and actor.pk,
        sorted(fields),
    )
    return person


def _skill_change_record(
    *,
    person_id: int,
    tag_id: int,
    previous: int | None,
    level: int | None,
    source: str,
    actor: User | None,
    at: Any = None,
) -> SkillLevelChange | None:
    """The history row for a level that changed (nothing when it did not)."""
    if previous == level:
        return None
    return SkillLevelChange.objects.create(
        person_id=person_id,
        tag_id=tag_id,
        previous_level=previous,
        level=level,
        source=source,
        changed_by=actor if actor is not None and actor.pk else None,
        changed_at=at or timezone.now(),
    )


def person_skill_set(
    *,
    person: Person,
    tag: Tag,
    level: int,
    can_teach: bool,
    actor: User | None,
    source: str = SkillSource.PROFILE,
) -> Skill:
    """Add the skill, or change its level and "can teach" if the person already has it.

    A changed level is written to the skills history (`SkillLevelChange`) with its source.
    """
    _check_actor(actor=actor, person=person)
    with transaction.atomic():
        skill = Skill.objects.select_for_update().filter(person=person, tag=tag).first()
        previous = skill.level if skill is not None else None
        if skill is None:
            skill = Skill(person=person, tag=tag)
        skill.level = level
        skill.can_teach = bool(can_teach)
        skill.full_clean()
        skill.save()
        _skill_change_record(
            person_id=person.pk,
            tag_id=tag.pk,
            previous=previous,
            level=skill.level,
            source=source,
            actor=actor,
        )
        _touch(person)
    return skill


def person_skill_remove(
    *, person: Person, tag: Tag, actor: User | None, source: str = SkillSource.PROFILE
) -> bool:
    """True when a skill was removed (the history keeps a row with no level)."""
    _check_actor(actor=actor, person=person)
    with transaction.atomic():
        skill = Skill.objects.select_for_update().filter(person=person, tag=tag).first()
        if skill is None:
            return False
        previous = skill.level
        skill.delete()
        _skill_change_record(
            person_id=person.pk,
            tag_id=tag.pk,
            previous=previous,
            level=None,
            source=source,
            actor=actor,
        )
        _touch(person)
    return True


def person_skills_learned(
    *, person: Person, levels: dict[int, int], actor: User | None, source: str
) -> list[Skill]:
    """Raise profile levels to what the person says they reached ("I learned", a lesson).

    `levels` maps a tag pk to the level reached (1-4). Only raises: a level already at or
    above it is left alone, so a modest self-assessment never lowers a profile. A tag the
    person did not list is added at that level. Returns the skills that changed.
    """
    changed: list[Skill] = []
    if not levels:
        return changed
    tags = Tag.objects.in_bulk(list(levels))
    with transaction.atomic():
        current = {
            skill.tag_id: skill
            for skill in Skill.objects.select_for_update().filter(person=person, tag__in=tags)
        }
        for tag_id, reached in sorted(levels.items()):
            skill = current.get(tag_id)
            if tag_id not in tags or (skill is not None and skill.level >= reached):
                continue
            changed.append(
                person_skill_set(
                    person=person,
                    tag=tags[tag_id],
                    level=reached,
                    can_teach=skill.can_teach if skill is not None else False,
                    actor=actor,
                    source=source,
                )
            )
    return changed


def skill_changes_record_added(
    *, pairs: list[tuple[int, int, int]], source: str, actor: User | None = None
) -> int:
    """History rows for skills added in bulk (the import): (person pk, tag pk, level).

    For writers that insert `Skill` rows without model instances; they pass only the pairs
    they actually added. Returns the number of rows written.
    """
    now = timezone.now()
    rows = [
        SkillLevelChange(
            person_id=person_id,
            tag_id=tag_id,
            previous_level=None,
            level=level,
            source=source,
            changed_at=now,
            changed_by=actor if actor is not None and actor.pk else None,
        )
        for person_id, tag_id, level in pairs
    ]
    SkillLevelChange.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def person_interest_add(*, person: Person, tag: Tag, actor: User | None) -> Interest:
    """Idempotent: adding a tag the person already wants to learn changes nothing."""
    _check_actor(actor=actor, person=person)
    with transaction.atomic():
        interest = Interest.objects.filter(person=person, tag=tag).first()
        if interest is not None:
            return interest
        interest = Interest(person=person, tag=tag)
        interest.full_clean()
        interest.save()
        _touch(person)
    return interest


def person_interest_remove(*, person: Person, tag: Tag, actor: User | None) -> bool:
    """True when an interest was removed."""
    _check_actor(actor=actor, person=person)
    with transaction.atomic():
        deleted, _counts = Interest.objects.filter(person=person, tag=tag).delete()
        if deleted:
            _touch(person)
    return bool(deleted)


# ---------------------------------------------------------------------------
# Import of the club's member spreadsheet (see importing.py for the rules)
# ---------------------------------------------------------------------------


def people_import_preview(*, data: bytes) -> importing.ImportPreview:
    """What importing `data` would do, row by row; writes nothing."""
    return importing.people_import_preview(data=data)


def people_import_apply(
    *, data: bytes, filename: str, imported_by: User | None
) -> importing.ImportResult:
    """Import the valid rows of `data` in one transaction; raises ImportFileError for an unusable file."""
    return importing.people_import_apply(data=data, filename=filename, imported_by=imported_by)


# ---------------------------------------------------------------------------
# Organisations' membership (the admin's actions)
# ---------------------------------------------------------------------------


def organisation_membership_set(
    *, organisation: Organisation, status: str, actor: User | None
) -> Organisation:
    """Mark a member organisation's membership active or lapsed.

    Its people's access (directory, matching) follows at once; their `updated_at`
    is touched so the matching index re-reads them.
    """
    if status not in MembershipStatus.values:
        raise ValidationError({"status": _("Choose active or lapsed.")})
    if actor is not None and not actor.is_staff:
        raise PermissionDenied("Only staff change a membership.")
    with transaction.atomic():
        fresh = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if fresh.status == status:
            return fresh
        fresh.status = status
        fresh.full_clean()
        fresh.save(update_fields=["status"])
        Person.objects.filter(organisation=fresh).update(updated_at=timezone.now())
    logger.info(
        "membership set organisation=%s status=%s actor=%s", fresh.pk, status, actor and actor.pk
    )
    organisation.status = fresh.status
    return fresh


# Joining: an organisation and its first people (the desk's membership requests,
# a manager's colleagues)
# ---------------------------------------------------------------------------


def _organisation_slug_free(name: str) -> str:
    from django.utils.text import slugify

    base = slugify(name)[:190].strip("-") or "organisation"
    taken = set(Organisation.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


def organisation_create(
    *,
    name: str,
    kind: str = OrganisationKind.COMPANY,
    email_domains: str = "",
    website: str = "",
    description: str = "",
) -> Organisation:
    """A new active member organisation, member from today."""
    name = (name or "").strip()
    if Organisation.objects.filter(name__iexact=name).exists():
        raise ValidationError(
            {
                "name": _("An organisation called “%(name)s” is already in the club.")
                % {"name": name}
            },
            code="duplicate",
        )
    with transaction.atomic():
        organisation = Organisation(
            name=name,
            slug=_organisation_slug_free(name),
            kind=kind,
            status=MembershipStatus.ACTIVE,
            member_since=timezone.localdate(),
            email_domains=email_domains,
            website=website,
            description=description,
        )
        organisation.full_clean()
        organisation.save()
    logger.info("organisation %s created", organisation.pk)
    return organisation


def person_join(
    *,
    email: str,
    first_name: str,
    last_name: str = "",
    organisation: Organisation | None = None,
    membership_type: str = MembershipType.EMPLOYEE,
    role_family: str = "",
    job_title: str = "",
    is_org_manager: bool = False,
) -> Person:
    """The person behind an address joins: a new contact, or the existing one moved in.

    An existing person keeps their profile; they take the new organisation and
    membership type (a researcher who now runs a lab's membership, say).
    """
    email = (email or "").strip().lower()
    with transaction.atomic():
        person = Person.objects.select_for_update().filter(email__iexact=email).first()
        is_new = person is None
        if person is None:
            person = Person(email=email, first_name=first_name, last_name=last_name)
        person.organisation = organisation
        person.membership_type = membership_type
        person.is_org_manager = is_org_manager or person.is_org_manager
        person.left_organisation_on = None
        if role_family and is_new:
            person.role_family = role_family
        if job_title and not person.job_title:
            person.job_title = job_title
        person.updated_at = timezone.now()
        person.full_clean(validate_constraints=False)
        person.save()
        from compagnon.webhooks.services import event_emit

        event_emit(
            event="member.joined",
            data={
                "person_id": person.pk,
                "organisation": organisation.slug if organisation is not None else None,
                "membership_type": membership_type,
            },
        )
    return person
