"""Every change to a workshop goes through these functions (registration has its own module).

Keyword-only, each inside `transaction.atomic()`. A refusal a person should read is a
`ValidationError` whose messages are shown as they are; nothing is half-written since
the whole change runs in one transaction. Emails go through `compagnon.workshops.emails`,
which queues them after commit.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from compagnon.accounts.models import User
from compagnon.cases.models import Answer, Case, CaseStatus, Confidentiality
from compagnon.cases.services import case_transition
from compagnon.knowledge.services import knowledge_workshop_changed
from compagnon.members.models import Base, Person
from compagnon.workshops import emails
from compagnon.workshops.conf import upload_max_bytes
from compagnon.workshops.feedback import feedback_reminders_schedule
from compagnon.workshops.models import (
    ACTIVE,
    Feedback,
    Material,
    Mode,
    Registration,
    RegistrationStatus,
    Session,
    Workshop,
    WorkshopStatus,
)

logger = logging.getLogger(__name__)

# What workshop_create / workshop_update accept besides the many-to-many fields.
WORKSHOP_FIELDS: tuple[str, ...] = (
    "title",
    "summary",
    "format",
    "mode",
    "base",
    "room",
    "video_url",
    "onsite_seats",
    "remote_seats",
    "per_organisation_cap",
    "audience",
    "language",
    "agenda",
    "prerequisites",
    "terms",
    "registration_opens_at",
    "registration_closes_at",
    "time_zone",
)
WORKSHOP_M2M_FIELDS: tuple[str, ...] = ("hosts", "invitees", "tags", "excluded_organisations")
# A change to these on a published workshop is told to the people registered.
PLACE_FIELDS: tuple[str, ...] = ("mode", "base", "room", "video_url")
# Statuses where people have been told about the workshop.
ANNOUNCED = (WorkshopStatus.PUBLISHED, WorkshopStatus.CLOSED)


def _locked(workshop: Workshop) -> Workshop:
    return Workshop.objects.select_for_update().get(pk=workshop.pk)


def _refresh(target: Workshop, source: Workshop) -> None:
    for field in Workshop._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))


def _check_fields(fields: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    mode = fields.get("mode", Mode.ONSITE)
    if mode in (Mode.ONSITE, Mode.HYBRID) and not fields.get("base"):
        errors.setdefault("base", []).append(_("Choose the base where the workshop takes place."))
    if mode == Mode.HYBRID and not (fields.get("onsite_seats") and fields.get("remote_seats")):
        errors.setdefault("remote_seats", []).append(
            _("A hybrid workshop needs both a number of on-site seats and of remote seats.")
        )
    opens, closes = fields.get("registration_opens_at"), fields.get("registration_closes_at")
    if opens and closes and closes <= opens:
        errors.setdefault("registration_closes_at", []).append(
            _("Registration must close after it opens.")
        )
    if errors:
        raise ValidationError(errors)


def workshop_fields_check(*, fields: dict[str, Any]) -> None:
    """The checks `workshop_create` and `workshop_update` make, for a form to show first."""
    _check_fields(fields)


def _zone_from(base: Base | None, default: str) -> str:
    return base.time_zone if base is not None else default


def _set_m2m(workshop: Workshop, m2m: dict[str, Any]) -> None:
    for name in WORKSHOP_M2M_FIELDS:
        if name in m2m and m2m[name] is not None:
            getattr(workshop, name).set(m2m[name])


def workshop_create(*, by: User | None, **fields: Any) -> Workshop:
    """A new draft workshop; its time zone is the base's (Europe/Paris when remote)."""
    m2m = {name: fields.pop(name) for name in WORKSHOP_M2M_FIELDS if name in fields}
    parent = fields.pop("parent", None)
    origin_case = fields.pop("origin_case", None)
    unknown = set(fields) - set(WORKSHOP_FIELDS)
    if unknown:
        raise TypeError(f"unknown workshop fields: {sorted(unknown)}")
    _check_fields(fields)
    with transaction.atomic():
        workshop = Workshop(
            **fields,
            parent=parent,
            origin_case=origin_case,
            status=WorkshopStatus.DRAFT,
            created_by=by,
        )
        workshop.time_zone = _zone_from(workshop.base, workshop.time_zone)
        workshop.full_clean(exclude=["hosts", "invitees", "tags", "excluded_organisations"])
        workshop.save()
        _set_m2m(workshop, m2m)
    logger.info("workshop created pk=%s by=%s", workshop.pk, by and by.pk)
    return workshop


