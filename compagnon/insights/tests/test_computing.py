"""A page with no snapshot computes nothing in the request: it queues one computation (after
commit, once however often the page is reloaded), shows its progress (HTMX polling), then the
figures."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from compagnon.insights import services
from compagnon.insights.models import Snapshot, SnapshotRun, SnapshotRunStatus
from compagnon.insights.services import STAGES, snapshot_run_execute, snapshot_run_request
from compagnon.members.models import MembershipType, RoleFamily
from compagnon.members.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _page(organisation):
    return reverse("insights:organisation", args=[organisation.slug])


def _progress(organisation):
    return reverse("insights:organisation_progress", args=[organisation.slug])


def test_a_page_without_snapshot_queues_one_computation_and_shows_progress(
    client_of, manager_a, org_a, django_capture_on_commit_callbacks
):
    client = client_of(manager_a)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = client.get(_page(org_a))
        again = client.get(_page(org_a))

    assert first.status_code == again.status_code == 200
    assert 'data-testid="insights-computing"' in first.text
    assert f'hx-get="{_progress(org_a)}"' in first.text and 'hx-trigger="every 2s"' in first.text
    assert "<progress" in first.text
    assert not Snapshot.objects.exists()  # nothing computed in the request
    run = SnapshotRun.objects.get()  # one run, however many reloads
    assert run.status == SnapshotRunStatus.QUEUED and run.organisation == org_a
    assert len(callbacks) == 1  # enqueued once, after commit


def test_the_queued_computation_runs_and_the_page_then_shows_the_figures(
    client_of, manager_a, org_a, django_capture_on_commit_callbacks
):
    client = client_of(manager_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(_page(org_a))  # the test task backend runs the task at once

    run = SnapshotRun.objects.get()
    assert run.status == SnapshotRunStatus.DONE and run.step == run.steps == len(STAGES)
    assert Snapshot.objects.filter(organisation=org_a).exists()
    progress = client.get(_progress(org_a), headers={"HX-Request": "true"})
    assert progress["HX-Refresh"] == "true"
    assert "hx-trigger" not in progress.text
    page = client.get(_page(org_a))
    assert 'data-testid="insights-computed"' in page.text
    assert 'data-testid="insights-computing"' not in page.text


def test_progress_while_running_tells_the_step(client_of, manager_a, org_a):
    SnapshotRun.objects.create(
        organisation=org_a, status=SnapshotRunStatus.RUNNING, step=3, steps=len(STAGES)
    )
    response = client_of(manager_a).get(_progress(org_a), headers={"HX-Request": "true"})

    assert "Step 4 of 7" in response.text
    assert 'value="43"' in response.text
    assert 'hx-trigger="every 2s"' in response.text
    assert "HX-Refresh" not in response


def test_each_step_is_reported(org_a, monkeypatch):
    seen: list[tuple[str, int]] = []
    real = services.snapshot_compute

    def spy(*, organisation, progress=None):
        def record(stage):
            progress(stage)
            seen.append((stage, SnapshotRun.objects.get().step))

        return real(organisation=organisation, progress=record)

    monkeypatch.setattr(services, "snapshot_compute", spy)
    PersonFactory(  # one tenure: the retention steps run
        organisation=org_a,
        role_family=RoleFamily.DATA_SCIENTIST,
        membership_type=MembershipType.EMPLOYEE,
        joined_organisation_on=dt.date(2021, 3, 1),
    )
    run = SnapshotRun.objects.create(organisation=org_a, steps=len(STAGES))
    snapshot_run_execute(run_id=run.pk)

    assert [stage for stage, _step in seen] == list(STAGES)
    assert [step for _stage, step in seen] == list(range(len(STAGES)))


def test_running_a_run_twice_computes_once(org_a, monkeypatch):
    calls = []
    real = services.snapshot_compute
    monkeypatch.setattr(services, "snapshot_compute", lambda **kw: calls.append(1) or real(**kw))
    run = SnapshotRun.objects.create(organisation=org_a, steps=len(STAGES))

    assert snapshot_run_execute(run_id=run.pk) > 0
    assert snapshot_run_execute(run_id=run.pk) == 0  # delivered twice: left alone
    assert len(calls) == 1


def test_only_one_active_run_per_scope(org_a, org_b):
    SnapshotRun.objects.create(organisation=org_a)
    SnapshotRun.objects.create(organisation=org_b)
    SnapshotRun.objects.create(organisation=None)
    SnapshotRun.objects.create(organisation=org_a, status=SnapshotRunStatus.DONE)
    with pytest.raises(IntegrityError):
        SnapshotRun.objects.create(organisation=org_a, status=SnapshotRunStatus.RUNNING)


def test_club_scope_has_one_active_run_too():
    SnapshotRun.objects.create(organisation=None)
    with pytest.raises(IntegrityError):
        SnapshotRun.objects.create(organisation=None, status=SnapshotRunStatus.RUNNING)


def test_a_failed_computation_says_so_and_the_next_visit_asks_again(
    client_of, manager_a, org_a, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise RuntimeError("lifelines exploded")

    monkeypatch.setattr(services, "figures_compute", broken)
    client = client_of(manager_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(_page(org_a))
    run = SnapshotRun.objects.get()
    assert run.status == SnapshotRunStatus.FAILED and "exploded" in run.error

    progress = client.get(_progress(org_a), headers={"HX-Request": "true"})
    assert "could not be computed" in progress.text and "hx-trigger" not in progress.text
    with django_capture_on_commit_callbacks(execute=False):
        client.get(_page(org_a))
    assert SnapshotRun.objects.filter(status=SnapshotRunStatus.QUEUED).count() == 1


def test_an_abandoned_run_is_replaced(org_a, django_capture_on_commit_callbacks):
    old = SnapshotRun.objects.create(
        organisation=org_a, requested_at=timezone.now() - dt.timedelta(hours=2)
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = snapshot_run_request(organisation=org_a)

    assert run.pk != old.pk
    old.refresh_from_db()
    assert old.status == SnapshotRunStatus.FAILED
    assert len(callbacks) == 1


def test_the_club_page_without_snapshot_does_not_compute(
    client_of, staff_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        response = client_of(staff_user).get(reverse("insights:club"))
    assert reverse("insights:club_progress") in response.text
    assert not Snapshot.objects.exists()


def test_the_pdf_without_snapshot_says_the_figures_are_coming(
    client_of, manager_a, org_a, monkeypatch, django_capture_on_commit_callbacks
):
    import weasyprint

    rendered: list[str] = []

    class FakeHTML:
        def __init__(self, *, string, base_url):
            rendered.append(string)

        def write_pdf(self, stylesheets):
            return b"%PDF-1.7 fake"

    monkeypatch.setattr(weasyprint, "HTML", FakeHTML)
    with django_capture_on_commit_callbacks(execute=False):
        response = client_of(manager_a).get(reverse("insights:organisation_pdf", args=[org_a.slug]))
    assert response.status_code == 200
    assert "being computed" in rendered[0]
    assert not Snapshot.objects.exists()
    assert SnapshotRun.objects.filter(organisation=org_a).count() == 1
