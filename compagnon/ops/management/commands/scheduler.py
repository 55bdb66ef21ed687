"""`manage.py scheduler`: install the periodic ticks in rq-scheduler and run its loop.

Needs TASKS_BACKEND=rq. Run one per stack (a second one waits on rq-scheduler's lock).
`--install-only` writes the schedule and exits; `--list` prints it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from compagnon.ops.schedule import TICKS, schedule_install


def _scheduler(interval: int):
    import django_rq
    from django_tasks_rq.backend import Job
    from rq_scheduler import Scheduler

    return Scheduler(
        queue_name="default",
        connection=django_rq.get_connection("default"),
        interval=interval,
        job_class=Job,
    )


class Command(BaseCommand):
    help = "Schedule the periodic ticks on RQ (rq-scheduler) and run the scheduler loop."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--interval", type=int, default=30, help="Seconds between polls (30).")
        parser.add_argument("--install-only", action="store_true", help="Write the schedule, exit.")
        parser.add_argument("--list", action="store_true", help="Print the schedule, exit.")

    def handle(self, *args, **options) -> None:
        if options["list"]:
            for tick in TICKS:
                self.stdout.write(f"{tick.cron:<14} {tick.task_path}  ({tick.command})")
            return
        if settings.TASKS_BACKEND != "rq":
            raise CommandError(
                "The scheduler runs on RQ: set TASKS_BACKEND=rq and REDIS_URL. With the database "
                "queue, run the ticks from the systemd timers (deploy/systemd/)."
            )
        scheduler = _scheduler(options["interval"])
        for job_id in schedule_install(scheduler):
            self.stdout.write(f"scheduled {job_id}")
        if not options["install_only"]:
            scheduler.run()
