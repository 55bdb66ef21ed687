"""Writes for matching. Matching owns no data: its only state is the in-process index."""

from __future__ import annotations

import logging

from compagnon.matching.index import index_invalidate, person_index

logger = logging.getLogger(__name__)


def matching_index_rebuild() -> int:
    """Rebuild the index: this process now, every other process on its next use.

    Returns the number of people indexed here.
    """
    index_invalidate()
    indexed = person_index.rebuild()
    logger.info("matching index rebuilt on request: %d people", indexed)
    return indexed
