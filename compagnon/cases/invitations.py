"""Case invitations: staff invite people to a case, people answer or raise their hand.

Every function here is a service: keyword-only, one transaction, the case row
locked first (so two staff sending, or two answers crossing the "people
needed" threshold, take turns), email rows and notices written in the same
transaction (`core.email`, `core.notices`), nothing sent if it rolls back.

Rules worth knowing:

* A batch of invitations is all-or-nothing: if one person cannot be invited,
  nobody is, and the error lists every problem, each naming the person.
* An invitation expires `CASE_INVITATION_VALID_DAYS` after it is sent.
  Expiry is a comparison with `expires_at`, nothing is written when it
  passes; a hand raised by a volunteer never expires.
* One reminder per pending invitation, `CASE_INVITATION_REMINDER_DAYS` after
  it was sent, never two (`reminded_at` is set under the row lock and the
  email has a key).
* The case moves to "matched" once as many people as it needs answered
  "interested" or "expert" (volunteers included). A later "not this time"
  does not move it back: staff decide.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from compagnon.cases.models import Answer, Case, CaseInvitation, CaseStatus
from compagnon.cases.selectors import (
    case_audience_includes,
    case_audience_organisation_ids,
    invitations_open,
)
from compagnon.core.email import email_queue
from compagnon.core.notices import notice_send, notices_mark_read_by_key
from compagnon.matching.index import person_is_matchable
from compagnon.matching.reasons import reasons_text
from compagnon.members.models import Person
from compagnon.members.selectors import person_language

logger = logging.getLogger(__name__)

OPEN_FOR_INVITATIONS = (CaseStatus.OPEN, CaseStatus.MATCHED)
POSITIVE_ANSWERS = (Answer.INTERESTED, Answer.EXPERT)
ANSWER_CHOICES = (Answer.INTERESTED, Answer.EXPERT, Answer.DECLINED)
MESSAGE_MAX_LENGTH = CaseInvitation._meta.get_field("answer_message").max_length or 2000


# --- helpers ---------------------------------------------------------------------------------------


def _date(value: datetime | None) -> str:
    return formats.date_format(timezone.localtime(value), "DATE_FORMAT") if value else ""


def invitation_answer_url(invitation: CaseInvitation) -> str:
    return reverse("case_invitations:invitation_answer", args=[invitation.pk])


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def invitation_is_expired(invitation: CaseInvitation, now: datetime | None = None) -> bool:
    return invitation.expires_at is not None and (now or timezone.now()) >= invitation.expires_at


def _case_locked(case: Case) -> Case:
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("brought_by__user", "brought_by__organisation")
        .get(pk=case.pk)
    )


def _positive_count(case: Case) -> int:
    return CaseInvitation.objects.filter(case=case, answer__in=POSITIVE_ANSWERS).count()


def _matched_if_enough(case: Case) -> bool:
    """Move an open case to matched once enough people said yes. Call with the case locked."""
    if case.status != CaseStatus.OPEN:
        return False
    positive = _positive_count(case)
    if positive < case.interested_needed:
        return False
    from compagnon.cases.services import case_transition

    note = gettext("%(count)d people interested (%(needed)d needed).") % {
        "count": positive,
        "needed": case.interested_needed,
    }
    case_transition(case=case, to_status=CaseStatus.MATCHED, actor=None, note=note)
    return True


# --- sending -------------------------------------------------------------------------------------


def _invitation_problem(
    person: Person,
    case: Case,
    *,
    excluded: set[int],
    already: set[int],
    today,
    audience: set[int] | None = None,
) -> str | None:
    name = person.full_name
    if person.pk == case.brought_by_id:
        return gettext("%(name)s brought this case.") % {"name": name}
    if person.pk in already:
        return gettext("%(name)s is already invited to this case.") % {"name": name}
    if person.left_organisation_on is not None:
        return gettext("%(name)s left their organisation on %(date)s.") % {
            "name": name,
            "date": formats.date_format(person.left_organisation_on, "DATE_FORMAT"),
        }
    if person.organisation_id is not None and person.organisation_id in excluded:
        return gettext("%(name)s belongs to %(organisation)s, which this case excludes.") % {
            "name": name,
            "organisation": person.organisation.name if person.organisation else "",
        }
    if audience is not None and person.organisation_id not in audience:
        # "Named organisations only": an invitation never widens the audience.
        return gettext("%(name)s is not among the organisations this case is shared with.") % {
            "name": name
        }
    if person.do_not_invite_before is not None and person.do_not_invite_before > today:
        return gettext("%(name)s asked not to be invited before %(date)s.") % {
            "name": name,
            "date": formats.date_format(person.do_not_invite_before, "DATE_FORMAT"),
        }
    if not person_is_matchable(person):
        return gettext("%(name)s is not a current member of the club.") % {"name": name}
    if person.user_id is None and not person.email:
        return gettext("%(name)s has no account and no email address: nobody could tell them.") % {
            "name": name
        }
    return None


def case_invitations_send(
    *,
    case: Case,
    people: Iterable[Person | int],
    invited_by: Any,
    reasons_by_person: Mapping[int, list[Any]] | None = None,
    scores_by_person: Mapping[int, float] | None = None,
) -> list[CaseInvitation]:
    """Invite people to an open (or matched) case: an email and a notice each.

    All or nothing: raises ValidationError listing every person who cannot be
    invited, and why, and then invites nobody.
    """
    ids = sorted({p if isinstance(p, int) else p.pk for p in people})
    if not ids:
        raise ValidationError(_("Choose at least one person to invite."), code="empty")
    reasons_by_person = reasons_by_person or {}
    scores_by_person = scores_by_person or {}
    now = timezone.now()
    with transaction.atomic():
        case = _case_locked(case)
        if case.status not in OPEN_FOR_INVITATIONS:
            raise ValidationError(
                _("Invitations go out once the case is open; this one is “%(status)s”."),
                params={"status": case.get_status_display()},
                code="case_not_open",
            )
        found = list(
            Person.objects.select_related("organisation", "user")
            .filter(pk__in=ids)
            .order_by("last_name", "first_name", "pk")
        )
        if len(found) != len(ids):
            raise ValidationError(_("Some of these people no longer exist."), code="unknown")
        excluded = set(case.excluded_organisations.values_list("pk", flat=True))
        audience = case_audience_organisation_ids(case)
        already = set(
            CaseInvitation.objects.filter(case=case, person_id__in=ids).values_list(
                "person_id", flat=True
            )
        )
        today = timezone.localdate(now)
        problems = [
            problem
            for person in found
            if (
                problem := _invitation_problem(
                    person,
                    case,
                    excluded=excluded,
                    already=already,
                    today=today,
                    audience=audience,
                )
            )
        ]
        if problems:
            raise ValidationError([ValidationError(p, code="refused") for p in problems])
        expires_at = now + timedelta(days=settings.CASE_INVITATION_VALID_DAYS)
        invitations = []
        for person in found:
            invitation = CaseInvitation(
                case=case,
                person=person,
                invited_by=invited_by,
                score=scores_by_person.get(person.pk),
                reasons=list(reasons_by_person.get(person.pk, [])),
                created_at=now,
                expires_at=expires_at,
            )
            invitation.full_clean(validate_unique=False, validate_constraints=False)
            invitation.save()
            _invitation_tell(invitation, case=case, person=person)
            invitations.append(invitation)
    logger.info("case %s: %d invitations sent", case.pk, len(invitations))
    return invitations


def _invitation_tell(
    invitation: CaseInvitation, *, case: Case, person: Person, reminder: bool = False
) -> None:
    # Without an account, the email carries a signed link that answers without signing in.
    url = (
        invitation_answer_url(invitation)
        if person.user_id is not None
        else invitation_reply_url(invitation)
    )
    context = {
        "person": person,
        "case": case,
        "invitation": invitation,
        "answer_url": _absolute(url),
        "expires_on": _date(invitation.expires_at) if invitation.expires_at else "",
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
    }
    template = (
        "cases/email/case_invitation_reminder.txt"
        if reminder
        else "cases/email/case_invitation.txt"
    )
    with translation.override(person_language(person)):
        if reminder:
            subject = gettext("Reminder: would you join the case “%(title)s”?")
            notice = gettext("Reminder: the case “%(title)s” is waiting for your answer.")
        else:
            subject = gettext("Would you join the case “%(title)s”?")
            notice = gettext("You are invited to the case “%(title)s”.")
        subject = subject % {"title": case.title}
        notice = notice % {"title": case.title}
        context["reasons"] = reasons_text(invitation.reasons)
        text = render_to_string(template, context)
    key = (
        f"case-invitation-reminder:{invitation.pk}"
        if reminder
        else f"case-invitation:{invitation.pk}"
    )
    email_queue(to=[person.email], subject=subject, text=text, key=key)
    notice_send(user=person.user, text=notice, url=url, key=key)


# --- answering -----------------------------------------------------------------------------------


def _owner_tell(invitation: CaseInvitation, *, case: Case, person: Person) -> None:
    """Tell the person who brought the case that someone said yes."""
    owner = case.brought_by
    url = case.get_absolute_url()
    context = {
        "owner": owner,
        "case": case,
        "invitation": invitation,
        "person": person,
        "case_url": _absolute(url),
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
    }
    with translation.override(person_language(owner)):
        if invitation.answer == Answer.EXPERT:
            line = gettext("%(name)s can help as an expert on your case “%(title)s”.")
        else:
            line = gettext("%(name)s is interested in your case “%(title)s”.")
        line = line % {"name": person.full_name, "title": case.title}
        text = render_to_string("cases/email/case_answer.txt", {**context, "line": line})
    key = f"case-answer:{invitation.pk}:{invitation.answer}"
    email_queue(to=[owner.email], subject=line, text=text, key=key)
    notice_send(user=owner.user, text=line, url=url, key=key)


def _message_checked(message: str | None) -> str:
    """The invitee's message, stripped; too long is refused, never cut short."""
    message = (message or "").strip()
    if len(message) > MESSAGE_MAX_LENGTH:
        raise ValidationError(
            {
                "message": _("The message is limited to %(limit)d characters (it has %(count)d).")
                % {"limit": MESSAGE_MAX_LENGTH, "count": len(message)}
            },
            code="too_long",
        )
    return message


