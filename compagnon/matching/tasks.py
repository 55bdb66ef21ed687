from __future__ import annotations

from django_tasks import task

from compagnon.matching.services import matching_index_rebuild as _rebuild
from compagnon.matching.services import ranking_model_train


@task()
def matching_index_rebuild() -> int:
    """Full rebuild of the matching index (each web process rebuilds on its next use)."""
    return _rebuild()


@task(queue_name="insights")
def matching_model_retrain() -> int:
    """Nightly: learn the score's weights from the club's answers; returns the new version.

    Idempotent enough: each run stores one more version; the same answers give the same
    weights (the random draws are seeded by case).
    """
    return ranking_model_train().version