def _describe_place(workshop: Workshop) -> str:
    if workshop.mode == Mode.REMOTE:
        return _("The workshop is now remote.")
    place = workshop.base.name if workshop.base else ""
    if workshop.room:
        place = f"{place}, {workshop.room}" if place else workshop.room
    if workshop.mode == Mode.HYBRID:
        return _("The workshop is now hybrid, on site at %(place)s and remote.") % {"place": place}
    return _("The workshop now takes place at %(place)s.") % {"place": place}


def workshop_update(*, workshop: Workshop, by: User | None, **fields: Any) -> list[str]:
    """Change the workshop; a change of place on a published workshop is told to registrants.

    Returns the lines told to the people registered (empty when nothing was told).
    """
    m2m = {name: fields.pop(name) for name in WORKSHOP_M2M_FIELDS if name in fields}
    unknown = set(fields) - set(WORKSHOP_FIELDS)
    if unknown:
        raise TypeError(f"unknown workshop fields: {sorted(unknown)}")
    with transaction.atomic():
        fresh = _locked(workshop)
        if fresh.status in (WorkshopStatus.CANCELLED, WorkshopStatus.DONE):
            raise ValidationError(_("A cancelled or finished workshop can no longer be edited."))
        merged = {name: getattr(fresh, name) for name in WORKSHOP_FIELDS}
        merged.update(fields)
        _check_fields(merged)
        place_changed = any(
            name in fields and getattr(fresh, name) != fields[name] for name in PLACE_FIELDS
        )
        for name, value in fields.items():
            setattr(fresh, name, value)
        fresh.time_zone = _zone_from(fresh.base, fresh.time_zone)
        fresh.full_clean(exclude=["hosts", "invitees", "tags", "excluded_organisations"])
        fresh.save()
        _set_m2m(fresh, m2m)
        if "title" in fields or "tags" in m2m or "hosts" in m2m:
            # The report's search document carries the workshop's title, tags and hosts.
            knowledge_workshop_changed(workshop=fresh)
        changes: list[str] = []
        if place_changed and fresh.status in ANNOUNCED:
            changes.append(_describe_place(fresh))
            emails.workshop_changed_notify(workshop=fresh, changes=changes)
    _refresh(workshop, fresh)
    return changes


# --- sessions ---------------------------------------------------------------------------------


def _sync_span(workshop: Workshop) -> None:
    spans = list(Session.objects.filter(workshop=workshop).values_list("starts_at", "ends_at"))
    workshop.starts_at = min((s for s, _e in spans), default=None)
    workshop.ends_at = max((e for _s, e in spans), default=None)
    workshop.save(update_fields=["starts_at", "ends_at", "updated_at"])


def _check_session(
    workshop: Workshop, starts_at: dt.datetime, ends_at: dt.datetime, exclude: int | None = None
) -> None:
    if starts_at is None or ends_at is None:
        raise ValidationError(_("Give the start and the end of the session."))
    if ends_at <= starts_at:
        raise ValidationError(
            {"ends_at": _("The session must end after it starts.")}, code="ends_before_start"
        )
    others = Session.objects.filter(workshop=workshop, starts_at__lt=ends_at, ends_at__gt=starts_at)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    clash = others.first()
    if clash is not None:
        raise ValidationError(
            _("This session overlaps another one (%(start)s - %(end)s).")
            % {
                "start": emails.workshop_time(workshop, clash.starts_at),
                "end": emails.workshop_time(workshop, clash.ends_at),
            },
            code="overlap",
        )


def _tell_sessions_changed(workshop: Workshop, line: str) -> None:
    if workshop.status in ANNOUNCED:
        emails.workshop_changed_notify(workshop=workshop, changes=[line])


