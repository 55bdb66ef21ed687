"""Background work for insights: snapshots (idempotent: each run replaces the snapshot)."""

from __future__ import annotations

from django_tasks import task

from compagnon.insights.services import (
    snapshot_compute,
    snapshot_run_execute,
    snapshots_recompute_all,
)
from compagnon.members.models import Organisation


@task(queue_name="insights")
def insights_snapshot_task(organisation_id: int | None) -> int:
    organisation = (
        Organisation.objects.filter(pk=organisation_id).first() if organisation_id else None
    )
    if organisation_id and organisation is None:
        return 0
    return snapshot_compute(organisation=organisation).pk


@task(queue_name="insights")
def insights_recompute_all_task() -> int:
    return snapshots_recompute_all()


@task()
def insights_snapshot_run_task(run_id: int) -> int:
    """A page's computation (none yet, or out of date): idempotent, see snapshot_run_execute."""
    return snapshot_run_execute(run_id=run_id)