def case_invitation_answer(
    *, invitation: CaseInvitation, answer: str, message: str = "", actor: Any
) -> CaseInvitation:
    """The invitee answers (and may change their answer while the invitation is valid)."""
    if answer not in ANSWER_CHOICES:
        raise ValidationError({"answer": _("Choose one of the answers.")}, code="invalid_answer")
    message = _message_checked(message)

    def only_the_invitee(locked: CaseInvitation) -> None:
        if actor is None or locked.person.user_id is None or locked.person.user_id != actor.pk:
            raise PermissionDenied("Only the invited person answers an invitation.")

    return _answer_record(
        invitation=invitation, answer=answer, message=message, may_answer=only_the_invitee
    )


def _answer_record(
    *,
    invitation: CaseInvitation,
    answer: str,
    message: str,
    may_answer: Callable[[CaseInvitation], None],
) -> CaseInvitation:
    """Record an answer under the case's and the invitation's locks, whichever door it came by.

    `may_answer` refuses (raises) for this door's own reasons; then the invitation must be
    unexpired and the case still looking. A new positive answer tells the owner, enough of
    them match the case, and the "you are invited" notices have done their job.
    """
    now = timezone.now()
    with transaction.atomic():
        case = _case_locked(invitation.case)
        invitation = (
            CaseInvitation.objects.select_for_update(of=("self",))
            .select_related("person__user")
            .get(pk=invitation.pk)
        )
        may_answer(invitation)
        if invitation_is_expired(invitation, now):
            raise ValidationError(
                _("This invitation expired on %(date)s."),
                params={"date": _date(invitation.expires_at)},
                code="expired",
            )
        if case.status not in OPEN_FOR_INVITATIONS:
            raise ValidationError(
                _("This case is no longer looking for people (it is “%(status)s”)."),
                params={"status": case.get_status_display()},
                code="case_closed",
            )
        person = invitation.person
        previous = invitation.answer
        invitation.answer = answer
        invitation.answer_message = message
        invitation.answered_at = now
        invitation.save(update_fields=["answer", "answer_message", "answered_at"])
        if answer in POSITIVE_ANSWERS and answer != previous:
            _owner_tell(invitation, case=case, person=person)
        _matched_if_enough(case)
        if person.user_id is not None:
            notices_mark_read_by_key(
                user=person.user,
                keys=[
                    f"case-invitation:{invitation.pk}",
                    f"case-invitation-reminder:{invitation.pk}",
                ],
            )
    return invitation


