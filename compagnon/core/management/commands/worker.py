"""The task worker: django-tasks-db's `db_worker` that survives a database outage.

`db_worker` exits on the first database error that is not "database is locked" (a
restarted PostgreSQL, a failover, a dropped connection), and every task queued meanwhile
waits for someone to notice. This command runs the same worker loop, but on a database
error it drops the connections, waits (0.5 s, doubling up to --max-backoff) and starts
again; a task that was running when the database went away is left RUNNING by the
library, and the email sweep, run at every (re)start, queues its email again.

Usage: `python manage.py worker` (same options as db_worker, plus --max-backoff).
"""

from __future__ import annotations

import contextlib
import logging
import os
import time

from django.core.management.base import CommandError
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

from compagnon.core.email import emails_requeue_stale
from compagnon.core.heartbeat import worker_heartbeat_start

logger = logging.getLogger("compagnon.worker")

FIRST_BACKOFF_SECONDS = 0.5


def _drop_connections() -> None:
    for connection in connections.all(initialized_only=True):
        # The server is gone: closing may fail, and the connection is reset anyway.
        with contextlib.suppress(DatabaseError):
            connection.close()


class ResilientWorker(db_worker.Worker):
    """The library's worker loop, restarted with backoff after a database error."""

    def __init__(self, *, max_backoff: float, **kwargs) -> None:
        super().__init__(**kwargs)
        self.max_backoff = max_backoff

    def run(self) -> None:
        backoff = FIRST_BACKOFF_SECONDS
        while self.running:
            try:
                counts = emails_requeue_stale()
                if counts["requeued"]:
                    logger.warning("Queued %d unsent emails again", counts["requeued"])
                backoff = FIRST_BACKOFF_SECONDS  # the database answered
                super().run()
                return  # --batch or --max-tasks: the loop ended by itself
            except (OperationalError, InterfaceError) as error:
                if not self.running:
                    return
                logger.warning(
                    "Database unavailable (%s); reconnecting in %.1f s",
                    str(error).strip().splitlines()[0] if str(error).strip() else error,
                    backoff,
                )
                self.running_task = False
                _drop_connections()
                time.sleep(backoff)
                backoff = min(backoff * 2, self.max_backoff)


class Command(db_worker.Command):
    help = "Run the background task worker; it reconnects after a database outage."

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--max-backoff",
            type=float,
            default=30.0,
            help="Longest wait between two reconnection attempts, in seconds (default: 30).",
        )
        # Every queue by default (default, email, scoring, insights): one database worker
        # serves them all; pass --queue-name to dedicate a worker to some.
        parser.set_defaults(queue_name="*")

    def handle(self, *args, **options) -> None:
        self.configure_logging(options["verbosity"])
        reload = options["reload"] and not options["batch"]
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = ResilientWorker(
            max_backoff=max(options["max_backoff"], FIRST_BACKOFF_SECONDS),
            queue_names=queue_names,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=excluded,
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()  # only the child process handles signals
                worker_heartbeat_start(worker_id=worker.worker_id, queue_names=queue_names)
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker_heartbeat_start(worker_id=worker.worker_id, queue_names=queue_names)
            worker.run()
