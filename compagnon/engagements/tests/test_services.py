"""Setting up, logging, confirming, reporting and closing: each refusal says why and
writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from compagnon.cases.models import CaseStatus, CaseTransition
from compagnon.core.models import OutboundEmail
from compagnon.engagements import services
from compagnon.engagements.models import Engagement, EngagementStatus, EntryStatus, LedgerEntry
from compagnon.engagements.tests.conftest import TODAY, make_case, make_engagement
from compagnon.knowledge.models import Outcome
from compagnon.members.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


# --- set up ----------------------------------------------------------------------------------


def test_staff_set_up_an_engagement_and_the_matched_case_is_planned(
    today, staff_user, member_a, member_b, committed
):
    case = make_case(member_a)
    engagement = committed(
        services.engagement_create,
        actor=staff_user,
        case=case,
        expert=member_b,
        scope="Help",
        starts_on=today,
        ends_on=today + dt.timedelta(weeks=6),
        half_days_per_week=2,
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.PLANNED
    assert engagement.asker == member_a and engagement.organisation_shown_to_expert
    keys = set(OutboundEmail.objects.values_list("key", flat=True))
    assert keys == {
        f"engagements:started:{engagement.pk}:expert",
        f"engagements:started:{engagement.pk}:asker",
    }


def test_an_open_case_goes_through_matched_to_planned(today, staff_user, member_a, member_b):
    case = make_case(member_a, status="open")
    make_engagement(staff_user, case, member_b)
    case.refresh_from_db()
    assert case.status == CaseStatus.PLANNED
    assert list(case.transitions.values_list("to_status", flat=True)) == ["matched", "planned"]


def test_an_anonymised_case_hides_the_organisation_from_the_expert_by_default(
    today, staff_user, member_a, member_b
):
    case = make_case(member_a, confidentiality="anonymised")
    assert not make_engagement(staff_user, case, member_b).organisation_shown_to_expert


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("bringer", "cannot be its expert"),
        ("guest", "must be a member of the club"),
        ("excluded", "not shared with this person's organisation"),
    ],
)
def test_set_up_refuses_an_unfit_expert_and_writes_nothing(
    today, staff_user, member_a, member_b, who, message
):
    case = make_case(member_a)
    case.excluded_organisations.add(member_b.organisation)
    expert = {
        "bringer": member_a,
        "guest": PersonFactory(organisation=None, membership_type="guest"),
        "excluded": member_b,
    }[who]
    with pytest.raises(ValidationError, match=message):
        make_engagement(staff_user, case, expert)
    assert not Engagement.objects.exists()
    assert not CaseTransition.objects.filter(case=case).exists()


def test_set_up_refuses_a_draft_case_and_members(today, staff_user, member_a, member_b):
    with pytest.raises(ValidationError, match="open, matched or planned"):
        make_engagement(staff_user, make_case(member_a, status="draft"), member_b)
    with pytest.raises(PermissionDenied):
        make_engagement(member_a.user, make_case(member_a), member_b)
    assert not Engagement.objects.exists()


def test_set_up_refuses_dates_backwards_or_too_long(today, staff_user, member_a, member_b):
    case = make_case(member_a)
    with pytest.raises(ValidationError, match="after the start"):
        make_engagement(
            staff_user, case, member_b, starts_on=today, ends_on=today - dt.timedelta(1)
        )
    with pytest.raises(ValidationError, match="under 26 weeks"):
        make_engagement(
            staff_user, case, member_b, starts_on=today, ends_on=today + dt.timedelta(weeks=30)
        )
    assert not Engagement.objects.exists()


# --- the ledger --------------------------------------------------------------------------------


def _log(engagement, person, day, half_days=1, **kwargs):
    return services.entry_log(
        engagement=engagement, person=person, worked_on=day, half_days=half_days, **kwargs
    )


def test_the_expert_logs_and_the_asker_is_asked_to_confirm(engagement, member_b, committed):
    entry = committed(
        services.entry_log,
        engagement=engagement,
        person=member_b,
        worked_on=TODAY,
        half_days=2,
        note="Feature review",
    )
    assert entry.status == EntryStatus.PENDING
    email = OutboundEmail.objects.get(key=f"engagements:entry-logged:{entry.pk}")
    assert email.to == ["ada@alpha.example"]
    assert "Feature review" in email.body_text and "please confirm" in email.subject


def test_logging_beyond_the_agreed_week_is_refused_with_a_clear_message(engagement, member_b):
    monday = TODAY - dt.timedelta(days=2)
    _log(engagement, member_b, monday)
    _log(engagement, member_b, monday + dt.timedelta(days=1))
    with pytest.raises(ValidationError) as refused:
        _log(engagement, member_b, TODAY)
    text = " ".join(refused.value.messages)
    assert "The agreed time is 1 day a week" in text
    assert "Week 12 of 2026 (from 2026-03-16) already has 1 day logged" in text
    assert "0 day can still be logged" in text
    assert LedgerEntry.objects.count() == 2


def test_disputed_time_no_longer_counts_against_the_week(engagement, member_a, member_b):
    entry = _log(engagement, member_b, TODAY, 2)
    services.entry_decide(entry=entry, person=member_a, confirm=False, reason="I was away")
    assert _log(engagement, member_b, TODAY, 2).status == EntryStatus.PENDING


@pytest.mark.parametrize(
    ("day", "half_days", "message"),
    [
        (TODAY + dt.timedelta(days=1), 1, "in the future"),
        (TODAY - dt.timedelta(days=60), 1, "outside the engagement"),
        (TODAY, 3, "half a day or a full day"),
    ],
)
def test_logging_refuses_bad_dates_and_amounts(engagement, member_b, day, half_days, message):
    with pytest.raises(ValidationError, match=message):
        _log(engagement, member_b, day, half_days)
    assert not LedgerEntry.objects.exists()


def test_a_day_holds_two_half_days(today, staff_user, member_a, member_b):
    engagement = make_engagement(staff_user, make_case(member_a), member_b, half_days_per_week=4)
    _log(engagement, member_b, TODAY, 2)
    with pytest.raises(ValidationError, match="two half-days at most"):
        _log(engagement, member_b, TODAY, 1)


def test_only_the_expert_logs_and_only_while_running(engagement, member_a, member_b, staff_user):
    with pytest.raises(ValidationError, match="Only the expert"):
        _log(engagement, member_a, TODAY)
    services.engagement_close(engagement=engagement, actor=staff_user, summary="Done")
    with pytest.raises(ValidationError, match="closed"):
        _log(engagement, member_b, TODAY)
    assert not LedgerEntry.objects.exists()


def test_a_note_too_long_is_refused(engagement, member_b):
    with pytest.raises(ValidationError, match="under 500 characters"):
        _log(engagement, member_b, TODAY, note="x" * 501)


def test_the_asker_confirms_once(engagement, member_a, member_b):
    entry = _log(engagement, member_b, TODAY)
    decided = services.entry_decide(entry=entry, person=member_a, confirm=True)
    assert decided.status == EntryStatus.CONFIRMED and decided.decided_by == member_a
    with pytest.raises(ValidationError, match="already confirmed"):
        services.entry_decide(entry=entry, person=member_a, confirm=True)


def test_nobody_confirms_their_own_entry_nor_someone_elses_engagement(
    engagement, member_b, manager_a, staff_user
):
    entry = _log(engagement, member_b, TODAY)
    with pytest.raises(ValidationError, match="cannot confirm or dispute your own"):
        services.entry_decide(entry=entry, person=member_b, confirm=True)
    with pytest.raises(ValidationError, match="Only the person who asked"):
        services.entry_decide(entry=entry, person=manager_a, confirm=True)
    with pytest.raises(ValidationError, match="Only the person who asked"):
        services.entry_decide(entry=entry, person=staff_user.person, confirm=True)
    entry.refresh_from_db()
    assert entry.status == EntryStatus.PENDING and entry.decided_at is None


def test_a_dispute_needs_a_reason_and_tells_the_expert(engagement, member_a, member_b, committed):
    entry = _log(engagement, member_b, TODAY)
    with pytest.raises(ValidationError, match="Say why"):
        services.entry_decide(entry=entry, person=member_a, confirm=False, reason="  ")
    committed(
        services.entry_decide, entry=entry, person=member_a, confirm=False, reason="Not that day"
    )
    email = OutboundEmail.objects.get(key=f"engagements:entry-disputed:{entry.pk}")
    assert email.to == ["bruno@beta.example"]
    assert "Ada Martin disputed" in email.body_text and "Not that day" in email.body_text


def test_a_dispute_on_an_anonymised_case_does_not_name_the_asker_to_the_expert(
    today, staff_user, member_a, member_b, committed
):
    case = make_case(member_a, confidentiality="anonymised")
    engagement = committed(lambda: make_engagement(staff_user, case, member_b))
    entry = _log(engagement, member_b, TODAY)
    committed(services.entry_decide, entry=entry, person=member_a, confirm=False, reason="No")
    started = OutboundEmail.objects.get(key=f"engagements:started:{engagement.pk}:expert")
    disputed = OutboundEmail.objects.get(key=f"engagements:entry-disputed:{entry.pk}")
    for email in (started, disputed):
        assert "Ada" not in email.body_text and "Martin" not in email.body_text
        assert "Alpha" not in email.body_text
    assert "The person who asked disputed" in disputed.body_text


# --- reminders -------------------------------------------------------------------------------


def test_the_weekly_reminder_is_sent_once_per_iso_week(engagement, member_b, time_machine):
    _log(engagement, member_b, TODAY - dt.timedelta(days=1))
    assert services.entry_reminders_send() == 0  # logged yesterday: the first email is fresh
    time_machine.move_to(dt.datetime(2026, 3, 21, 9, 0, tzinfo=dt.UTC), tick=False)
    assert services.entry_reminders_send() == 1
    assert services.entry_reminders_send() == 0
    time_machine.move_to(dt.datetime(2026, 3, 22, 9, 0, tzinfo=dt.UTC), tick=False)
    assert services.entry_reminders_send() == 0  # Sunday: still ISO week 12
    time_machine.move_to(dt.datetime(2026, 3, 23, 9, 0, tzinfo=dt.UTC), tick=False)
    assert services.entry_reminders_send() == 1
    keys = sorted(
        OutboundEmail.objects.filter(key__contains="reminder").values_list("key", flat=True)
    )
    assert keys == [
        f"engagements:reminder:{engagement.pk}:2026-W12",
        f"engagements:reminder:{engagement.pk}:2026-W13",
    ]


def test_no_reminder_once_everything_is_decided(engagement, member_a, member_b, time_machine):
    entry = _log(engagement, member_b, TODAY)
    services.entry_decide(entry=entry, person=member_a, confirm=True)
    time_machine.move_to(dt.datetime(2026, 3, 27, 9, 0, tzinfo=dt.UTC), tick=False)
    assert services.entry_reminders_send() == 0


# --- reports and closing ---------------------------------------------------------------------


def test_reports_by_the_expert_the_asker_and_staff_only(
    engagement, member_a, member_b, manager_a, staff_user
):
    for person, user in (
        (member_b, member_b.user),
        (member_a, member_a.user),
        (staff_user.person, staff_user),
    ):
        services.report_add(engagement=engagement, person=person, actor=user, body="Week 2 done")
    with pytest.raises(PermissionDenied):
        services.report_add(engagement=engagement, person=manager_a, actor=manager_a.user, body="x")
    with pytest.raises(ValidationError, match="Write where"):
        services.report_add(engagement=engagement, person=member_b, actor=member_b.user, body=" ")
    assert engagement.reports.count() == 3
    services.engagement_close(engagement=engagement, actor=staff_user, summary="Done")
    with pytest.raises(PermissionDenied, match="closed"):
        services.report_add(engagement=engagement, person=member_b, actor=member_b.user, body="x")


def test_closing_records_the_knowledge_outcome_on_the_case(engagement, staff_user, member_a):
    closed = services.engagement_close(
        engagement=engagement,
        actor=staff_user,
        summary="The new model is in production.",
        outcome_kind="open_source",
        outcome_title="forecast-kit",
        outcome_url="https://example.org/forecast-kit",
    )
    assert closed.status == EngagementStatus.CLOSED and closed.closed_by == staff_user
    outcome = Outcome.objects.get()
    assert closed.outcome == outcome and outcome.case == engagement.case
    assert list(outcome.organisations.all()) == [member_a.organisation]
    with pytest.raises(ValidationError, match="already closed"):
        services.engagement_close(engagement=engagement, actor=staff_user, summary="")


def test_an_anonymised_case_outcome_names_no_organisation(today, staff_user, member_a, member_b):
    engagement = make_engagement(
        staff_user, make_case(member_a, confidentiality="anonymised"), member_b
    )
    services.engagement_close(
        engagement=engagement, actor=staff_user, summary="", outcome_kind="other", outcome_title="A"
    )
    assert not Outcome.objects.get().organisations.exists()


def test_closing_with_an_untitled_outcome_is_refused_and_writes_nothing(engagement, staff_user):
    with pytest.raises(ValidationError, match="title"):
        services.engagement_close(
            engagement=engagement, actor=staff_user, summary="", outcome_kind="other"
        )
    engagement.refresh_from_db()
    assert engagement.status == EngagementStatus.ACTIVE and not Outcome.objects.exists()


def test_only_staff_close(engagement, member_a):
    with pytest.raises(PermissionDenied):
        services.engagement_close(engagement=engagement, actor=member_a.user, summary="")


def test_the_tick_command_queues_the_reminders(engagement, member_b, time_machine):
    from io import StringIO

    from django.core.management import call_command

    _log(engagement, member_b, TODAY)
    time_machine.move_to(dt.datetime(2026, 3, 21, 9, 0, tzinfo=dt.UTC), tick=False)
    out = StringIO()
    call_command("engagements_tick", stdout=out)
    call_command("engagements_tick", stdout=out)
    assert out.getvalue().splitlines() == [
        "engagement reminders queued: 1",
        "engagement reminders queued: 0",
    ]
