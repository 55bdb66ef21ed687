"""Personal data: what the club holds on a person (export), and forgetting them (erasure).

Export gathers every app's rows about one person into a zip of JSON and CSV.

Erasure keeps the rows, so that the club's figures (registrations, feedback,
cases, submissions) stay true, and removes who they were:
- the person becomes « Ancien membre » + a short id (`Person.full_name` shows it
  in the reader's language), at an address that cannot receive mail;
- contact fields, links, bio, chat identity, skills and interests go; they leave
  the directory and matching;
- the account is deactivated with no usable password, its sessions, verified
  addresses and two-factor devices are deleted;
- active workshop registrations are cancelled through the registration service,
  so each freed seat is offered at once to the next person waiting;
- open invitations are closed, free text they wrote (answers, feedback) blanked,
  a solo challenge team named after them renamed;
- newsletter subscriptions are withdrawn through the newsletter service; the
  consent records stay (proof of consent and of its withdrawal);
- what was emailed to them is forgotten (`core.outbox`).
What belongs to the organisation stays: a case they brought keeps its text and
now shows the tombstone name as its bringer.

Apps that hold more about a person (a chat link…) add a function to `ERASERS`
and `EXPORTERS` from their AppConfig.ready(): an explicit registry grep can follow.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import secrets
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from compagnon.accounts.models import Invitation, User
from compagnon.cases.models import Answer, CaseInvitation
from compagnon.challenges.models import (
    RulesAcceptance,
    Submission,
    Team,
    TeamInvitation,
    TeamInvitationStatus,
    TeamMembership,
)
from compagnon.core.csvsafe import csv_safe_cell
from compagnon.core.models import Notice
from compagnon.core.outbox import outbound_emails_erase_for, outbound_emails_to
from compagnon.knowledge.models import Note, Report
from compagnon.members.models import (
    ERASED_EMAIL_DOMAIN,
    Interest,
    Person,
    Skill,
    SkillLevelChange,
    Visibility,
)
from compagnon.members.selectors import Viewer
from compagnon.newsletter.models import ConsentRecord, Subscriber, SubscriberStatus
from compagnon.newsletter.services import subscriber_unsubscribe
from compagnon.workshops.models import ACTIVE, CalendarFeed, Feedback, Registration
from compagnon.workshops.registration import RegistrationError, registration_cancel

logger = logging.getLogger(__name__)

TOMBSTONE_FIRST_NAME = "Ancien membre"  # stored; shown translated by Person.full_name

# Extension points: fn(person, user) -> None (erase) / -> dict[str, list[dict]] (export).
ERASERS: list[Callable[[Person | None, User | None], None]] = []
EXPORTERS: list[Callable[[Person | None, User | None], dict[str, list[dict[str, Any]]]]] = []


def _may_act(*, actor: User | None, person: Person | None, user: User | None) -> bool:
    """The person themself or club staff (actor None: a command run by an operator)."""
    if actor is None:
        return True
    if actor.is_active and actor.is_staff:
        return True
    own_user_id = user.pk if user is not None else (person.user_id if person else None)
    return own_user_id is not None and actor.pk == own_user_id


def _resolve(person: Person | None, user: User | None) -> tuple[Person | None, User | None]:
    if person is None and user is None:
        raise ValueError("Give a person or a user.")
    if person is None and user is not None:
        person = Person.objects.filter(user=user).first()
    if user is None and person is not None and person.user_id is not None:
        user = User.objects.get(pk=person.user_id)
    return person, user


def _addresses(person: Person | None, user: User | None) -> list[str]:
    found = {a.lower() for a in (person.email if person else "", user.email if user else "") if a}
    if user is not None:
        found |= {
            e.lower()
            for e in EmailAddress.objects.filter(user=user).values_list("email", flat=True)
        }
    return sorted(found)


def _subscribers(addresses: list[str]) -> QuerySet[Subscriber]:
    match = Q(pk__in=[])
    for address in addresses:
        match |= Q(email__iexact=address)
    return Subscriber.objects.filter(match).order_by("pk")


# --- export -----------------------------------------------------------------------------------


def _when(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def _rows(queryset: Iterable[Any], build: Callable[[Any], dict[str, Any]]) -> list[dict[str, Any]]:
    return [{key: _when(value) for key, value in build(item).items()} for item in queryset]


def _profile(person: Person | None, user: User | None) -> list[dict[str, Any]]:
    row: dict[str, Any] = {}
    if person is not None:
        row.update(
            {
                "first_name": person.first_name,
                "last_name": person.last_name,
                "email": person.email,
                "organisation": person.organisation.name if person.organisation else "",
                "organisation_manager": person.is_org_manager,
                "membership_type": person.membership_type,
                "job_title": person.job_title,
                "role": person.role_family,
                "bio": person.bio,
                "languages": ", ".join(person.languages or []),
                "base": person.base.name if person.base else "",
                "open_to_remote": person.remote_ok,
                "linkedin": person.linkedin_url,
                "github": person.github_url,
                "orcid": person.orcid,
                "website": person.website_url,
                "chat_user_name": person.chat_username,
                "at_the_organisation_since": person.joined_organisation_on,
                "left_the_organisation_on": person.left_organisation_on,
                "directory_visibility": person.directory_visibility,
                "do_not_invite_before": person.do_not_invite_before,
                "profile_created_at": person.created_at,
                "profile_updated_at": person.updated_at,
                "has_calendar_feed": CalendarFeed.objects.filter(person=person).exists(),
            }
        )
    if user is not None:
        row.update(
            {
                "account_email": user.email,
                "account_name": user.full_name,
                "account_active": user.is_active,
                "club_staff": user.is_staff,
                "account_created_at": user.date_joined,
                "last_sign_in_at": user.last_login,
                "email_addresses": ", ".join(
                    f"{e.email} ({'verified' if e.verified else 'unverified'})"
                    for e in EmailAddress.objects.filter(user=user).order_by("pk")
                ),
                "two_factor_methods": ", ".join(
                    Authenticator.objects.filter(user=user)
                    .order_by("pk")
                    .values_list("type", flat=True)
                ),
            }
        )
    return [{key: _when(value) for key, value in row.items()}]


def _sections(person: Person | None, user: User | None) -> dict[str, list[dict[str, Any]]]:
    """Every kind of row the club holds on them, as lists of flat dicts."""
    sections: dict[str, list[dict[str, Any]]] = {"profile": _profile(person, user)}
    if person is not None:
        sections["skills"] = _rows(
            Skill.objects.filter(person=person).select_related("tag").order_by("tag__slug"),
            lambda s: {
                "tag": s.tag.slug,
                "label_fr": s.tag.label_fr,
                "label_en": s.tag.label_en,
                "level": s.level,
                "can_teach": s.can_teach,
            },
        )
        sections["skill_history"] = _rows(
            SkillLevelChange.objects.filter(person=person)
            .select_related("tag")
            .order_by("changed_at", "pk"),
            lambda c: {
                "tag": c.tag.slug,
                "previous_level": c.previous_level,
                "level": c.level,
                "source": c.source,
                "changed_at": c.changed_at,
            },
        )
        sections["interests"] = _rows(
            Interest.objects.filter(person=person).select_related("tag").order_by("tag__slug"),
            lambda i: {"tag": i.tag.slug, "label_fr": i.tag.label_fr, "label_en": i.tag.label_en},
        )
        sections["workshop_registrations"] = _rows(
            Registration.objects.filter(person=person)
            .select_related("workshop")
            .order_by("queued_at", "pk"),
            lambda r: {
                "workshop": r.workshop.title,
                "workshop_starts_at": r.workshop.starts_at,
                "status": r.status,
                "seat": r.seat,
                "attendance": r.attendance,
                "registered_at": r.queued_at,
                "confirmed_at": r.confirmed_at,
                "cancelled_at": r.cancelled_at,
                "terms_accepted_at": r.terms_accepted_at,
            },
        )
        sections["workshop_feedback"] = _rows(
            Feedback.objects.filter(registration__person=person)
            .select_related("registration__workshop")
            .prefetch_related("levels__tag", "keep_working_with_people")
            .prefetch_related("keep_working_with_organisations")
            .order_by("created_at", "pk"),
            lambda f: {
                "workshop": f.registration.workshop.title,
                "rating": f.rating,
                "learned": f.learned,
                "learned_quotable": f.learned_quotable,
                "follow_up_idea": f.follow_up_idea,
                "levels": "; ".join(
                    f"{level.tag.slug}: {level.before} -> {level.after}" for level in f.levels.all()
                ),
                "keep_working_with_people": ", ".join(
                    p.full_name for p in f.keep_working_with_people.all()
                ),
                "keep_working_with_organisations": ", ".join(
                    o.name for o in f.keep_working_with_organisations.all()
                ),
                "created_at": f.created_at,
            },
        )
        sections["case_invitations"] = _rows(
            CaseInvitation.objects.filter(person=person)
            .select_related("case")
            .order_by("created_at", "pk"),
            lambda i: {
                "case": i.case.title,
                "raised_hand": i.volunteered,
                "answer": i.answer,
                "message": i.answer_message,
                "why_you": " | ".join(str(reason) for reason in i.reasons or []),
                "invited_at": i.created_at,
                "expires_at": i.expires_at,
                "answered_at": i.answered_at,
            },
        )
        sections["cases_brought"] = _rows(
            person.cases_brought.select_related("organisation").order_by("created_at", "pk"),
            lambda c: {
                "title": c.title,
                "description": c.description,
                "status": c.status,
                "organisation": c.organisation.name if c.organisation else "",
                "confidentiality": c.confidentiality,
                "data_at_hand": c.data_description,
                "source": c.source,
                "created_at": c.created_at,
            },
        )
        sections["reports_written"] = _rows(
            Report.objects.filter(authors=person).order_by("created_at", "pk"),
            lambda r: {"title": r.title, "status": r.status, "created_at": r.created_at},
        )
        sections["notes_written"] = _rows(
            Note.objects.filter(author=person).order_by("created_at", "pk"),
            lambda n: {"title": n.title, "visibility": n.visibility, "created_at": n.created_at},
        )
        sections["account_invitations"] = _rows(
            Invitation.objects.filter(person=person).order_by("created_at", "pk"),
            lambda i: {
                "email": i.email,
                "created_at": i.created_at,
                "expires_at": i.expires_at,
                "accepted_at": i.accepted_at,
                "revoked_at": i.revoked_at,
            },
        )
    if user is not None:
        sections["challenge_teams"] = _rows(
            TeamMembership.objects.filter(user=user)
            .select_related("team", "challenge")
            .order_by("joined_at", "pk"),
            lambda m: {
                "challenge": m.challenge.title,
                "team": m.team.name,
                "joined_at": m.joined_at,
            },
        )
        sections["challenge_rules_accepted"] = _rows(
            RulesAcceptance.objects.filter(user=user).select_related("challenge").order_by("pk"),
            lambda a: {"challenge": a.challenge.title, "accepted_at": a.accepted_at},
        )
        sections["challenge_submissions"] = _rows(
            Submission.objects.filter(submitted_by=user)
            .select_related("challenge", "team")
            .order_by("created_at", "pk"),
            lambda s: {
                "challenge": s.challenge.title,
                "team": s.team.name if s.team else "",
                "file": s.original_name,
                "note": s.description,
                "status": s.status,
                "public_score": s.public_score,
                # The private leaderboard is secret until staff reveal it, for everyone.
                "private_score": s.private_score if s.challenge.private_revealed_at else None,
                "selected_for_final": s.selected_for_final,
                "submitted_at": s.created_at,
            },
        )
        sections["notices"] = _rows(
            Notice.objects.filter(user=user).order_by("created_at", "pk"),
            lambda n: {
                "text": n.text,
                "link": n.url,
                "created_at": n.created_at,
                "read_at": n.read_at,
            },
        )
    addresses = _addresses(person, user)
    subscribers = _subscribers(addresses)
    sections["newsletter_subscriptions"] = _rows(
        subscribers,
        lambda s: {
            "email": s.email,
            "status": s.status,
            "language": s.language,
            "subscribed_at": s.created_at,
            "confirmed_at": s.confirmed_at,
            "unsubscribed_at": s.unsubscribed_at,
        },
    )
    sections["newsletter_consent_records"] = _rows(
        ConsentRecord.objects.filter(subscriber__in=subscribers)
        .select_related("subscriber")
        .order_by("subscriber_id", "created_at", "pk"),
        lambda r: {
            "email": r.subscriber.email,
            "action": r.action,
            "at": r.created_at,
            "page": r.source,
            "consent_text_version": r.consent_version,
            "language": r.language,
            "ip_address_hash": r.ip_hash,
        },
    )
    emails: list[Any] = []
    seen: set[int] = set()
    for address in addresses:
        for email in outbound_emails_to(address):
            if email.pk not in seen:
                seen.add(email.pk)
                emails.append(email)
    emails.sort(key=lambda e: (e.created_at, e.pk))
    sections["emails_sent_to_you"] = _rows(
        emails,
        lambda e: {
            "to": ", ".join(e.to),
            "subject": e.subject,
            "text": e.body_text,
            "queued_at": e.created_at,
            "sent_at": e.sent_at,
        },
    )
    for exporter in EXPORTERS:
        sections.update(exporter(person, user))
    return sections


README = """Everything {site} holds on you, exported on {at}.