def session_add(
    *, workshop: Workshop, starts_at: dt.datetime, ends_at: dt.datetime, title: str = ""
) -> Session:
    """A new session; refused when it ends before it starts or overlaps another one."""
    with transaction.atomic():
        fresh = _locked(workshop)
        if fresh.status in (WorkshopStatus.CANCELLED, WorkshopStatus.DONE):
            raise ValidationError(_("A cancelled or finished workshop can no longer be edited."))
        _check_session(fresh, starts_at, ends_at)
        session = Session.objects.create(
            workshop=fresh, title=title.strip(), starts_at=starts_at, ends_at=ends_at
        )
        _sync_span(fresh)
        _tell_sessions_changed(
            fresh,
            _("A session was added: %(start)s - %(end)s.")
            % {
                "start": emails.workshop_time(fresh, starts_at),
                "end": emails.workshop_time(fresh, ends_at),
            },
        )
    _refresh(workshop, fresh)
    return session


def session_update(
    *, session: Session, starts_at: dt.datetime, ends_at: dt.datetime, title: str = ""
) -> Session:
    with transaction.atomic():
        fresh = _locked(session.workshop)
        if fresh.status in (WorkshopStatus.CANCELLED, WorkshopStatus.DONE):
            raise ValidationError(_("A cancelled or finished workshop can no longer be edited."))
        _check_session(fresh, starts_at, ends_at, exclude=session.pk)
        moved = (session.starts_at, session.ends_at) != (starts_at, ends_at)
        session.starts_at, session.ends_at, session.title = starts_at, ends_at, title.strip()
        session.save()
        _sync_span(fresh)
        if moved:
            _tell_sessions_changed(
                fresh,
                _("A session moved: it is now %(start)s - %(end)s.")
                % {
                    "start": emails.workshop_time(fresh, starts_at),
                    "end": emails.workshop_time(fresh, ends_at),
                },
            )
    _refresh(session.workshop, fresh)
    return session


def session_remove(*, session: Session) -> None:
    with transaction.atomic():
        fresh = _locked(session.workshop)
        if fresh.status in (WorkshopStatus.CANCELLED, WorkshopStatus.DONE):
            raise ValidationError(_("A cancelled or finished workshop can no longer be edited."))
        if fresh.status in ANNOUNCED and fresh.sessions.count() <= 1:
            raise ValidationError(
                _("A published workshop keeps at least one session: add the new one first.")
            )
        line = _("A session was removed: %(start)s - %(end)s.") % {
            "start": emails.workshop_time(fresh, session.starts_at),
            "end": emails.workshop_time(fresh, session.ends_at),
        }
        session.delete()
        _sync_span(fresh)
        _tell_sessions_changed(fresh, line)
    _refresh(session.workshop, fresh)


# --- status -----------------------------------------------------------------------------------


def _illegal(fresh: Workshop, to: str) -> ValidationError:
    return ValidationError(
        _("A workshop cannot go from “%(from)s” to “%(to)s”.")
        % {"from": fresh.get_status_display(), "to": WorkshopStatus(to).label},
        code="illegal_transition",
    )


def workshop_publish(*, workshop: Workshop, by: User | None = None) -> Workshop:
    """Open the workshop to registration: it needs a session in the future and seats."""
    with transaction.atomic():
        fresh = _locked(workshop)
        if fresh.status not in (WorkshopStatus.DRAFT, WorkshopStatus.CLOSED):
            raise _illegal(fresh, WorkshopStatus.PUBLISHED)
        if not fresh.sessions.exists():
            raise ValidationError(_("Add at least one session before publishing."))
        if fresh.starts_at is not None and fresh.starts_at <= timezone.now():
            raise ValidationError(_("The workshop has already started: it cannot be published."))
        if fresh.mode == Mode.REMOTE and not fresh.video_url:
            raise ValidationError(_("A remote workshop needs its video link before publishing."))
        fresh.status = WorkshopStatus.PUBLISHED
        fresh.published_at = fresh.published_at or timezone.now()
        fresh.save(update_fields=["status", "published_at", "updated_at"])
        _webhook_published(fresh)
    _refresh(workshop, fresh)
    return workshop


