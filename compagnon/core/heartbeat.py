"""The task worker's heartbeat, read by the readiness check (compagnon.ops.health).

A database-queue worker (`manage.py worker`) writes, every HEARTBEAT_SECONDS, one cache
entry per queue it serves: {worker_id, at}. The cache is shared by every process (Redis,
or the database cache table), so the web process sees whether each queue has a live
worker. A thread beats, not the task loop, so a long scoring run does not look like a
dead worker; a hung process stops beating with the thread only when it dies, which is
what "alive" can honestly mean. RQ workers keep their own heartbeat in Redis.
"""

from __future__ import annotations

import logging
import os
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.db import close_old_connections

logger = logging.getLogger("compagnon.worker")

HEARTBEAT_SECONDS = 15
_KEY = "core:worker-heartbeat:{queue}"


def heartbeat_queues(queue_names: list[str]) -> list[str]:
    if "*" in queue_names:
        return list(settings.TASK_QUEUES)
    return queue_names


def worker_heartbeat_record(
    *, worker_id: str, queue_names: list[str], now: float | None = None
) -> None:
    beat = {
        "worker_id": worker_id,
        "pid": os.getpid(),
        "at": now if now is not None else time.time(),
    }
    # Outlives several missed beats, so a stale entry is seen as stale rather than missing.
    cache.set_many(
        {_KEY.format(queue=q): beat for q in heartbeat_queues(queue_names)}, timeout=86400
    )


def worker_heartbeats(queue_names: list[str]) -> dict[str, dict | None]:
    found = cache.get_many([_KEY.format(queue=q) for q in queue_names])
    return {q: found.get(_KEY.format(queue=q)) for q in queue_names}


def worker_heartbeat_start(*, worker_id: str, queue_names: list[str]) -> threading.Thread:
    """Beat now, then every HEARTBEAT_SECONDS from a daemon thread.

    A beat that cannot be written (the cache down, its table missing) is logged, never
    raised: the heartbeat must not stop the worker it reports on.
    """

    def beat() -> None:
        try:
            worker_heartbeat_record(worker_id=worker_id, queue_names=queue_names)
        except Exception as error:
            logger.warning("Worker heartbeat not written: %s", error)

    beat()

    def beat_forever() -> None:
        while True:
            time.sleep(HEARTBEAT_SECONDS)
            beat()
            close_old_connections()

    thread = threading.Thread(target=beat_forever, name="worker-heartbeat", daemon=True)
    thread.start()
    return thread
