"""Filing, editing and moving cases: the rules, the records, and side effects only after commit."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from compagnon.cases.models import (
    Case,
    CaseSource,
    CaseStatus,
    CaseTransition,
    Confidentiality,
)
from compagnon.cases.services import (
    ALLOWED_TRANSITIONS,
    STAFF,
    SYSTEM,
    CaseAlreadyFiled,
    case_create,
    case_transition,
    case_update,
    transitions_for,
)
from compagnon.cases.tests.factories import CaseFactory
from compagnon.core.models import OutboundEmail
from compagnon.members.models import MembershipStatus
from compagnon.members.tests.factories import OrganisationFactory, PersonFactory, TagFactory

pytestmark = pytest.mark.django_db


def file_case(person, **fields):
    fields.setdefault("title", "Sales forecasts broke")
    fields.setdefault("description", "Since 2020 our weekly forecasts are off by 30 %.")
    return case_create(brought_by=person, filed_by=person.user, source=CaseSource.WEB, **fields)


def nothing_written():
    return Case.objects.count() == 0 and CaseTransition.objects.count() == 0


# --- filing -----------------------------------------------------------------------------------


def test_a_case_is_filed_as_a_draft_with_its_record(member_a, org_a, org_b):
    tag = TagFactory(slug="causality")
    case = file_case(
        member_a, tags=[tag], excluded_organisations=[org_b], horizon=timezone.localdate()
    )
    assert case.status == CaseStatus.DRAFT
    assert case.organisation == org_a
    assert case.filed_by == member_a.user
    assert list(case.tags.all()) == [tag]
    assert list(case.excluded_organisations.all()) == [org_b]
    (record,) = case.transitions.all()
    assert (record.from_status, record.to_status, record.actor) == ("", "draft", member_a.user)


def test_the_organisation_is_the_one_at_filing_time(member_a, org_a, org_b):
    case = file_case(member_a)
    member_a.organisation = org_b
    member_a.save()
    case.refresh_from_db()
    assert case.organisation == org_a


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"description": ""}, "description", "This field cannot be blank."),
        ({"description": "   \n "}, "description", "This field cannot be blank."),
        ({"description": "x" * 100_000}, "description", "limited to 20,000 characters"),
        ({"title": ""}, "title", "This field cannot be blank."),
        ({"horizon": timezone.localdate() - timedelta(days=1)}, "horizon", "in the past"),
        ({"language": "de"}, "language", "French or English"),
        ({"interested_needed": 0}, "interested_needed", "between 1 and 50"),
        (
            {"confidentiality": Confidentiality.NAMED_ORGANISATIONS},
            "shared_with",
            "at least one organisation",
        ),
    ],
)
def test_bad_cases_are_refused_whole(member_a, fields, field, message):
    with pytest.raises(ValidationError) as refused:
        file_case(member_a, **fields)
    assert message in " ".join(refused.value.message_dict[field])
    assert nothing_written()


def test_an_organisation_cannot_be_shared_with_and_excluded(member_a, org_b):
    with pytest.raises(ValidationError) as refused:
        file_case(
            member_a,
            confidentiality=Confidentiality.NAMED_ORGANISATIONS,
            shared_with=[org_b],
            excluded_organisations=[org_b],
        )
    assert "both" in str(refused.value.message_dict["excluded_organisations"])
    assert nothing_written()


def test_the_own_organisation_cannot_be_excluded(member_a, org_a):
    with pytest.raises(ValidationError) as refused:
        file_case(member_a, excluded_organisations=[org_a])
    assert "own organisation" in str(refused.value.message_dict["excluded_organisations"])


def test_a_case_is_brought_by_a_member(db):
    lapsed = PersonFactory(
        organisation=OrganisationFactory(status=MembershipStatus.LAPSED), with_account=True
    )
    with pytest.raises(ValidationError) as refused:
        file_case(lapsed)
    assert "no active membership" in str(refused.value.message_dict["brought_by"])
    assert nothing_written()


def test_only_the_person_or_staff_file_for_someone(member_a, member_b, staff_user):
    with pytest.raises(PermissionDenied):
        case_create(
            brought_by=member_a, filed_by=member_b.user, source="web", title="t", description="d"
        )
    case = case_create(
        brought_by=member_a, filed_by=staff_user, source="staff", title="t", description="d"
    )
    assert case.brought_by == member_a and case.source == CaseSource.STAFF


def test_the_same_form_token_files_one_case(member_a):
    first = file_case(member_a, client_token="token-1")
    with pytest.raises(CaseAlreadyFiled) as again:
        file_case(member_a, client_token="token-1", title="Another title")
    assert again.value.case == first
    assert Case.objects.count() == 1
    # Another person may happen to send the same token: it is per person.
    assert file_case(PersonFactory(with_account=True), client_token="token-1")


# --- the lifecycle ------------------------------------------------------------------------------

ALL_STATUSES = list(CaseStatus.values)


@pytest.mark.parametrize(
    ("from_status", "to_status"),
    [(f, t) for f in ALL_STATUSES for t in ALL_STATUSES if f != t],
)
def test_the_lifecycle_table(member_a, staff_user, from_status, to_status):
    case = CaseFactory(brought_by=member_a, status=from_status)
    allowed = ALLOWED_TRANSITIONS.get((from_status, to_status))
    if allowed is None:
        with pytest.raises(ValidationError) as refused:
            case_transition(case=case, to_status=to_status, actor=staff_user, note="why")
        assert refused.value.code == "illegal_transition"
        case.refresh_from_db()
        assert case.status == from_status
        assert not case.transitions.exists()
        return
    # Every move is open to staff or to the system; the owner's share is tested below.
    assert allowed & {STAFF, SYSTEM}
    actor = staff_user if STAFF in allowed else None
    record = case_transition(case=case, to_status=to_status, actor=actor, note="why")
    case.refresh_from_db()
    assert case.status == to_status
    assert (record.from_status, record.to_status, record.actor, record.note) == (
        from_status,
        to_status,
        actor,
        "why",
    )


def test_the_owner_submits_and_withdraws_but_does_not_open(member_a):
    case = file_case(member_a)
    assert transitions_for(case=case, actor=member_a.user) == ["submitted", "closed"]
    case_transition(case=case, to_status=CaseStatus.SUBMITTED, actor=member_a.user)
    with pytest.raises(PermissionDenied):
        case_transition(case=case, to_status=CaseStatus.OPEN, actor=member_a.user)
    case_transition(case=case, to_status=CaseStatus.CLOSED, actor=member_a.user)
    assert list(case.transitions.values_list("to_status", flat=True)) == [
        "draft",
        "submitted",
        "closed",
    ]


def test_someone_else_cannot_move_the_case(member_a, member_b, manager_a):
    case = file_case(member_a)
    for outsider in (member_b, manager_a):
        with pytest.raises(PermissionDenied):
            case_transition(case=case, to_status=CaseStatus.SUBMITTED, actor=outsider.user)
    assert transitions_for(case=case, actor=member_b.user) == []


def test_the_system_cannot_open_a_case(member_a):
    case = CaseFactory(brought_by=member_a, status=CaseStatus.SUBMITTED)
    with pytest.raises(PermissionDenied):
        case_transition(case=case, to_status=CaseStatus.OPEN, actor=None)


def test_an_illegal_move_is_refused_with_a_message(member_a, staff_user):
    case = file_case(member_a)
    with pytest.raises(ValidationError) as refused:
        case_transition(case=case, to_status=CaseStatus.MATCHED, actor=staff_user)
    assert refused.value.messages == ["A case cannot go from “Draft” to “Matched”."]
    assert case.transitions.count() == 1


def test_the_same_move_twice_is_refused(member_a, staff_user):
    case = CaseFactory(brought_by=member_a, status=CaseStatus.SUBMITTED)
    case_transition(case=case, to_status=CaseStatus.OPEN, actor=staff_user)
    stale = Case.objects.get(pk=case.pk)
    with pytest.raises(ValidationError) as refused:
        case_transition(case=stale, to_status=CaseStatus.OPEN, actor=staff_user)
    assert refused.value.code == "same_status"
    assert case.transitions.filter(to_status=CaseStatus.OPEN).count() == 1
    assert OutboundEmail.objects.filter(key__startswith="case-open:").count() == 1


def test_declining_needs_a_reason(member_a, staff_user):
    case = CaseFactory(brought_by=member_a, status=CaseStatus.SUBMITTED)
    with pytest.raises(ValidationError) as refused:
        case_transition(case=case, to_status=CaseStatus.DECLINED, actor=staff_user, note="  ")
    assert "reason" in refused.value.message_dict["note"][0]
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED
    assert not case.transitions.exists()
    assert not OutboundEmail.objects.exists()


def test_declined_then_reopened(member_a, staff_user, django_capture_on_commit_callbacks):
    case = CaseFactory(brought_by=member_a, status=CaseStatus.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        case_transition(
            case=case, to_status=CaseStatus.DECLINED, actor=staff_user, note="Out of scope."
        )
    assert case.decline_reason == "Out of scope."
    (email,) = mail.outbox
    assert email.to == [member_a.email]
    assert "not taken up" in email.subject
    assert "Out of scope." in email.body
    case_transition(case=case, to_status=CaseStatus.SUBMITTED, actor=staff_user)
    case.refresh_from_db()
    assert (case.status, case.decline_reason) == (CaseStatus.SUBMITTED, "")


def test_opening_records_the_date_once(member_a, staff_user):
    case = CaseFactory(brought_by=member_a, status=CaseStatus.SUBMITTED)
    case_transition(case=case, to_status=CaseStatus.OPEN, actor=staff_user)
    opened_at = case.opened_at
    assert opened_at is not None
    case_transition(case=case, to_status=CaseStatus.DECLINED, actor=staff_user, note="dup")
    case_transition(case=case, to_status=CaseStatus.SUBMITTED, actor=staff_user)
    case_transition(case=case, to_status=CaseStatus.OPEN, actor=staff_user)
    case.refresh_from_db()
    assert case.opened_at == opened_at


def test_the_owner_email_leaves_only_after_commit(
    member_a, staff_user, django_capture_on_commit_callbacks
):
    case = CaseFactory(brought_by=member_a, status=CaseStatus.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        case_transition(case=case, to_status=CaseStatus.OPEN, actor=staff_user)
    assert mail.outbox == []
    assert OutboundEmail.objects.filter(to=[member_a.email], sent_at__isnull=True).count() == 1
    for callback in callbacks:
        callback()
    (email,) = mail.outbox
    assert "open for interest" in email.subject
    assert f"/cases/{case.pk}/" in email.body


def test_a_rolled_back_move_sends_nothing(member_a, staff_user, django_capture_on_commit_callbacks):
    case = CaseFactory(brought_by=member_a, status=CaseStatus.SUBMITTED)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        case_transition(case=case, to_status=CaseStatus.OPEN, actor=staff_user)
        raise RuntimeError("something after the move failed")
    assert callbacks == []
    assert mail.outbox == []
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED
    assert not OutboundEmail.objects.exists() and not case.transitions.exists()


def test_matched_by_the_system_tells_the_owner(member_a, django_capture_on_commit_callbacks):
    case = CaseFactory(brought_by=member_a, opened=True, interested_needed=2)
    with django_capture_on_commit_callbacks(execute=True):
        record = case_transition(
            case=case, to_status=CaseStatus.MATCHED, actor=None, note="2 people interested."
        )
    assert record.actor is None
    (email,) = mail.outbox
    assert "ready to work on your case" in email.subject


def test_submitting_sends_no_email(member_a, django_capture_on_commit_callbacks):
    case = file_case(member_a)
    with django_capture_on_commit_callbacks(execute=True):
        case_transition(case=case, to_status=CaseStatus.SUBMITTED, actor=member_a.user)
    assert mail.outbox == []


def test_opening_enqueues_the_announcement_only_when_configured(
    member_a, staff_user, settings, django_capture_on_commit_callbacks, monkeypatch
):
    from compagnon.cases import tasks

    sent = []

    class RecordingTask:
        def enqueue(self, case_id):
            sent.append(case_id)

    monkeypatch.setattr(tasks, "case_announce", RecordingTask())
    settings.CHAT_WEBHOOK_URL = ""
    quiet = CaseFactory(brought_by=member_a, status=CaseStatus.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        case_transition(case=quiet, to_status=CaseStatus.OPEN, actor=staff_user)
    settings.CHAT_WEBHOOK_URL = "http://127.0.0.1:9/hook"
    named = CaseFactory(
        brought_by=member_a,
        status=CaseStatus.SUBMITTED,
        confidentiality=Confidentiality.NAMED_ORGANISATIONS,
    )
    announced = CaseFactory(brought_by=member_a, status=CaseStatus.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        case_transition(case=named, to_status=CaseStatus.OPEN, actor=staff_user)
        case_transition(case=announced, to_status=CaseStatus.OPEN, actor=staff_user)
    assert sent == []  # nothing before commit
    for callback in callbacks:
        callback()
    assert sent == [announced.pk]


# --- editing ------------------------------------------------------------------------------------


def test_the_owner_edits_until_staff_open_it(member_a, staff_user):
    case = file_case(member_a)
    case_update(case=case, actor=member_a.user, title="Better title", tags=[TagFactory()])
    assert Case.objects.get(pk=case.pk).title == "Better title"
    case_transition(case=case, to_status=CaseStatus.SUBMITTED, actor=member_a.user)
    case_update(case=case, actor=member_a.user, title="Even better")
    case_transition(case=case, to_status=CaseStatus.OPEN, actor=staff_user)
    with pytest.raises(PermissionDenied):
        case_update(case=case, actor=member_a.user, title="Too late")
    case_update(case=case, actor=staff_user, title="Staff fix")
    assert Case.objects.get(pk=case.pk).title == "Staff fix"


def test_others_cannot_edit(member_a, member_b, manager_a):
    case = file_case(member_a)
    for outsider in (member_b, manager_a):
        with pytest.raises(PermissionDenied):
            case_update(case=case, actor=outsider.user, title="Mine now")


def test_a_refused_edit_changes_nothing(member_a):
    case = file_case(member_a, tags=[TagFactory(slug="kept")])
    with pytest.raises(ValidationError):
        case_update(case=case, actor=member_a.user, title="New", description="x" * 20_001)
    case.refresh_from_db()
    assert case.title == "Sales forecasts broke"
    assert case.title == Case.objects.get(pk=case.pk).title
    assert [t.slug for t in case.tags.all()] == ["kept"]


def test_a_past_date_already_there_does_not_block_an_edit(member_a):
    case = file_case(member_a)
    Case.objects.filter(pk=case.pk).update(horizon=timezone.localdate() - timedelta(days=30))
    case.refresh_from_db()
    case_update(case=case, actor=member_a.user, title="Still fine", horizon=case.horizon)
    with pytest.raises(ValidationError):
        case_update(
            case=case, actor=member_a.user, horizon=timezone.localdate() - timedelta(days=1)
        )


@pytest.mark.parametrize("title", ["Forecasts\r\nbroke", "Forecasts\nbroke", "Forecasts\rbroke"])
def test_line_breaks_in_a_title_become_spaces(member_a, staff_user, title):
    case = file_case(member_a, title=title)
    assert Case.objects.get(pk=case.pk).title == "Forecasts broke"

    case_update(case=case, actor=member_a.user, title="Still\r\n\r\nbroken")
    assert Case.objects.get(pk=case.pk).title == "Still broken"
