"""Workshop reports: who writes them, saving, preview, publishing, bad input, the workshop partial."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.loader import render_to_string
from django.urls import reverse

from compagnon.knowledge.models import Report, ReportStatus, SearchDocument, Visibility
from compagnon.knowledge.selectors import report_for_workshop
from compagnon.knowledge.services import report_publish, report_save, report_unpublish
from compagnon.knowledge.tests.factories import make_report, make_workshop
from compagnon.members.selectors import ANONYMOUS, viewer_for

pytestmark = pytest.mark.django_db


def _edit_url(workshop):
    return reverse("knowledge:report_edit", kwargs={"workshop_pk": workshop.pk})


def test_host_writes_saves_and_publishes(client_of, member_a, workshop_a):
    client = client_of(member_a)
    assert client.get(_edit_url(workshop_a)).status_code == 200
    data = {
        "title": "Forecasting after Covid: what we learned",
        "question": "Durable break or passing shock?",
        "what_worked": "Weekly **gradient boosting**.",
        "visibility": "members",
        "action": "save",
    }
    response = client.post(_edit_url(workshop_a), data)
    assert response.status_code == 302
    report = Report.objects.get(workshop=workshop_a)
    assert report.status == ReportStatus.DRAFT and list(report.authors.all()) == [member_a]
    response = client.post(_edit_url(workshop_a), {**data, "action": "publish"})
    report.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    assert report.status == ReportStatus.PUBLISHED and report.published_at is not None
    page = client.get(report.get_absolute_url()).content.decode()
    assert "<strong>gradient boosting</strong>" in page and "What worked" in page


def test_preview_saves_nothing(client_of, member_a, workshop_a):
    client = client_of(member_a)
    data = {"title": "T", "what_worked": "**bold** idea", "visibility": "members"}
    response = client.post(_edit_url(workshop_a), {**data, "action": "preview"})
    assert response.status_code == 200
    assert "<strong>bold</strong>" in response.content.decode()
    assert not Report.objects.exists()
    # With HTMX, only the preview fragment comes back.
    response = client.post(
        _edit_url(workshop_a), {**data, "action": "preview"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert "<html" not in body and "<strong>bold</strong>" in body


def test_unpublish_hides_it_again(client_of, member_a, member_b, workshop_a):
    report = make_report(workshop=workshop_a, actor=member_a.user)
    assert client_of(member_b).get(report.get_absolute_url()).status_code == 200
    client_of(member_a).post(_edit_url(workshop_a), {"action": "unpublish"})
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    assert client_of(member_b).get(report.get_absolute_url()).status_code == 404


# --- bad input ---------------------------------------------------------------------------------


def test_a_member_who_does_not_host_gets_403(client_of, member_b, workshop_a):
    assert client_of(member_b).get(_edit_url(workshop_a)).status_code == 403
    response = client_of(member_b).post(
        _edit_url(workshop_a), {"title": "Mine", "what_worked": "x", "visibility": "members"}
    )
    assert response.status_code == 403
    assert not Report.objects.exists()
    with pytest.raises(PermissionDenied):
        report_save(workshop=workshop_a, actor=member_b.user, what_worked="x")


def test_a_workshop_the_member_cannot_see_is_404(client_of, member_a, member_b, org_b):
    hidden = make_workshop(hosts=[member_a], excluded=[org_b])
    assert client_of(member_b).get(_edit_url(hidden)).status_code == 404
    assert (
        client_of(member_b).get(_edit_url(hidden).replace(str(hidden.pk), "999999")).status_code
        == 404
    )


def test_publishing_an_empty_report_is_refused(client_of, member_a, workshop_a):
    response = client_of(member_a).post(
        _edit_url(workshop_a), {"title": "Empty", "visibility": "members", "action": "publish"}
    )
    assert response.status_code == 400
    assert "Write at least one section before publishing" in response.content.decode()
    # The draft was saved, but nothing was published or indexed as published.
    report = Report.objects.get(workshop=workshop_a)
    assert report.status == ReportStatus.DRAFT


def test_a_too_long_section_is_refused_whole(client_of, member_a, workshop_a):
    response = client_of(member_a).post(
        _edit_url(workshop_a),
        {"title": "T", "what_worked": "x" * 20_001, "visibility": "members", "action": "publish"},
    )
    assert response.status_code == 400
    assert "A section is limited to 20000 characters" in response.content.decode()
    assert not Report.objects.exists() and not SearchDocument.objects.exists()


def test_an_unknown_visibility_is_refused(member_a, workshop_a):
    report = report_save(workshop=workshop_a, actor=member_a.user, what_worked="x")
    with pytest.raises(ValidationError):
        report_publish(report=report, actor=member_a.user, visibility="world")
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_script_in_a_section_is_not_run(client_of, member_a, workshop_a):
    report = make_report(
        workshop=workshop_a, actor=member_a.user, what_worked="<script>alert(1)</script> ok"
    )
    page = client_of(member_a).get(report.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_staff_may_write_any_report(staff_user, workshop_a):
    report = report_save(workshop=workshop_a, actor=staff_user, what_worked="x")
    report_unpublish(report=report_publish(report=report, actor=staff_user), actor=staff_user)


# --- the workshop page partial --------------------------------------------------------------------


def test_workshop_partial(member_a, member_b, workshop_a):
    host_view = report_for_workshop(workshop=workshop_a, viewer=viewer_for(member_a.user))
    html = render_to_string("knowledge/_workshop_report.html", {"workshop_report": host_view})
    assert "Write the report" in html
    other = report_for_workshop(workshop=workshop_a, viewer=viewer_for(member_b.user))
    assert not other.shown
    assert (
        render_to_string("knowledge/_workshop_report.html", {"workshop_report": other}).strip()
        == ""
    )
    report = make_report(workshop=workshop_a, actor=member_a.user, visibility=Visibility.PUBLIC)
    other = report_for_workshop(workshop=workshop_a, viewer=viewer_for(member_b.user))
    html = render_to_string("knowledge/_workshop_report.html", {"workshop_report": other})
    assert report.get_absolute_url() in html and "Edit the report" not in html
    # A visitor does not see a public report of a members-only workshop? They do: public is public.
    assert report_for_workshop(workshop=workshop_a, viewer=ANONYMOUS).report == report
