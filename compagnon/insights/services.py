"""Computing the insights snapshots (the heavy part: bootstraps and survival models)."""

from __future__ import annotations

import logging
import math
import time
from typing import Any

from django.db import transaction
from django.utils import timezone

from compagnon.insights.growth import growth_figures
from compagnon.insights.models import Snapshot, SnapshotScope
from compagnon.insights.retention import tenure_rows
from compagnon.insights.survival import retention_analysis
from compagnon.members.models import Organisation, Person

logger = logging.getLogger(__name__)


def _json_safe(value: Any) -> Any:
    """nan and infinities (an undefined figure) as None: JSON has no such numbers."""
    if isinstance(value, dict):
        return {key: _json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def figures_compute(organisation: Organisation | None) -> dict[str, Any]:
    """Everything the pages show beyond plain counts, for the club or one organisation."""
    if organisation is None:
        person_ids = None
    else:
        person_ids = list(
            Person.objects.filter(organisation=organisation).values_list("pk", flat=True)
        )
    arrays, skipped = tenure_rows(organisation_id=organisation.pk if organisation else None)
    retention = retention_analysis(arrays) if len(arrays) else None
    if retention is not None:
        retention["skipped"] = skipped
    return _json_safe({"growth": growth_figures(person_ids), "retention": retention})


def snapshot_compute(*, organisation: Organisation | None) -> Snapshot:
    """Compute and store the snapshot (replacing the previous one); safe to run twice."""
    started = time.perf_counter()
    payload = figures_compute(organisation)
    duration_ms = round((time.perf_counter() - started) * 1000)
    with transaction.atomic():
        snapshot, _created = Snapshot.objects.update_or_create(
            scope=SnapshotScope.ORGANISATION if organisation else SnapshotScope.CLUB,
            organisation=organisation,
            defaults={
                "payload": payload,
                "computed_at": timezone.now(),
                "duration_ms": duration_ms,
            },
        )
    logger.info(
        "insights snapshot organisation=%s in %d ms", organisation and organisation.pk, duration_ms
    )
    return snapshot


def snapshots_recompute_all() -> int:
    """The nightly job: the club, then every organisation with people. Returns how many."""
    count = 1
    snapshot_compute(organisation=None)
    for organisation in Organisation.objects.filter(people__isnull=False).distinct().order_by("pk"):
        snapshot_compute(organisation=organisation)
        count += 1
    return count


def snapshot_recompute_enqueue(*, organisation: Organisation | None) -> None:
    """Queue a recomputation after the current transaction commits."""
    from compagnon.insights.tasks import insights_snapshot_task

    organisation_id = organisation.pk if organisation else None
    transaction.on_commit(lambda: insights_snapshot_task.enqueue(organisation_id))


def snapshot_read(*, organisation: Organisation | None) -> tuple[Snapshot, bool]:
    """The snapshot a page shows, and whether it is stale.

    None yet (a new organisation, a fresh install): computed now, once. Stale (older than
    INSIGHTS_MAX_AGE_HOURS, the nightly run missed): shown as it is, with its date, and a
    recomputation is queued.
    """
    from compagnon.insights.selectors import snapshot_for, snapshot_is_stale

    snapshot = snapshot_for(organisation)
    if snapshot is None:
        return snapshot_compute(organisation=organisation), False
    stale = snapshot_is_stale(snapshot)
    if stale:
        snapshot_recompute_enqueue(organisation=organisation)
    return snapshot, stale