def case_invitation_answer_by_chat(
    *, invitation: CaseInvitation, answer: str, person: Person
) -> CaseInvitation:
    """The invitee answers from the buttons of the chat message (compagnon.chat).

    `person` is whom the clicking chat account is linked to by proof (ChatLink):
    only the invited person answers. A message left on the site is kept.
    """
    if answer not in ANSWER_CHOICES:
        raise ValidationError({"answer": _("Choose one of the answers.")}, code="invalid_answer")

    def only_the_linked_invitee(locked: CaseInvitation) -> None:
        if locked.person_id != person.pk:
            raise PermissionDenied("Only the invited person answers an invitation.")

    return _answer_record(
        invitation=invitation,
        answer=answer,
        message=invitation.answer_message,
        may_answer=only_the_linked_invitee,
    )


def case_hand_raise(*, case: Case, person: Person, message: str = "") -> CaseInvitation:
    """A member says "I'm interested" in a case without being invited.

    Idempotent: a second raise returns the existing row. Someone invited who
    raises their hand answers "interested" to their invitation.
    """
    message = _message_checked(message)
    now = timezone.now()
    with transaction.atomic():
        case = _case_locked(case)
        person = Person.objects.select_related("organisation", "user").get(pk=person.pk)
        existing = (
            CaseInvitation.objects.select_for_update(of=("self",))
            .filter(case=case, person=person)
            .first()
        )
        if existing is not None and existing.answer in POSITIVE_ANSWERS:
            return existing
        if case.status not in OPEN_FOR_INVITATIONS:
            raise ValidationError(
                _("This case is no longer looking for people (it is “%(status)s”)."),
                params={"status": case.get_status_display()},
                code="case_closed",
            )
        if person.pk == case.brought_by_id:
            raise ValidationError(_("This is your own case."), code="own_case")
        if not person_is_matchable(person):
            raise ValidationError(
                _("Only current members of the club can join a case."), code="not_member"
            )
        if (
            person.organisation_id is not None
            and case.excluded_organisations.filter(pk=person.organisation_id).exists()
        ):
            raise ValidationError(
                _("The people who brought this case asked not to involve your organisation."),
                code="excluded",
            )
        if not case_audience_includes(case, person):
            raise ValidationError(
                _("This case is shared with named organisations only, and yours is not one."),
                code="audience",
            )
        if existing is None:
            invitation = CaseInvitation(
                case=case,
                person=person,
                volunteered=True,
                created_at=now,
                answer=Answer.INTERESTED,
                answer_message=message,
                answered_at=now,
            )
        else:
            invitation = existing
            invitation.answer = Answer.INTERESTED
            invitation.answered_at = now
            if message:
                invitation.answer_message = message
        invitation.save()
        _owner_tell(invitation, case=case, person=person)
        _matched_if_enough(case)
    return invitation


