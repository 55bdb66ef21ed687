"""Readiness: the database, the cache, the task queues' depth and the workers' heartbeat.

Built on django-health-check: its Database and Cache checks, and two of ours. The
figures (how deep each queue is, when each queue's worker last beat) are kept on the
check so the readiness page and `manage.py healthcheck` can print them, not only OK.

`/healthz` (core) stays the cheap liveness probe for the load balancer: one query. A deep
queue must not take a healthy web process out of rotation; it is an alert, read here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time

from asgiref.sync import async_to_sync, sync_to_async
from django.conf import settings
from django.db.models import Count
from health_check import Cache, Database, HealthCheck
from health_check.base import HealthCheckResult
from health_check.exceptions import ServiceUnavailable, ServiceWarning

from compagnon.core.heartbeat import worker_heartbeats


def queue_depths() -> dict[str, int]:
    """Tasks waiting per queue ({} when tasks run inline)."""
    backend = settings.TASKS_BACKEND
    queues = list(settings.TASK_QUEUES)
    if backend == "rq":
        import django_rq

        return {q: django_rq.get_queue(q).count for q in queues}
    if backend == "db":
        from django_tasks_db.models import DBTaskResult

        counts = dict(
            DBTaskResult.objects.filter(status="READY")
            .values_list("queue_name")
            .annotate(n=Count("id"))
            .values_list("queue_name", "n")
        )
        return {q: counts.get(q, 0) for q in queues}
    return {}


def worker_silences(now: float | None = None) -> dict[str, float | None]:
    """Seconds since a worker serving each queue last beat (None: never seen)."""
    now = now if now is not None else time.time()
    queues = list(settings.TASK_QUEUES)
    backend = settings.TASKS_BACKEND
    if backend == "rq":
        import django_rq
        from rq import Worker

        silences: dict[str, float | None] = {}
        for q in queues:
            beats = [
                w.last_heartbeat
                for w in Worker.all(queue=django_rq.get_queue(q))
                if w.last_heartbeat is not None
            ]
            silences[q] = min((now - _epoch(b) for b in beats), default=None)
        return silences
    if backend == "db":
        return {
            q: (now - beat["at"]) if beat else None for q, beat in worker_heartbeats(queues).items()
        }
    return {}


def _epoch(moment: dt.datetime) -> float:
    # rq stores UTC; older versions hand it back naive.
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.timestamp()


@dataclasses.dataclass
class QueueDepth(HealthCheck):
    """Fails (as a warning) when a queue holds more than HEALTH_QUEUE_MAX_DEPTH tasks."""

    depths: dict[str, int] = dataclasses.field(default_factory=dict, repr=False, compare=False)

    async def run(self) -> None:
        # In the caller's thread (thread-sensitive), on its database connection: a check
        # run in a pool thread would open a connection that nothing closes.
        self.depths = await sync_to_async(queue_depths)()
        limit = settings.HEALTH_QUEUE_MAX_DEPTH
        deep = [f"{q}={n}" for q, n in self.depths.items() if n > limit]
        if deep:
            raise ServiceWarning(f"queues deeper than {limit}: {', '.join(deep)}")


@dataclasses.dataclass
class WorkerHeartbeat(HealthCheck):
    """Fails when a queue has had no live worker for HEALTH_WORKER_MAX_SILENCE_SECONDS."""

    silences: dict[str, float | None] = dataclasses.field(
        default_factory=dict, repr=False, compare=False
    )

    async def run(self) -> None:
        self.silences = await sync_to_async(worker_silences)()
        limit = settings.HEALTH_WORKER_MAX_SILENCE_SECONDS
        silent = [
            f"{q} ({'never' if s is None else f'{s:.0f} s ago'})"
            for q, s in self.silences.items()
            if s is None or s > limit
        ]
        if silent:
            raise ServiceUnavailable(f"no live worker for: {', '.join(silent)}")


CHECKS: dict[str, type[HealthCheck]] = {
    "database": Database,
    "cache": Cache,
    "queues": QueueDepth,
    "workers": WorkerHeartbeat,
}


def checks_run(names: list[str] | None = None) -> dict[str, HealthCheckResult]:
    """Run the named checks (all by default) concurrently, as django-health-check does."""
    chosen = {name: CHECKS[name]() for name in (names or list(CHECKS))}

    async def gather() -> list[HealthCheckResult]:
        import asyncio

        return await asyncio.gather(*(check.get_result() for check in chosen.values()))

    return dict(zip(chosen, async_to_sync(gather)(), strict=True))


def report(results: dict[str, HealthCheckResult]) -> dict:
    """The readiness body: overall status, each check, the queues and the workers."""
    body: dict = {
        "status": "ok" if not any(r.error for r in results.values()) else "fail",
        "checks": {
            name: {
                "ok": r.error is None,
                "message": "OK" if r.error is None else str(r.error),
                "ms": round(r.time_taken * 1000, 1),
            }
            for name, r in results.items()
        },
        "tasks_backend": settings.TASKS_BACKEND,
    }
    if "queues" in results:
        body["queues"] = results["queues"].check.depths  # type: ignore[attr-defined]
    if "workers" in results:
        body["workers_last_beat_seconds"] = {
            q: None if s is None else round(s, 1)
            for q, s in results["workers"].check.silences.items()  # type: ignore[attr-defined]
        }
    return body
