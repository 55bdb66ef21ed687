"""Computing the insights snapshots (the heavy part: bootstraps and survival models)."""

from __future__ import annotations

import datetime as dt
import logging
import math
import time
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from compagnon.insights.growth import growth_figures
from compagnon.insights.models import (
    RUN_ACTIVE,
    PastTenure,
    Snapshot,
    SnapshotRun,
    SnapshotRunStatus,
    SnapshotScope,
    TenureImport,
    TenureImportStatus,
)
from compagnon.insights.retention import tenure_data
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


# The steps of a computation, in order: a run's progress is the index of the one under way.
STAGES = ("growth", "tenure", "curves", "cox", "cox_time_varying", "matched", "saving")
# A run queued or running for longer than this was lost (a worker restarted): a page asks anew.
RUN_ABANDONED_AFTER = dt.timedelta(hours=1)


def figures_compute(
    organisation: Organisation | None, *, progress: Callable[[str], None] | None = None
) -> dict[str, Any]:
    """Everything the pages show beyond plain counts, for the club or one organisation."""

    def step(name: str) -> None:
        if progress is not None:
            progress(name)

    step("growth")
    if organisation is None:
        person_ids = None
    else:
        person_ids = list(
            Person.objects.filter(organisation=organisation).values_list("pk", flat=True)
        )
    growth = growth_figures(person_ids)
    step("tenure")
    arrays, stints, skipped = tenure_data(organisation_id=organisation.pk if organisation else None)
    retention = None
    if len(arrays) or len(stints):
        retention = retention_analysis(arrays, stints=stints, progress=step)
        retention["skipped"] = skipped
    return _json_safe({"growth": growth, "retention": retention})


def snapshot_compute(
    *, organisation: Organisation | None, progress: Callable[[str], None] | None = None
) -> Snapshot:
    """Compute and store the snapshot (replacing the previous one); safe to run twice."""
    started = time.perf_counter()
    payload = figures_compute(organisation, progress=progress)
    if progress is not None:
        progress("saving")
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


def _runs_active(organisation: Organisation | None):
    runs = SnapshotRun.objects.filter(status__in=RUN_ACTIVE)
    if organisation is None:
        return runs.filter(organisation__isnull=True)
    return runs.filter(organisation=organisation)


def snapshot_run_request(
    *, organisation: Organisation | None, now: dt.datetime | None = None
) -> SnapshotRun:
    """The computation queued or running for this scope, or a new one, queued after commit.

    Idempotent: a page reloaded while the figures are being computed finds the same run. Two
    requests at once cannot both queue one: the unique constraint on the active run refuses the
    second, which then reads the first's.
    """
    from compagnon.insights.tasks import insights_snapshot_run_task

    now = now or timezone.now()
    _runs_active(organisation).filter(requested_at__lt=now - RUN_ABANDONED_AFTER).update(
        status=SnapshotRunStatus.FAILED,
        error="abandoned: no worker finished it",
        finished_at=now,
    )
    active = _runs_active(organisation).first()
    if active is not None:
        return active
    try:
        with transaction.atomic():
            run = SnapshotRun.objects.create(
                organisation=organisation, steps=len(STAGES), requested_at=now
            )
    except IntegrityError:
        return _runs_active(organisation).get()
    transaction.on_commit(lambda: insights_snapshot_run_task.enqueue(run.pk))
    return run


def snapshot_run_execute(*, run_id: int) -> int:
    """Run a queued computation, telling its progress as it goes. A run already started or
    finished (the task delivered twice) is left alone. Returns the snapshot's pk, or 0."""
    with transaction.atomic():
        # Lock the run's row only: PostgreSQL cannot lock the nullable side of the join to
        # the organisation (the club's run has none).
        run = (
            SnapshotRun.objects.select_for_update(of=("self",))
            .filter(pk=run_id, status=SnapshotRunStatus.QUEUED)
            .select_related("organisation")
            .first()
        )
        if run is None:
            return 0
        run.status = SnapshotRunStatus.RUNNING
        run.started_at = timezone.now()
        run.save(update_fields=["status", "started_at"])

    def progress(stage: str) -> None:
        SnapshotRun.objects.filter(pk=run_id).update(stage=stage, step=STAGES.index(stage))

    try:
        snapshot = snapshot_compute(organisation=run.organisation, progress=progress)
    except Exception as error:
        logger.exception("insights snapshot run %s failed", run_id)
        SnapshotRun.objects.filter(pk=run_id).update(
            status=SnapshotRunStatus.FAILED,
            error=str(error)[:2000],
            finished_at=timezone.now(),
        )
        return 0
    SnapshotRun.objects.filter(pk=run_id).update(
        status=SnapshotRunStatus.DONE,
        step=len(STAGES),
        stage="done",
        finished_at=timezone.now(),
    )
    return snapshot.pk