def _webhook_published(workshop: Workshop) -> None:
    from compagnon.webhooks.services import event_emit

    event_emit(
        event="workshop.published",
        data={
            "id": workshop.pk,
            "title": workshop.title,
            "audience": workshop.audience,
            "starts_at": workshop.starts_at,
            "url": settings.SITE_URL + workshop.get_absolute_url(),
        },
    )


def workshop_close(*, workshop: Workshop, by: User | None = None) -> Workshop:
    """Stop registrations (the people registered keep their seats)."""
    with transaction.atomic():
        fresh = _locked(workshop)
        if fresh.status != WorkshopStatus.PUBLISHED:
            raise _illegal(fresh, WorkshopStatus.CLOSED)
        fresh.status = WorkshopStatus.CLOSED
        fresh.save(update_fields=["status", "updated_at"])
    _refresh(workshop, fresh)
    return workshop


def workshop_mark_done(*, workshop: Workshop, by: User | None = None) -> Workshop:
    """The workshop took place: feedback opens (its reminders are sent by a task)."""
    with transaction.atomic():
        fresh = _locked(workshop)
        if fresh.status not in ANNOUNCED:
            raise _illegal(fresh, WorkshopStatus.DONE)
        if fresh.starts_at is None or fresh.starts_at > timezone.now():
            raise ValidationError(_("The workshop has not started yet."))
        fresh.status = WorkshopStatus.DONE
        fresh.save(update_fields=["status", "updated_at"])
        feedback_reminders_schedule(workshop=fresh)
    _refresh(workshop, fresh)
    return workshop


def workshop_cancel(*, workshop: Workshop, by: User | None = None, reason: str = "") -> Workshop:
    """Cancel: everyone registered or waiting is told, then their registrations are cancelled."""
    with transaction.atomic():
        fresh = _locked(workshop)
        if fresh.status in (WorkshopStatus.CANCELLED, WorkshopStatus.DONE):
            raise _illegal(fresh, WorkshopStatus.CANCELLED)
        now = timezone.now()
        was_announced = fresh.status in ANNOUNCED
        fresh.status = WorkshopStatus.CANCELLED
        fresh.cancelled_at = now
        fresh.cancellation_reason = (reason or "").strip()[:2000]
        fresh.save(update_fields=["status", "cancelled_at", "cancellation_reason", "updated_at"])
        if was_announced:
            emails.workshop_cancelled_notify(workshop=fresh)
        Registration.objects.filter(workshop=fresh, status__in=ACTIVE).update(
            status=RegistrationStatus.CANCELLED, cancelled_at=now, updated_at=now
        )
    _refresh(workshop, fresh)
    return workshop


STATUS_ACTIONS = {
    "publish": workshop_publish,
    "close": workshop_close,
    "done": workshop_mark_done,
    "cancel": workshop_cancel,
}


# --- materials --------------------------------------------------------------------------------