Each part is a JSON file (complete) and a CSV file (the same rows, for a
spreadsheet; cells that a spreadsheet would run as a formula start with ').

{parts}

Emails: the text of an email is kept {days} days after it was sent, then only
who got it and when is kept. Newsletter consent records are kept as proof.
Questions, corrections or erasure: your profile page, or the club's staff.
"""


def _csv_text(rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    buffer.write("\ufeff")  # lets Excel detect UTF-8
    writer = csv.writer(buffer, lineterminator="\r\n")
    columns = list(rows[0]) if rows else []
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_safe_cell(row.get(column)) for column in columns])
    return buffer.getvalue()


@dataclass(frozen=True)
class PersonalDataExport:
    filename: str
    content: bytes
    counts: dict[str, int] = field(default_factory=dict)


def person_data_export(
    *,
    actor: User | None,
    person: Person | None = None,
    user: User | None = None,
    now: dt.datetime | None = None,
) -> PersonalDataExport:
    """A zip of everything the club holds on this person; only they or staff may have it."""
    from django.conf import settings

    if not _may_act(actor=actor, person=person, user=user):
        raise PermissionDenied("Only the person themself or staff may export their data.")
    person, user = _resolve(person, user)
    now = now or timezone.now()
    sections = _sections(person, user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, rows in sections.items():
            archive.writestr(
                f"{name}.json", json.dumps(rows, ensure_ascii=False, indent=2, default=str)
            )
            archive.writestr(f"{name}.csv", _csv_text(rows))
        parts = "\n".join(f"- {name}: {len(rows)}" for name, rows in sections.items())
        archive.writestr(
            "README.txt",
            README.format(
                site=settings.SITE_NAME,
                at=now.isoformat(timespec="seconds"),
                parts=parts,
                days=settings.OUTBOX_RETENTION_DAYS,
            ),
        )
    logger.info(
        "personal data exported person=%s user=%s actor=%s",
        person and person.pk,
        user and user.pk,
        actor and actor.pk,
    )
    stamp = timezone.localtime(now).strftime("%Y-%m-%d")
    return PersonalDataExport(
        filename=f"my-data-{stamp}.zip",
        content=buffer.getvalue(),
        counts={name: len(rows) for name, rows in sections.items()},
    )


# --- closing an account -------------------------------------------------------------------------


def _sessions_end(user: User) -> int:
    """Delete every stored session signed in as this user.

    Django keeps no index from user to session, so the live sessions are read once;
    the unusable password set alongside already invalidates any copy (the session
    hash no longer matches), this removes them for good.
    """
    wanted = str(user.pk)
    doomed = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get("_auth_user_id")) == wanted
    ]
    Session.objects.filter(pk__in=doomed).delete()
    return len(doomed)


def account_close(*, user: User, actor: User | None) -> User:
    """No way in any more: inactive, no password, no sessions, addresses or second factors."""
    if not _may_act(actor=actor, person=None, user=user):
        raise PermissionDenied("Only the person themself or staff may close this account.")
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        user.is_active = False
        user.is_staff = False
        user.is_superuser = False
        user.set_unusable_password()
        user.save(update_fields=["is_active", "is_staff", "is_superuser", "password"])
        user.groups.clear()
        user.user_permissions.clear()
        EmailAddress.objects.filter(user=user).delete()
        Authenticator.objects.filter(user=user).delete()
        _sessions_end(user)
    logger.info("account closed user=%s actor=%s", user.pk, actor and actor.pk)
    return user


def person_delete(*, person: Person, actor: User | None) -> None:
    """Delete a person (a contact imported by mistake): their account is closed first.

    Their seats pass on through the registration service before the rows go, and a
    person who brought a case cannot be deleted (the case is the organisation's):
    erase them instead.
    """
    if actor is not None and not (actor.is_active and actor.is_staff):
        raise PermissionDenied("Only staff may delete a person.")
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        _registrations_release(person)
        if person.user_id is not None:
            account_close(user=User.objects.get(pk=person.user_id), actor=actor)
        person.delete()
    logger.info("person deleted person=%s actor=%s", person.pk, actor and actor.pk)


# --- erasure ------------------------------------------------------------------------------------


@dataclass
class ErasureResult:
    person_id: int | None
    user_id: int | None
    tombstone: str = ""
    seats_released: int = 0
    registrations_kept: int = 0
    emails_scrubbed: int = 0
    emails_dropped: int = 0
    newsletter_withdrawn: int = 0


def _registrations_release(person: Person, now: dt.datetime | None = None) -> tuple[int, int]:
    """Cancel every active registration as the person would: the seat goes to the next waiting.

    A workshop already under way keeps the registration (the service refuses);
    returns (cancelled, kept).
    """
    viewer = Viewer(is_authenticated=True, person=person)
    cancelled = kept = 0
    for registration in (
        Registration.objects.filter(person=person, status__in=ACTIVE)
        .select_related("workshop")
        .order_by("pk")
    ):
        try:
            registration_cancel(registration=registration, viewer=viewer, now=now)
        except RegistrationError:
            kept += 1
        else:
            cancelled += 1
    return cancelled, kept


def _tombstone_id() -> str:
    return secrets.token_hex(3)


def _person_anonymise(person: Person, short_id: str, now: dt.datetime) -> None:
    person.first_name = TOMBSTONE_FIRST_NAME
    person.last_name = short_id
    person.email = f"former-member-{short_id}-{person.pk}@{ERASED_EMAIL_DOMAIN}"
    person.job_title = ""
    person.bio = ""
    person.languages = []
    person.base = None
    person.linkedin_url = ""
    person.github_url = ""
    person.orcid = ""
    person.website_url = ""
    person.chat_username = ""
    person.is_org_manager = False
    person.directory_visibility = Visibility.HIDDEN
    # Out of the directory and of matching; the organisation stays for its counts.
    person.left_organisation_on = person.left_organisation_on or timezone.localdate(now)
    person.do_not_invite_before = None
    person.updated_at = now
    person.full_clean(exclude=["user", "organisation"])
    person.save()
    Skill.objects.filter(person=person).delete()
    SkillLevelChange.objects.filter(person=person).delete()
    Interest.objects.filter(person=person).delete()
    CalendarFeed.objects.filter(person=person).delete()
    Invitation.objects.filter(
        person=person, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    for invitation in Invitation.objects.filter(person=person):
        # A fresh token each: the old links (in old emails) lead nowhere.
        invitation.email = person.email
        invitation.token = secrets.token_urlsafe(32)
        invitation.save(update_fields=["email", "token"])
    # Their own words go; the answers and ratings stay for the club's figures.
    CaseInvitation.objects.filter(person=person).update(answer_message="")
    # Invitations still open close now: nobody is left to answer them.
    CaseInvitation.objects.filter(person=person, answer=Answer.PENDING, expires_at__gt=now).update(
        expires_at=now
    )
    Feedback.objects.filter(registration__person=person).update(learned="", follow_up_idea="")
    for feedback in Feedback.objects.filter(keep_working_with_people=person):
        feedback.keep_working_with_people.remove(person)


def _former_names(person: Person | None, user: User | None) -> set[str]:
    """The names a team made for them alone was given (`challenges.services._display_name`)."""
    names = set()
    if person is not None:
        names.add(f"{person.first_name} {person.last_name}".strip())
    if user is not None:
        names |= {user.full_name.strip(), user.email.split("@")[0]}
    return names - {""}


def _user_anonymise(user: User, former_names: set[str], short_id: str, now: dt.datetime) -> None:
    user.email = f"former-member-{short_id}-u{user.pk}@{ERASED_EMAIL_DOMAIN}"
    user.full_name = f"{TOMBSTONE_FIRST_NAME} {short_id}"
    user.save(update_fields=["email", "full_name"])
    Notice.objects.filter(user=user).delete()
    TeamInvitation.objects.filter(invitee=user, status=TeamInvitationStatus.PENDING).update(
        status=TeamInvitationStatus.CANCELLED, answered_at=now
    )
    # A team made for them alone carries their name on the public leaderboard.
    for membership in TeamMembership.objects.filter(user=user).select_related("team"):
        team = membership.team
        if team.name.split(" (")[0] in former_names and team.memberships.count() == 1:
            Team.objects.filter(pk=team.pk).update(name=f"{TOMBSTONE_FIRST_NAME} {short_id}")


def person_erase(
    *,
    actor: User | None,
    person: Person | None = None,
    user: User | None = None,
    now: dt.datetime | None = None,
) -> ErasureResult:
    """Forget who this person was, everywhere, keeping the rows the club counts."""
    if not _may_act(actor=actor, person=person, user=user):
        raise PermissionDenied("Only the person themself or staff may erase this person.")
    person, user = _resolve(person, user)
    now = now or timezone.now()
    result = ErasureResult(
        person_id=person.pk if person else None, user_id=user.pk if user else None
    )
    addresses = _addresses(person, user)
    former_names = _former_names(person, user)
    short_id = _tombstone_id()
    with transaction.atomic():
        if person is not None:
            person = Person.objects.select_for_update().get(pk=person.pk)
            # First, while they are still themselves: the seats go to the next in line.
            result.seats_released, result.registrations_kept = _registrations_release(person, now)
        for subscriber in _subscribers(addresses):
            if subscriber.status != SubscriberStatus.UNSUBSCRIBED:
                subscriber_unsubscribe(
                    subscriber_id=subscriber.pk, source="erasure", ip_hash=None, now=now
                )
                result.newsletter_withdrawn += 1
        if person is not None:
            _person_anonymise(person, short_id, now)
            result.tombstone = person.full_name
        if user is not None:
            account_close(user=user, actor=actor)
            _user_anonymise(user, former_names, short_id, now)
        for eraser in ERASERS:
            eraser(person, user)
        # Last: the cancellation emails just queued are dropped with the rest.
        result.emails_scrubbed, result.emails_dropped = outbound_emails_erase_for(
            addresses=addresses
        )
    logger.info(
        "person erased person=%s user=%s actor=%s seats_released=%s",
        result.person_id,
        result.user_id,
        actor and actor.pk,
        result.seats_released,
    )
    return result
