"""Every change to a case goes through these functions: filing it, editing it, moving it on.

`case_transition` is the only way a case changes status. It checks the move
against `ALLOWED_TRANSITIONS`, locks the case, writes the `CaseTransition`
row, and leaves email and the chat announcement to run after commit.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from compagnon.accounts.models import User
from compagnon.cases.models import (
    DESCRIPTION_MAX_LENGTH,
    Case,
    CaseSource,
    CaseStatus,
    CaseTransition,
    Confidentiality,
)
from compagnon.core.email import email_queue
from compagnon.knowledge.services import knowledge_case_changed
from compagnon.members.models import Organisation, Person, Tag
from compagnon.members.selectors import Viewer, person_language

logger = logging.getLogger(__name__)

CASE_LANGUAGES = ("fr", "en")
DATA_DESCRIPTION_MAX_LENGTH = 5000
NOTE_MAX_LENGTH = 2000
INTERESTED_NEEDED_MAX = 50

# What case_create and case_update accept besides the many-to-many fields.
CASE_FIELDS: tuple[str, ...] = (
    "title",
    "description",
    "data_description",
    "data_volume",
    "data_sharing",
    "confidentiality",
    "format",
    "base",
    "remote_ok",
    "language",
    "horizon",
    "wants_research",
    "interested_needed",
)
CASE_M2M_FIELDS: tuple[str, ...] = ("tags", "shared_with", "excluded_organisations")

# Who may make a move. SYSTEM is code acting on its own (actor=None): the
# matching side moves a case to "matched" once enough people are interested,
# and workshops move it to "planned".
OWNER, STAFF, SYSTEM = "owner", "staff", "system"
_S = CaseStatus
ALLOWED_TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (_S.DRAFT, _S.SUBMITTED): frozenset({OWNER, STAFF}),
    (_S.DRAFT, _S.CLOSED): frozenset({OWNER, STAFF}),
    (_S.SUBMITTED, _S.OPEN): frozenset({STAFF}),
    (_S.SUBMITTED, _S.DECLINED): frozenset({STAFF}),
    (_S.SUBMITTED, _S.CLOSED): frozenset({OWNER, STAFF}),
    (_S.OPEN, _S.MATCHED): frozenset({STAFF, SYSTEM}),
    (_S.OPEN, _S.DECLINED): frozenset({STAFF}),
    (_S.OPEN, _S.CLOSED): frozenset({OWNER, STAFF}),
    (_S.MATCHED, _S.PLANNED): frozenset({STAFF, SYSTEM}),
    (_S.MATCHED, _S.CLOSED): frozenset({OWNER, STAFF}),
    (_S.PLANNED, _S.CLOSED): frozenset({STAFF, SYSTEM}),
    (_S.DECLINED, _S.SUBMITTED): frozenset({STAFF}),
}
# The owner may change what they wrote until staff open the case.
OWNER_EDITABLE_STATUSES = frozenset({_S.DRAFT, _S.SUBMITTED})
# The owner hears about these moves by email.
OWNER_EMAIL_STATUSES = frozenset({_S.OPEN, _S.DECLINED, _S.MATCHED})


class CaseAlreadyFiled(Exception):
    """The same form (client token) or the same email (Message-ID) already made a case."""

    def __init__(self, case: Case):
        super().__init__(f"case {case.pk} already filed")
        self.case = case


# --- who may do what ---------------------------------------------------------


def person_is_member(person: Person) -> bool:
    """An active membership, by the same rule the pages use (`Viewer.is_member`)."""
    return Viewer(is_authenticated=True, person=person).is_member


def transition_roles(*, case: Case, actor: User | None) -> frozenset[str]:
    if actor is None:
        return frozenset({SYSTEM})
    roles = set()
    if actor.is_active and actor.is_staff:
        roles.add(STAFF)
    if actor.is_active and case.brought_by.user_id == actor.pk:
        roles.add(OWNER)
    return frozenset(roles)


def transitions_for(*, case: Case, actor: User | None) -> list[str]:
    """The statuses `actor` may move the case to now, in lifecycle order."""
    roles = transition_roles(case=case, actor=actor)
    return [
        to_status
        for (from_status, to_status), allowed in ALLOWED_TRANSITIONS.items()
        if from_status == case.status and allowed & roles
    ]


def case_can_edit(*, case: Case, actor: User | None) -> bool:
    if actor is None:
        return False
    roles = transition_roles(case=case, actor=actor)
    return STAFF in roles or (OWNER in roles and case.status in OWNER_EDITABLE_STATUSES)


# --- validation ---------------------------------------------------------------


def _case_errors(
    case: Case,
    *,
    tags: Iterable[Tag],
    shared_with: Iterable[Organisation],
    excluded: Iterable[Organisation],
    check_horizon: bool,
) -> dict[str, list[Any]]:
    """Everything wrong with the case at once, so a form can show every message."""
    errors: dict[str, list[Any]] = {}
    try:
        case.full_clean()
    except ValidationError as error:
        errors = error.update_error_dict(errors)

    def add(field: str, message: Any) -> None:
        errors.setdefault(field, []).append(message)

    # Checks full_clean does not make: a TextField's max_length binds forms only.
    if len(case.description or "") > DESCRIPTION_MAX_LENGTH:
        add(
            "description",
            _("The description is limited to %(limit)s characters (it has %(count)s).")
            % {"limit": f"{DESCRIPTION_MAX_LENGTH:,}", "count": f"{len(case.description):,}"},
        )
    if len(case.data_description or "") > DATA_DESCRIPTION_MAX_LENGTH:
        add(
            "data_description",
            _("The data description is limited to %(limit)s characters (it has %(count)s).")
            % {
                "limit": f"{DATA_DESCRIPTION_MAX_LENGTH:,}",
                "count": f"{len(case.data_description):,}",
            },
        )
    if case.language not in CASE_LANGUAGES:
        add("language", _("Choose French or English."))
    if check_horizon and case.horizon is not None and case.horizon < timezone.localdate():
        add("horizon", _("The date is in the past: choose today or a later date."))
    if not 1 <= (case.interested_needed or 0) <= INTERESTED_NEEDED_MAX:
        add(
            "interested_needed",
            _("Ask for between 1 and %(max)d people.") % {"max": INTERESTED_NEEDED_MAX},
        )
    shared_ids = {organisation.pk for organisation in shared_with}
    excluded_ids = {organisation.pk for organisation in excluded}
    if case.confidentiality == Confidentiality.NAMED_ORGANISATIONS and not shared_ids:
        add("shared_with", _("Name at least one organisation to share the case with."))
    if shared_ids & excluded_ids:
        add(
            "excluded_organisations",
            _("An organisation cannot be both named to share with and excluded."),
        )
    if case.organisation_id is not None and case.organisation_id in excluded_ids:
        add("excluded_organisations", _("The case's own organisation cannot be excluded."))
    if any(not isinstance(tag, Tag) for tag in tags):
        add("tags", _("Choose tags from the club's list."))
    return errors


def _one_line(value: str) -> str:
    """A title goes into email subjects: line breaks and runs of spaces become one space."""
    return " ".join(value.split())


def _strip(fields: dict[str, Any]) -> dict[str, Any]:
    # "   " is not empty to full_clean: a title of spaces must be refused like an empty one.
    # NUL characters (a raw email, a chat command) are refused by PostgreSQL: dropped here.
    for name in ("title", "description", "data_description", "data_volume"):
        if isinstance(fields.get(name), str):
            fields[name] = fields[name].replace("\x00", "").strip()
    for name in ("title", "data_volume"):
        if isinstance(fields.get(name), str):
            fields[name] = _one_line(fields[name])
    return fields


# --- filing and editing ---------------------------------------------------------


def case_create(
    *,
    brought_by: Person,
    filed_by: User | None,
    source: str,
    client_token: str = "",
    inbound_message_id: str = "",
    tags: Iterable[Tag] = (),
    shared_with: Iterable[Organisation] = (),
    excluded_organisations: Iterable[Organisation] = (),
    **fields: Any,
) -> Case:
    """File a draft case for `brought_by`, from the web form, staff, email or chat.

    `filed_by` is the account that typed it (the person, a staff member), or
    None when a door (email, chat) files it for a known sender. A second call
    with the same `client_token` (same person) or `inbound_message_id` raises
    `CaseAlreadyFiled` carrying the first case, and writes nothing.
    """
    unknown = set(fields) - set(CASE_FIELDS)
    if unknown:
        raise ValueError(f"Not case fields: {', '.join(sorted(unknown))}")
    if source not in CaseSource.values:
        raise ValueError(f"Unknown source: {source}")
    if filed_by is not None and not (
        (filed_by.is_active and filed_by.is_staff) or brought_by.user_id == filed_by.pk
    ):
        raise PermissionDenied("Only the person or staff may file a case for them.")
    tags, shared_with, excluded = list(tags), list(shared_with), list(excluded_organisations)
    fields = _strip(dict(fields))
    with transaction.atomic():
        existing = _already_filed(
            brought_by=brought_by,
            client_token=client_token,
            inbound_message_id=inbound_message_id,
        )
        if existing is not None:
            raise CaseAlreadyFiled(existing)
        if not person_is_member(brought_by):
            raise ValidationError(
                {
                    "brought_by": _(
                        "%(name)s has no active membership: a case is brought by a member."
                    )
                    % {"name": brought_by.full_name or brought_by.email}
                },
                code="not_member",
            )
        now = timezone.now()
        case = Case(
            brought_by=brought_by,
            organisation_id=brought_by.organisation_id,
            filed_by=filed_by,
            source=source,
            client_token=client_token,
            inbound_message_id=inbound_message_id,
            status=CaseStatus.DRAFT,
            created_at=now,
            updated_at=now,
            **fields,
        )
        errors = _case_errors(
            case, tags=tags, shared_with=shared_with, excluded=excluded, check_horizon=True
        )
        if errors:
            raise ValidationError(errors)
        try:
            # A savepoint: the twin of a double click that slipped past the
            # check above fails on the unique constraint here, cleanly.
            with transaction.atomic():
                case.save()
        except IntegrityError:
            existing = _already_filed(
                brought_by=brought_by,
                client_token=client_token,
                inbound_message_id=inbound_message_id,
            )
            if existing is None:
                raise
            raise CaseAlreadyFiled(existing) from None
        case.tags.set(tags)
        case.shared_with.set(shared_with)
        case.excluded_organisations.set(excluded)
        CaseTransition.objects.create(
            case=case, from_status="", to_status=CaseStatus.DRAFT, actor=filed_by, at=now
        )
    logger.info(
        "case filed case=%s person=%s source=%s actor=%s",
        case.pk,
        brought_by.pk,
        source,
        filed_by and filed_by.pk,
    )
    return case


def _already_filed(
    *, brought_by: Person, client_token: str, inbound_message_id: str
) -> Case | None:
    if client_token:
        case = Case.objects.filter(brought_by=brought_by, client_token=client_token).first()
        if case is not None:
            return case
    if inbound_message_id:
        return Case.objects.filter(inbound_message_id=inbound_message_id).first()
    return None


def case_update(
    *,
    case: Case,
    actor: User | None,
    tags: Iterable[Tag] | None = None,
    shared_with: Iterable[Organisation] | None = None,
    excluded_organisations: Iterable[Organisation] | None = None,
    **fields: Any,
) -> Case:
    """Change what the case says. The owner may while it is a draft or submitted; staff always.

    Many-to-many fields left as None keep their current value. Refuses the
    whole change if any value is invalid.
    """
    unknown = set(fields) - set(CASE_FIELDS)
    if unknown:
        raise ValueError(f"Not case fields: {', '.join(sorted(unknown))}")
    fields = _strip(dict(fields))
    with transaction.atomic():
        # Locked so a staff member opening the case cannot interleave with the
        # owner's last edit: the owner's save either lands before or is refused.
        fresh = Case.objects.select_for_update().get(pk=case.pk)
        if not case_can_edit(case=fresh, actor=actor):
            raise PermissionDenied("This case can no longer be changed by its owner.")
        # An old case keeps its past date; only a newly typed one must be in the future.
        check_horizon = "horizon" in fields and fields["horizon"] != fresh.horizon
        for name, value in fields.items():
            setattr(fresh, name, value)
        fresh.updated_at = timezone.now()
        new_tags = list(tags) if tags is not None else list(fresh.tags.all())
        new_shared = list(shared_with) if shared_with is not None else list(fresh.shared_with.all())
        new_excluded = (
            list(excluded_organisations)
            if excluded_organisations is not None
            else list(fresh.excluded_organisations.all())
        )
        errors = _case_errors(
            fresh,
            tags=new_tags,
            shared_with=new_shared,
            excluded=new_excluded,
            check_horizon=check_horizon,
        )
        if errors:
            raise ValidationError(errors)
        fresh.save(update_fields=[*fields, "updated_at"])
        if tags is not None:
            fresh.tags.set(new_tags)
        if shared_with is not None:
            fresh.shared_with.set(new_shared)
        if excluded_organisations is not None:
            fresh.excluded_organisations.set(new_excluded)
        if "confidentiality" in fields or "organisation" in fields:
            # Reports of its workshops name the case's organisation unless it is anonymised.
            knowledge_case_changed(case=fresh)
    for name in (*fields, "updated_at"):
        setattr(case, name, getattr(fresh, name))
    logger.info(
        "case updated case=%s actor=%s fields=%s", case.pk, actor and actor.pk, sorted(fields)
    )
    return case


# --- the lifecycle --------------------------------------------------------------


def case_transition(
    *, case: Case, to_status: str, actor: User | None, note: str = ""
) -> CaseTransition:
    """Move the case to `to_status`, if the move and the actor are allowed.

    `actor` None is the system (the matching code when enough people are
    interested, workshops once one is planned). Raises ValidationError for a
    move the lifecycle does not have (or a decline without a reason) and
    PermissionDenied when the actor may not make it. The owner's email and
    the chat announcement leave only after the transaction commits.
    """
    if to_status not in CaseStatus.values:
        raise ValidationError(_("Unknown status."), code="unknown_status")
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(
            {"note": _("Keep the note under %(max)d characters.") % {"max": NOTE_MAX_LENGTH}}
        )
    with transaction.atomic():
        # The row lock makes two clicks, or staff and the matching code, take
        # turns: the second sees the new status and is refused, so a move is
        # recorded (and emailed) once.
        fresh = Case.objects.select_for_update().get(pk=case.pk)
        from_status = fresh.status
        if from_status == to_status:
            raise ValidationError(
                _("The case is already “%(status)s”."),
                code="same_status",
                params={"status": CaseStatus(to_status).label},
            )
        allowed = ALLOWED_TRANSITIONS.get((from_status, to_status))
        if allowed is None:
            raise ValidationError(
                _("A case cannot go from “%(from)s” to “%(to)s”."),
                code="illegal_transition",
                params={
                    "from": CaseStatus(from_status).label,
                    "to": CaseStatus(to_status).label,
                },
            )
        if not allowed & transition_roles(case=fresh, actor=actor):
            raise PermissionDenied("This move is not yours to make.")
        if to_status == CaseStatus.DECLINED and not note:
            raise ValidationError(
                {
                    "note": _(
                        "Give a reason for declining: the person who brought the case reads it."
                    )
                },
                code="reason_required",
            )
        now = timezone.now()
        fresh.status = to_status
        fresh.updated_at = now
        changed = ["status", "updated_at"]
        if to_status == CaseStatus.DECLINED:
            fresh.decline_reason = note
            changed.append("decline_reason")
        elif from_status == CaseStatus.DECLINED:
            fresh.decline_reason = ""
            changed.append("decline_reason")
        if to_status == CaseStatus.OPEN and fresh.opened_at is None:
            fresh.opened_at = now
            changed.append("opened_at")
        fresh.save(update_fields=changed)
        transition = CaseTransition.objects.create(
            case=fresh,
            from_status=from_status,
            to_status=to_status,
            actor=actor,
            note=note,
            at=now,
        )
        _after_transition(case=fresh, transition=transition)
    for name in ("status", "updated_at", "decline_reason", "opened_at"):
        setattr(case, name, getattr(fresh, name))
    logger.info(
        "case moved case=%s %s->%s actor=%s", case.pk, from_status, to_status, actor and actor.pk
    )
    return transition


def _after_transition(*, case: Case, transition: CaseTransition) -> None:
    """Side effects, all deferred: the email row is sent after commit, the announcement enqueued then."""
    if transition.to_status in OWNER_EMAIL_STATUSES:
        _owner_email_queue(case=case, transition=transition)
    if transition.to_status == CaseStatus.OPEN and case_is_announced(case):
        from compagnon.cases.tasks import case_announce

        case_id = case.pk
        transaction.on_commit(lambda: case_announce.enqueue(case_id))
    if transition.to_status == CaseStatus.OPEN:
        from compagnon.webhooks.services import event_emit

        # Never the bringer nor, for an anonymised case, the organisation: what
        # case_shown_to hides from other organisations stays out of the message.
        event_emit(
            event="case.opened",
            data={
                "id": case.pk,
                "title": case.title,
                "confidentiality": case.confidentiality,
                "url": case_url(case),
            },
        )


def case_is_announced(case: Case) -> bool:
    """Opened cases go to the chat channel, except those shared with named organisations only."""
    return bool(settings.CHAT_WEBHOOK_URL) and (
        case.confidentiality != Confidentiality.NAMED_ORGANISATIONS
    )


# --- email ----------------------------------------------------------------------


def case_url(case: Case) -> str:
    return settings.SITE_URL + case.get_absolute_url()


_OWNER_SUBJECTS: dict[str, Any] = {
    CaseStatus.OPEN: _("Your case is open for interest: %(title)s"),
    CaseStatus.DECLINED: _("Your case was not taken up: %(title)s"),
    CaseStatus.MATCHED: _("People are ready to work on your case: %(title)s"),
}


def _owner_email_queue(*, case: Case, transition: CaseTransition) -> None:
    person = case.brought_by
    context = {
        "person": person,
        "case": case,
        "status": transition.to_status,
        "reason": transition.note,
        "case_url": case_url(case),
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
    }
    with translation.override(person_language(person)):
        subject = str(_OWNER_SUBJECTS[transition.to_status]) % {"title": case.title}
        text = render_to_string("cases/email/case_status.txt", context)
    email_queue(
        to=[person.email],
        subject=subject,
        text=text,
        key=f"case-{transition.to_status}:{case.pk}:{transition.pk}",
    )


def case_update_check(
    *,
    case: Case,
    tags: Iterable[Tag] | None = None,
    shared_with: Iterable[Organisation] | None = None,
    excluded_organisations: Iterable[Organisation] | None = None,
    **fields: Any,
) -> None:
    """What `case_update` would refuse, without writing anything: for a form to show first."""
    unknown = set(fields) - set(CASE_FIELDS)
    if unknown:
        raise ValueError(f"Not case fields: {', '.join(sorted(unknown))}")
    fields = _strip(dict(fields))
    fresh = Case.objects.get(pk=case.pk)
    check_horizon = "horizon" in fields and fields["horizon"] != fresh.horizon
    for name, value in fields.items():
        setattr(fresh, name, value)
    errors = _case_errors(
        fresh,
        tags=list(tags) if tags is not None else list(fresh.tags.all()),
        shared_with=list(shared_with) if shared_with is not None else list(fresh.shared_with.all()),
        excluded=(
            list(excluded_organisations)
            if excluded_organisations is not None
            else list(fresh.excluded_organisations.all())
        ),
        check_horizon=check_horizon,
    )
    if errors:
        raise ValidationError(errors)