def snapshot_read(
    *, organisation: Organisation | None
) -> tuple[Snapshot | None, bool, SnapshotRun | None]:
    """The snapshot a page shows, whether it is stale, and the computation under way if any.

    None yet (a new organisation, a fresh install): nothing is computed in the request; a
    computation is queued (once) and the page shows its progress. Stale (older than
    INSIGHTS_MAX_AGE_HOURS, the nightly run missed): shown as it is, with its date, and a
    computation is queued.
    """
    from compagnon.insights.selectors import snapshot_for, snapshot_is_stale

    snapshot = snapshot_for(organisation)
    if snapshot is None:
        return None, False, snapshot_run_request(organisation=organisation)
    if snapshot_is_stale(snapshot):
        return snapshot, True, snapshot_run_request(organisation=organisation)
    return snapshot, False, None


# --- the past tenure import (staff) ------------------------------------------------------------


def tenure_import_upload(*, filename: str, data: bytes, actor: Any) -> TenureImport:
    """Keep an uploaded CSV for its preview. A file that cannot be read at all (encoding,
    columns, size) is refused with the reason and nothing is kept; line problems are shown by
    the preview, and nothing is imported until every line passes."""
    from compagnon.insights.tenure_import import TenureFileError, file_decode, file_read

    if not filename.lower().endswith((".csv", ".txt")):
        raise ValidationError(_("Upload a .csv file."), code="file")
    try:
        text = file_decode(data)
        file_read(text)
    except TenureFileError as error:
        raise ValidationError(error.message, code="file") from None
    with transaction.atomic():
        tenure_import = TenureImport(filename=filename[:255], content=text, uploaded_by=actor)
        tenure_import.full_clean()
        tenure_import.save()
    return tenure_import


def tenure_import_apply(*, tenure_import: TenureImport, actor: Any) -> int:
    """Write every line of the file as a past tenure, or none: the lines are checked again
    (people and tenures may have changed since the preview) under a lock on the import, so
    it cannot be applied twice. Returns how many were written."""
    from compagnon.insights.tenure_import import file_check

    with transaction.atomic():
        locked = TenureImport.objects.select_for_update().get(pk=tenure_import.pk)
        if locked.status != TenureImportStatus.PREVIEWED:
            raise ValidationError(_("This file was already imported."), code="applied")
        checked = file_check(locked.content)
        if not checked.is_valid:
            raise ValidationError(
                ngettext(
                    "%(count)d line has a problem: nothing was imported. Fix the file and "
                    "upload it again.",
                    "%(count)d lines have problems: nothing was imported. Fix the file and "
                    "upload it again.",
                    len(checked.errors),
                )
                % {"count": len(checked.errors)},
                code="lines",
            )
        rows = [
            PastTenure(
                person_id=person_id,
                organisation_id=organisation_id,
                role_family=role_family,
                started_on=started_on,
                ended_on=ended_on,
                tenure_import=locked,
            )
            for person_id, organisation_id, role_family, started_on, ended_on in (
                line.tenure() for line in checked.lines
            )
        ]
        PastTenure.objects.bulk_create(rows, batch_size=1000)
        locked.status = TenureImportStatus.APPLIED
        locked.applied_at = timezone.now()
        locked.rows_created = len(rows)
        locked.save(update_fields=["status", "applied_at", "rows_created"])
    logger.info("insights tenure import %s: %d rows by %s", locked.pk, len(rows), actor)
    return len(rows)
