"""The periodic ticks, scheduled inside the stack (rq-scheduler), not by cron lines.

One table says what runs when; `manage.py scheduler` writes it into rq-scheduler and runs
its loop. Each entry is a django-tasks Task, enqueued on its own queue as an RQ job of
django-tasks-rq's class, so a worker runs it like any task. Every tick is idempotent
(docs/operations.md), so a tick run twice (two schedulers racing at a restart) is harmless;
rq-scheduler also holds a lock so only one scheduler moves jobs at a time.

The bare-metal equivalent is the systemd timers (deploy/systemd/), running the same work
as management commands.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Tick:
    task_path: str
    cron: str  # minute hour day month weekday, in UTC
    command: str  # the management command doing the same work (the systemd timers)


TICKS: tuple[Tick, ...] = (
    Tick("compagnon.core.tasks.core_tick", "*/5 * * * *", "core_tick"),
    Tick("compagnon.workshops.tasks.workshops_tick", "*/5 * * * *", "workshops_tick"),
    Tick("compagnon.challenges.tasks.challenges_sweep", "*/5 * * * *", "challenges_tick"),
    Tick(
        "compagnon.cases.tasks_invitations.case_invitations_remind",
        "0 7 * * *",
        "case_invitations_remind",
    ),
    Tick("compagnon.learning.tasks.learning_tick", "0 6 * * *", "learning_tick"),
    Tick("compagnon.matching.tasks.matching_model_retrain", "0 2 * * *", "matching_retrain"),
    Tick(
        "compagnon.insights.tasks.insights_recompute_all_task", "30 2 * * *", "insights_recompute"
    ),
    Tick("compagnon.webhooks.tasks.webhooks_sweep", "* * * * *", "webhooks_tick"),
    Tick("compagnon.chat.tasks.chat_invitations_send", "*/5 * * * *", "chat_tick"),
    Tick("compagnon.chat.tasks.chat_digest_send", "0 8 * * 1", "chat_digest"),
    Tick("compagnon.careers.tasks.offers_expire", "15 1 * * *", "careers_tick"),
    Tick("compagnon.engagements.tasks.entry_reminders_task", "0 8 * * *", "engagements_tick"),
)

JOB_PREFIX = "compagnon-tick-"


def tick_job_id(tick: Tick) -> str:
    return JOB_PREFIX + tick.task_path.rsplit(".", 1)[1]


def schedule_install(scheduler) -> list[str]:
    """Replace the scheduled ticks with TICKS (idempotent: fixed job ids). Returns the ids."""
    for job in scheduler.get_jobs():
        if job.id.startswith(JOB_PREFIX):
            scheduler.cancel(job)
            job.delete()
    ids = []
    for tick in TICKS:
        task = import_string(tick.task_path)
        scheduler.cron(
            tick.cron,
            func=tick.task_path,
            queue_name=task.queue_name,
            id=tick_job_id(tick),
            description=f"compagnon {tick.command}",
            meta={"backend_name": task.backend},
            result_ttl=86400,
            use_local_timezone=False,
        )
        ids.append(tick_job_id(tick))
    return ids
