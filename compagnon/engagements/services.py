"""Every change to an engagement: set up, time logged and decided, reports, closing.

Functions take keyword arguments, check with the same refusal functions the pages
use, write inside `transaction.atomic`, and leave emails for after the commit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from compagnon.accounts.models import User
from compagnon.cases.models import Case, CaseStatus
from compagnon.cases.selectors import case_audience_includes
from compagnon.cases.services import case_transition
from compagnon.engagements.models import (
    NOTE_MAX_LENGTH,
    REASON_MAX_LENGTH,
    Engagement,
    EngagementStatus,
    EntryStatus,
    LedgerEntry,
    StatusReport,
)
from compagnon.engagements.selectors import (
    CASE_STATUSES_FOR_ENGAGEMENT,
    day_half_days_used,
    week_bounds,
    week_half_days_used,
)
from compagnon.members.models import Person
from compagnon.members.selectors import Viewer

# At most this many weeks between start and end: "several weeks", up to a few months.
MAX_WEEKS = 26


def _after_commit(task: Any, **kwargs: Any) -> None:
    transaction.on_commit(lambda: task.enqueue(**kwargs))


def _staff(actor: User | None) -> bool:
    return bool(actor is not None and actor.is_active and actor.is_staff)


def _half_days_label(n: int) -> str:
    days = n / 2
    return (_("%(n)s day") if days <= 1 else _("%(n)s days")) % {"n": f"{days:g}"}


# --- set up ----------------------------------------------------------------------------------


def expert_refusal(case: Case, expert: Person) -> str:
    """Why `expert` cannot help on `case`, or ''."""
    if expert.pk == case.brought_by_id:
        return _("The person who brought the case cannot be its expert.")
    if expert.is_erased or expert.left_organisation_on is not None:
        return _("This person is no longer in the club.")
    if not Viewer(is_authenticated=True, person=expert).is_member:
        return _(
            "The expert must be a member of the club: a resident, a researcher or a member organisation's employee."
        )
    if not case_audience_includes(case, expert):
        return _(
            "The case is not shared with this person's organisation: choose someone in its audience."
        )
    return ""


def engagement_create(
    *,
    actor: User,
    case: Case,
    expert: Person,
    scope: str,
    starts_on: dt.date,
    ends_on: dt.date,
    half_days_per_week: int,
    confidentiality_terms: str = "",
    organisation_shown_to_expert: bool | None = None,
) -> Engagement:
    """Staff set up an engagement on a case; a matched case moves to planned.

    On an anonymised case the organisation is hidden from the expert unless staff say
    it agreed (`organisation_shown_to_expert`); elsewhere the expert may see the case
    and so who brought it.
    """
    from compagnon.cases.models import Confidentiality

    if not _staff(actor):
        raise PermissionDenied(_("Only the club's staff set up expert engagements."))
    with transaction.atomic():
        fresh = Case.objects.select_for_update().get(pk=case.pk)
        if fresh.status not in CASE_STATUSES_FOR_ENGAGEMENT:
            raise ValidationError(
                _(
                    "An engagement answers an open, matched or planned case (this one is “%(status)s”)."
                )
                % {"status": fresh.get_status_display()}
            )
        refusal = expert_refusal(fresh, expert)
        if refusal:
            raise ValidationError({"expert": refusal})
        if ends_on < starts_on:
            raise ValidationError({"ends_on": _("The end comes after the start.")})
        if (ends_on - starts_on).days > MAX_WEEKS * 7:
            raise ValidationError(
                {
                    "ends_on": _(
                        "Keep an engagement under %(n)d weeks; set up another one to go on."
                    )
                    % {"n": MAX_WEEKS}
                }
            )
        if organisation_shown_to_expert is None:
            organisation_shown_to_expert = fresh.confidentiality != Confidentiality.ANONYMISED
        engagement = Engagement(
            case=fresh,
            expert=expert,
            asker_id=fresh.brought_by_id,
            scope=scope.strip(),
            starts_on=starts_on,
            ends_on=ends_on,
            half_days_per_week=half_days_per_week,
            confidentiality_terms=confidentiality_terms.strip(),
            organisation_shown_to_expert=organisation_shown_to_expert,
            created_by=actor,
        )
        engagement.full_clean()
        engagement.save()
        note = _("An expert engagement answers the case.")
        if fresh.status == CaseStatus.OPEN:
            case_transition(case=fresh, to_status=CaseStatus.MATCHED, actor=actor, note=note)
            fresh.refresh_from_db()
        if fresh.status == CaseStatus.MATCHED:
            case_transition(case=fresh, to_status=CaseStatus.PLANNED, actor=actor, note=note)
        from compagnon.engagements.tasks import engagement_started_send

        _after_commit(engagement_started_send, engagement_id=engagement.pk)
    return engagement


# --- the ledger --------------------------------------------------------------------------------


def entry_refusal(
    engagement: Engagement,
    *,
    person: Person | None,
    worked_on: dt.date,
    half_days: int,
    today: dt.date | None = None,
) -> str:
    """Why this entry cannot be logged, or ''. The page asks it; the service asks it under the lock."""
    today = today or timezone.localdate()
    if person is None or person.pk != engagement.expert_id:
        return _("Only the expert logs time on this engagement.")
    if engagement.status != EngagementStatus.ACTIVE:
        return _("This engagement is closed: no more time can be logged.")
    if half_days not in (1, 2):
        return _("Log half a day or a full day.")
    if worked_on > today:
        return _("Log time once it is given: this date is in the future.")
    if not engagement.starts_on <= worked_on <= engagement.ends_on:
        return _("This date is outside the engagement (%(start)s to %(end)s).") % {
            "start": engagement.starts_on.isoformat(),
            "end": engagement.ends_on.isoformat(),
        }
    if day_half_days_used(engagement.pk, worked_on) + half_days > 2:
        return _("A day holds two half-days at most, and this one already has time logged.")
    used = week_half_days_used(engagement.pk, worked_on)
    allowed = engagement.half_days_per_week
    if used + half_days > allowed:
        year, week, _day = worked_on.isocalendar()
        monday, _sunday = week_bounds(worked_on)
        left = max(allowed - used, 0)
        return _(
            "The agreed time is %(allowed)s a week. Week %(week)d of %(year)d (from %(monday)s) "
            "already has %(used)s logged, so %(left)s can still be logged. Ask staff to change "
            "the agreement if the work needs more."
        ) % {
            "allowed": _half_days_label(allowed),
            "week": week,
            "year": year,
            "monday": monday.isoformat(),
            "used": _half_days_label(used),
            "left": _half_days_label(left),
        }
    return ""


def _engagement_locked(pk: int) -> Engagement:
    """The engagement row, locked: two entries logged at once take turns, so the
    second sees the first when it adds up the week (tests switch this off to show
    the race)."""
    return Engagement.objects.select_for_update().get(pk=pk)


def entry_log(
    *,
    engagement: Engagement,
    person: Person | None,
    worked_on: dt.date,
    half_days: int,
    note: str = "",
    now: dt.datetime | None = None,
) -> LedgerEntry:
    """The expert logs time; the person who asked is emailed to confirm it."""
    now = now or timezone.now()
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(
            {"note": _("Keep the note under %(n)d characters.") % {"n": NOTE_MAX_LENGTH}}
        )
    with transaction.atomic():
        fresh = _engagement_locked(engagement.pk)
        refusal = entry_refusal(
            fresh,
            person=person,
            worked_on=worked_on,
            half_days=half_days,
            today=timezone.localdate(now),
        )
        if refusal:
            raise ValidationError(refusal)
        assert person is not None
        entry = LedgerEntry(
            engagement=fresh,
            worked_on=worked_on,
            half_days=half_days,
            note=note,
            logged_by=person,
            logged_at=now,
        )
        entry.full_clean()
        entry.save()
        from compagnon.engagements.tasks import entry_logged_send

        _after_commit(entry_logged_send, entry_id=entry.pk)
    return entry


def decide_refusal(entry: LedgerEntry, person: Person | None) -> str:
    if person is None:
        return _("Only the person who asked confirms the expert's time.")
    if person.pk == entry.logged_by_id:
        return _("You cannot confirm or dispute your own time: the person who asked does.")
    if person.pk != entry.engagement.asker_id:
        return _("Only the person who asked confirms the expert's time.")
    if entry.status != EntryStatus.PENDING:
        return _("This entry was already %(status)s.") % {
            "status": EntryStatus(entry.status).label.lower()
        }
    return ""


def entry_decide(
    *,
    entry: LedgerEntry,
    person: Person | None,
    confirm: bool,
    reason: str = "",
    now: dt.datetime | None = None,
) -> LedgerEntry:
    """Confirm an entry, or dispute it with a reason. Pressed twice, or by two people at
    once, it is decided once: the entry's row is locked and its status read again."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not confirm and not reason:
        raise ValidationError({"reason": _("Say why you dispute this time: the expert reads it.")})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": _("Keep the reason under %(n)d characters.") % {"n": REASON_MAX_LENGTH}}
        )
    with transaction.atomic():
        fresh = (
            LedgerEntry.objects.select_for_update().select_related("engagement").get(pk=entry.pk)
        )
        refusal = decide_refusal(fresh, person)
        if refusal:
            raise ValidationError(refusal)
        fresh.status = EntryStatus.CONFIRMED if confirm else EntryStatus.DISPUTED
        fresh.decided_by = person
        fresh.decided_at = now
        fresh.dispute_reason = "" if confirm else reason
        fresh.save(update_fields=["status", "decided_by", "decided_at", "dispute_reason"])
        if not confirm:
            from compagnon.engagements.tasks import entry_disputed_send

            _after_commit(entry_disputed_send, entry_id=fresh.pk)
    return fresh