def material_add(
    *,
    workshop: Workshop,
    by: User | None,
    title: str,
    kind: str,
    url: str = "",
    file: UploadedFile | None = None,
    registered_only: bool = False,
) -> Material:
    """A link or an upload (size-limited; served later as a download, never inline)."""
    if not url and file is None:
        raise ValidationError(_("Give a link or choose a file."))
    if url and file is not None:
        raise ValidationError(_("Give a link or a file, not both."))
    limit = upload_max_bytes()
    if file is not None:
        assert file.size is not None  # Django's uploads always carry their size
        if file.size > limit:
            raise ValidationError(
                {
                    "file": _("The file is too large (%(size)d MB); the limit is %(max)d MB.")
                    % {"size": file.size // (1024 * 1024), "max": limit // (1024 * 1024)}
                },
                code="too_large",
            )
    material = Material(
        workshop=workshop,
        kind=kind,
        title=title.strip(),
        url=url,
        registered_only=registered_only,
        added_by=by,
    )
    if file is not None:
        assert file.size is not None and file.name is not None  # an upload has both
        material.file_size = file.size
        material.file.save(file.name, file, save=False)
    try:
        with transaction.atomic():
            material.save()
    except Exception:
        # Nothing half-written: the file written before the row goes with it.
        if material.file.name:  # what `if material.file` tests
            material.file.storage.delete(material.file.name)
        raise
    return material


def material_delete(*, material: Material) -> None:
    with transaction.atomic():
        name = material.file.name if material.file else ""
        material.delete()
        if name:
            transaction.on_commit(lambda: Material.file.field.storage.delete(name))


# --- planning from a case, follow-ups ---------------------------------------------------------


def _staff_person(user: User | None) -> Person | None:
    if user is None:
        return None
    return Person.objects.filter(user=user).first()


def case_invitees(case: Case) -> list[Person]:
    """People who said yes to the case invitation or raised their hand."""
    return [
        invitation.person
        for invitation in case.invitations.filter(
            answer__in=(Answer.INTERESTED, Answer.EXPERT)
        ).select_related("person")
    ]


def case_is_copied_by_default(case: Case) -> bool:
    """A case open to all members lends its bringer and text to its workshop by default.

    An anonymised case hides who brought it, a named-only case its very content from
    other organisations: their workshop shows neither unless staff choose to.
    """
    return case.confidentiality == Confidentiality.MEMBERS


def _neutral_title(case: Case, language: str) -> str:
    """A title naming the case's topics, in the workshop's language (not the planner's)."""
    with translation.override(language):
        topics = ", ".join(tag.label for tag in case.tags.order_by("slug"))
        if topics:
            return _("Workshop: %(topics)s") % {"topics": topics}
        return _("Workshop on a member's case")


def workshop_plan_from_case(
    *,
    case: Case,
    by: User,
    show_bringer: bool | None = None,
    copy_text: bool | None = None,
    **fields: Any,
) -> Workshop:
    """A draft workshop for a matched case: its tags, hosts and invitees copied; case "planned".

    Hosts are the staff member planning it and, when `show_bringer`, the person who
    brought the case; invitees are the people who accepted the invitation or raised
    their hand. `copy_text` copies the case's title and description; otherwise the
    title names the case's topics and the summary is left for staff to write. Both
    default to what the case's confidentiality allows (`case_is_copied_by_default`);
    a `title` or `summary` given here wins.
    """
    if not (by and by.is_staff):
        raise PermissionDenied("Only staff plan workshops from cases.")
    with transaction.atomic():
        fresh = Case.objects.select_for_update().get(pk=case.pk)
        if fresh.status != CaseStatus.MATCHED:
            raise ValidationError(
                _("Only a matched case can be planned (this one is “%(status)s”).")
                % {"status": fresh.get_status_display()},
                code="not_matched",
            )
        copied = case_is_copied_by_default(fresh)
        show_bringer = copied if show_bringer is None else show_bringer
        copy_text = copied if copy_text is None else copy_text
        hosts = [fresh.brought_by] if show_bringer else []
        planner = _staff_person(by)
        if planner is not None and planner not in hosts:
            hosts.append(planner)
        language = fields.get("language") or (
            fresh.language if fresh.language in ("fr", "en") else "fr"
        )
        defaults: dict[str, Any] = {
            "title": fresh.title if copy_text else _neutral_title(fresh, language),
            "summary": fresh.description if copy_text else "",
            "base": fresh.base,
            "mode": Mode.ONSITE if fresh.base_id else Mode.REMOTE,
            "language": language,
        }
        defaults.update({name: value for name, value in fields.items() if value not in ("", None)})
        if defaults.get("mode") != Mode.REMOTE and not defaults.get("base"):
            defaults["mode"] = Mode.REMOTE
        workshop = workshop_create(
            by=by,
            origin_case=fresh,
            hosts=hosts,
            invitees=case_invitees(fresh),
            tags=list(fresh.tags.all()),
            excluded_organisations=list(fresh.excluded_organisations.all()),
            **defaults,
        )
        case_transition(case=fresh, to_status=CaseStatus.PLANNED, actor=by)
    case.status = fresh.status
    logger.info(
        "workshop planned from case workshop=%s case=%s bringer_shown=%s text_copied=%s",
        workshop.pk,
        fresh.pk,
        show_bringer,
        copy_text,
    )
    return workshop


def workshop_plan_follow_up(
    *, parent: Workshop, from_feedback_ideas: list[int] | None = None, by: User, **fields: Any
) -> Workshop:
    """Staff: a draft follow-up linked to `parent`, its summary seeded with the chosen ideas."""
    if not (by and by.is_staff):
        raise PermissionDenied("Only staff plan follow-ups.")
    ideas = list(
        Feedback.objects.filter(
            registration__workshop=parent, pk__in=from_feedback_ideas or []
        ).exclude(follow_up_idea="")
    )
    summary = fields.pop("summary", "") or ""
    if ideas:
        lines = "\n".join(f"- {idea.follow_up_idea.strip()}" for idea in ideas)
        summary = (summary + "\n\n" if summary else "") + _("Ideas from the feedback:") + "\n\n"
        summary += lines
    defaults: dict[str, Any] = {
        "title": _("Follow-up: %(title)s") % {"title": parent.title},
        "format": parent.format,
        "mode": parent.mode,
        "base": parent.base,
        "room": parent.room,
        "audience": parent.audience,
        "language": parent.language,
        "onsite_seats": parent.onsite_seats,
        "remote_seats": parent.remote_seats,
    }
    defaults.update(fields)
    with transaction.atomic():
        attendees = Person.objects.filter(
            workshop_registrations__workshop=parent,
            workshop_registrations__status=RegistrationStatus.CONFIRMED,
        )
        workshop = workshop_create(
            by=by,
            parent=parent,
            origin_case=parent.origin_case,
            summary=summary,
            hosts=list(parent.hosts.all()),
            invitees=list(attendees),
            tags=list(parent.tags.all()),
            excluded_organisations=list(parent.excluded_organisations.all()),
            **defaults,
        )
    return workshop


# --- the base's time zone ---------------------------------------------------------------------


def _upcoming_at(base: Base):
    return Workshop.objects.filter(base=base, starts_at__gte=timezone.now()).exclude(
        status__in=(WorkshopStatus.CANCELLED, WorkshopStatus.DONE)
    )


def base_time_zone_check(*, base: Base, time_zone: str) -> None:
    """Raise the ValidationError `base_time_zone_change` would raise; writes nothing.

    For forms (the members admin's base form calls it in `clean_time_zone`).
    """
    try:
        ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValidationError(
            {"time_zone": _("“%(zone)s” is not a known time zone.") % {"zone": time_zone}}
        ) from error
    if base.pk is None:
        return
    current = Base.objects.filter(pk=base.pk).values_list("time_zone", flat=True).first()
    if current == time_zone:
        return
    busy = list(
        _upcoming_at(base)
        .filter(registrations__status__in=ACTIVE)
        .distinct()
        .values_list("title", flat=True)[:5]
    )
    if busy:
        raise ValidationError(
            {
                "time_zone": _(
                    "Upcoming workshops at this base already have registrations (%(titles)s): "
                    "their times were announced in %(zone)s. Move or finish them first."
                )
                % {"titles": ", ".join(busy), "zone": current}
            },
            code="registrations",
        )


def base_time_zone_change(*, base: Base, time_zone: str) -> int:
    """Change a base's time zone; refused while upcoming workshops there have registrations.

    Times are stored in UTC, so nothing moves in absolute time; but the people
    registered chose a wall-clock time in the old zone and their .ics says so. Rather
    than silently shift what they see, the change is refused until those workshops are
    moved or done. Upcoming workshops there without registrations take the new zone.
    Returns how many workshops were updated.
    """
    with transaction.atomic():
        fresh = Base.objects.select_for_update().get(pk=base.pk)
        base_time_zone_check(base=fresh, time_zone=time_zone)
        if fresh.time_zone == time_zone:
            return 0
        fresh.time_zone = time_zone
        fresh.save(update_fields=["time_zone"])
        updated = _upcoming_at(fresh).update(time_zone=time_zone)
    base.time_zone = time_zone
    return updated
