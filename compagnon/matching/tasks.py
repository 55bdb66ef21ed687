from __future__ import annotations

from django_tasks import task

from compagnon.matching.services import matching_index_rebuild as _rebuild


@task()
def matching_index_rebuild() -> int:
    """Full rebuild of the matching index (each web process rebuilds on its next use)."""
    return _rebuild()