# --- reports and closing ---------------------------------------------------------------------


def report_refusal(engagement: Engagement, person: Person | None, actor: User | None) -> str:
    if person is None:
        return _("Complete your profile before writing a report.")
    if not (_staff(actor) or person.pk in (engagement.expert_id, engagement.asker_id)):
        return _("The expert, the person who asked and staff write status reports.")
    if engagement.status != EngagementStatus.ACTIVE:
        return _("This engagement is closed: its closing summary is the last word.")
    return ""


def report_add(
    *, engagement: Engagement, person: Person | None, actor: User | None, body: str
) -> StatusReport:
    body = (body or "").strip()
    with transaction.atomic():
        # Read the status again: the page may be older than a close.
        fresh = Engagement.objects.get(pk=engagement.pk)
        refusal = report_refusal(fresh, person, actor)
        if refusal:
            raise PermissionDenied(refusal)
        if not body:
            raise ValidationError({"body": _("Write where the work stands.")})
        report = StatusReport(engagement=fresh, author=person, body=body)
        report.full_clean()
        report.save()
    return report


def engagement_close(
    *,
    engagement: Engagement,
    actor: User,
    summary: str,
    outcome_kind: str = "",
    outcome_title: str = "",
    outcome_url: str = "",
    now: dt.datetime | None = None,
) -> Engagement:
    """Staff close the engagement; an outcome, when given, goes to the knowledge app.

    The outcome is the knowledge app's `Outcome` on the case: the case's chain shows it,
    to those who may see what grew from the case. An anonymised case's outcome names
    no organisation.
    """
    from compagnon.cases.models import Confidentiality
    from compagnon.knowledge.services import outcome_create

    if not _staff(actor):
        raise PermissionDenied(_("Only the club's staff close an engagement."))
    now = now or timezone.now()
    summary = (summary or "").strip()
    if outcome_kind and not outcome_title.strip():
        raise ValidationError({"outcome_title": _("Give the outcome a title.")})
    with transaction.atomic():
        fresh = _engagement_locked(engagement.pk)
        if fresh.status != EngagementStatus.ACTIVE:
            raise ValidationError(_("This engagement is already closed."))
        case = fresh.case
        if outcome_kind:
            organisations = []
            if case.confidentiality != Confidentiality.ANONYMISED and case.organisation is not None:
                organisations = [case.organisation]
            fresh.outcome = outcome_create(
                actor=actor,
                kind=outcome_kind,
                title=outcome_title,
                date=timezone.localdate(now),
                description=summary,
                url=outcome_url,
                organisations=organisations,
                case=case,
            )
        fresh.status = EngagementStatus.CLOSED
        fresh.closing_summary = summary
        fresh.closed_at = now
        fresh.closed_by = actor
        fresh.full_clean()
        fresh.save()
    return fresh


# --- reminders ---------------------------------------------------------------------------------


def entry_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Remind each asker of time still to confirm, once per engagement and ISO week.

    Entries logged in the last two days are left alone (the first email is fresh).
    The email's key holds the ISO week: a second run the same week queues nothing.
    """
    from compagnon.engagements.emails import entry_reminder_render
    from compagnon.engagements.selectors import engagements_with_pending_entries

    now = now or timezone.now()
    queued = 0
    for engagement in engagements_with_pending_entries(logged_before=now - dt.timedelta(days=2)):
        if entry_reminder_render(engagement_id=engagement.pk, now=now):
            queued += 1
    return queued