# --- answering from the email, without an account ---------------------------------------------

REPLY_SALT = "compagnon.cases.invitation-reply"


def invitation_reply_token(invitation: CaseInvitation) -> str:
    """The signed part of the link an invitee without an account answers from."""
    return signing.dumps({"i": invitation.pk, "p": invitation.person_id}, salt=REPLY_SALT)


def invitation_reply_url(invitation: CaseInvitation) -> str:
    return reverse("case_invitations:invitation_reply", args=[invitation_reply_token(invitation)])


def invitation_for_reply_token(token: str) -> CaseInvitation | None:
    """The invitation a link names, or None for a forged, mangled or outdated link.

    The signature proves the link came from us; how long it works is the
    invitation's own `expires_at`, checked by the answer.
    """
    try:
        data = signing.loads(
            token,
            salt=REPLY_SALT,
            max_age=timedelta(days=settings.CASE_INVITATION_VALID_DAYS + 1),
        )
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("i"), int):
        return None
    return (
        CaseInvitation.objects.select_related("case__base", "person__organisation")
        .filter(pk=data["i"], person_id=data["p"])
        .first()
    )


def case_invitation_answer_by_link(
    *, invitation: CaseInvitation, answer: str, message: str = ""
) -> CaseInvitation:
    """The invitee answers from the emailed link: once (the link is single-use), in time.

    The link replaces signing in, so it answers a pending invitation only; a
    change of mind goes through the account (or the staff).
    """
    if answer not in ANSWER_CHOICES:
        raise ValidationError({"answer": _("Choose one of the answers.")}, code="invalid_answer")
    message = _message_checked(message)

    def once(locked: CaseInvitation) -> None:
        if locked.answered_at is not None or locked.answer != Answer.PENDING:
            raise ValidationError(
                _("This link was already used: your answer is recorded."), code="used"
            )

    return _answer_record(invitation=invitation, answer=answer, message=message, may_answer=once)


