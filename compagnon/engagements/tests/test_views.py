"""The pages: refusals come back on the page (400) and nothing is written; Markdown is
sanitised; the case page and the profile show what they should, to whom they should."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from compagnon.engagements import services
from compagnon.engagements.models import Engagement, EntryStatus, LedgerEntry
from compagnon.engagements.tests.conftest import TODAY, make_case, make_engagement

pytestmark = pytest.mark.django_db


def test_the_week_cap_refusal_is_shown_on_the_page_and_nothing_is_written(
    engagement, member_b, client_of
):
    services.entry_log(engagement=engagement, person=member_b, worked_on=TODAY, half_days=2)
    response = client_of(member_b).post(
        reverse("engagements:entry_log", args=[engagement.pk]),
        {"worked_on": (TODAY - dt.timedelta(days=1)).isoformat(), "half_days": "1", "note": "More"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "The agreed time is 1 day a week" in page
    assert 'value="More"' in page  # what was typed is kept
    assert LedgerEntry.objects.count() == 1


def test_the_asker_confirms_from_the_page(engagement, member_a, member_b, client_of):
    entry = services.entry_log(engagement=engagement, person=member_b, worked_on=TODAY, half_days=1)
    page = client_of(member_a).get(engagement.get_absolute_url()).content.decode()
    assert 'data-testid="entry-confirm"' in page and 'data-testid="entry-form"' not in page
    response = client_of(member_a).post(
        reverse("engagements:entry_decide", args=[entry.pk]), {"action": "confirm"}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == EntryStatus.CONFIRMED


def test_the_expert_sees_no_confirm_button_and_cannot_confirm_by_posting(
    engagement, member_b, client_of
):
    entry = services.entry_log(engagement=engagement, person=member_b, worked_on=TODAY, half_days=1)
    client = client_of(member_b)
    assert (
        'data-testid="entry-confirm"'
        not in client.get(engagement.get_absolute_url()).content.decode()
    )
    response = client.post(
        reverse("engagements:entry_decide", args=[entry.pk]), {"action": "confirm"}
    )
    assert response.status_code == 400
    assert "cannot confirm or dispute your own" in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == EntryStatus.PENDING


def test_a_dispute_without_reason_is_refused_on_the_page(engagement, member_a, member_b, client_of):
    entry = services.entry_log(engagement=engagement, person=member_b, worked_on=TODAY, half_days=1)
    response = client_of(member_a).post(
        reverse("engagements:entry_decide", args=[entry.pk]), {"action": "dispute", "reason": ""}
    )
    assert response.status_code == 400
    assert "Say why you dispute this time" in response.content.decode()


def test_reports_and_scope_are_sanitised(engagement, member_b, client_of):
    client = client_of(member_b)
    client.post(
        reverse("engagements:report_add", args=[engagement.pk]),
        {"body": "**Baseline** runs <script>alert(1)</script> [x](javascript:alert(1))"},
    )
    page = client.get(engagement.get_absolute_url()).content.decode()
    assert "<strong>Baseline</strong>" in page
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert 'href="javascript' not in page
    assert "<strong>forecasts</strong>" in page  # the scope's Markdown


def test_set_up_from_the_case_page(today, staff_user, member_a, member_b, client_of):
    case = make_case(member_a)
    client = client_of(staff_user)
    page = client.get(case.get_absolute_url()).content.decode()
    assert 'data-testid="case-engagement-set-up"' in page
    response = client.post(
        reverse("engagements:create", args=[case.pk]),
        {
            "expert_email": member_b.email.upper(),
            "scope": "Two days a week",
            "starts_on": TODAY.isoformat(),
            "ends_on": (TODAY + dt.timedelta(weeks=8)).isoformat(),
            "half_days_per_week": "4",
        },
    )
    engagement = Engagement.objects.get()
    assert response.status_code == 302 and response["Location"] == engagement.get_absolute_url()
    page = client_of(member_a).get(case.get_absolute_url()).content.decode()
    assert 'data-testid="case-engagements"' in page and "Bruno Petit" in page
    assert 'data-testid="case-engagement-set-up"' not in page


def test_set_up_form_keeps_what_was_typed_on_a_refusal(today, staff_user, member_a, client_of):
    case = make_case(member_a)
    response = client_of(staff_user).post(
        reverse("engagements:create", args=[case.pk]),
        {
            "expert_email": member_a.email,
            "scope": "Kept scope",
            "starts_on": TODAY.isoformat(),
            "ends_on": TODAY.isoformat(),
            "half_days_per_week": "2",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "cannot be its expert" in page and "Kept scope" in page
    assert not Engagement.objects.exists()


def test_an_anonymised_case_engagement_hides_the_asker_from_the_expert_and_other_members(
    today, staff_user, member_a, member_b, client_of
):
    case = make_case(member_a, confidentiality="anonymised")
    engagement = make_engagement(staff_user, case, member_b)
    page = client_of(member_b).get(engagement.get_absolute_url()).content.decode()
    assert "Ada Martin" not in page and "Alpha Corp" not in page
    assert "a member organisation" in page
    listing = client_of(member_b).get(reverse("engagements:list")).content.decode()
    assert "Alpha Corp" not in listing and "Ada Martin" not in listing
    # The case page itself: member_b sees the case, but not who is behind its engagement.
    case_page = client_of(member_b).get(case.get_absolute_url()).content.decode()
    assert "Ada Martin" not in case_page and "Alpha Corp" not in case_page


def test_when_the_organisation_agreed_the_expert_sees_who_asked(
    today, staff_user, member_a, member_b, client_of
):
    case = make_case(member_a, confidentiality="anonymised")
    engagement = make_engagement(staff_user, case, member_b, organisation_shown_to_expert=True)
    page = client_of(member_b).get(engagement.get_absolute_url()).content.decode()
    assert "Ada Martin" in page and "Alpha Corp" in page


def test_the_profile_shows_time_given(engagement, member_a, member_b, client_of):
    profile = reverse("members:person_detail", args=[member_b.pk])
    assert (
        'data-testid="profile-time-given"' not in client_of(member_a).get(profile).content.decode()
    )
    for day in (TODAY, TODAY - dt.timedelta(days=7)):
        entry = services.entry_log(
            engagement=engagement, person=member_b, worked_on=day, half_days=2
        )
        services.entry_decide(entry=entry, person=member_a, confirm=True)
    page = client_of(member_a).get(profile).content.decode()
    assert 'data-testid="profile-time-given"' in page
    assert "<strong>2</strong> days of expert help" in page
    # Figures only: the case is not named on the profile.
    assert engagement.case.title not in page


def test_close_page_records_the_outcome(engagement, staff_user, client_of):
    response = client_of(staff_user).post(
        reverse("engagements:close", args=[engagement.pk]),
        {"summary": "In production", "outcome_kind": "other", "outcome_title": "A new model"},
    )
    assert response.status_code == 302
    page = client_of(staff_user).get(engagement.get_absolute_url()).content.decode()
    assert "A new model" in page and 'data-testid="engagement-closing"' in page
    assert 'data-testid="entry-form"' not in page


def test_an_anonymised_case_report_written_by_the_asker_does_not_name_them_to_the_expert(
    today, staff_user, member_a, member_b, client_of
):
    case = make_case(member_a, confidentiality="anonymised")
    engagement = make_engagement(staff_user, case, member_b)
    services.report_add(
        engagement=engagement, person=member_a, actor=member_a.user, body="Data is ready."
    )
    page = client_of(member_b).get(engagement.get_absolute_url()).content.decode()
    assert "Data is ready." in page
    assert "Ada Martin" not in page and "Alpha Corp" not in page
    # The asker still sees their own name on what they wrote.
    assert "Ada Martin" in client_of(member_a).get(engagement.get_absolute_url()).content.decode()