def case_invitation_claim_account(*, invitation: CaseInvitation) -> Any:
    """After answering from the link: the account invitation the person claims at once.

    The link proved the address, so the usable account invitation (or a new
    one) is handed over; None when the person already has an account.
    """
    from compagnon.accounts.services import invitation_create, invitation_usable_for_email

    person = invitation.person
    if person.user_id is not None:
        return None
    existing = invitation_usable_for_email(email=person.email)
    if existing is not None and existing.person_id == person.pk:
        return existing
    return invitation_create(person=person, invited_by=invitation.invited_by)


# --- reminders ------------------------------------------------------------------------------------


def invitations_due_for_reminder(now: datetime | None = None):
    """Open invitations (the one rule, `invitations_open`: no expiry is open) not yet reminded."""
    now = now or timezone.now()
    return invitations_open(now).filter(
        reminded_at__isnull=True,
        created_at__lte=now - timedelta(days=settings.CASE_INVITATION_REMINDER_DAYS),
    )


def case_invitations_remind_due(now: datetime | None = None) -> int:
    """Send the one reminder each pending invitation gets; returns how many went out.

    Each invitation is claimed in its own short transaction, so a crash half-way
    keeps the reminders already recorded and a second run sends none twice.
    """
    now = now or timezone.now()
    sent = 0
    for pk in list(invitations_due_for_reminder(now).values_list("pk", flat=True)):
        with transaction.atomic():
            invitation = (
                invitations_due_for_reminder(now)
                .select_for_update(of=("self",))
                .select_related("case", "person__user", "person__organisation")
                .filter(pk=pk)
                .first()
            )
            if invitation is None:
                continue
            person = invitation.person
            if not person_is_matchable(person) or (
                person.do_not_invite_before is not None
                and person.do_not_invite_before > timezone.localdate(now)
            ):
                continue
            invitation.reminded_at = now
            invitation.save(update_fields=["reminded_at"])
            _invitation_tell(invitation, case=invitation.case, person=person, reminder=True)
            sent += 1
    if sent:
        logger.info("case invitations: %d reminders sent", sent)
    return sent
