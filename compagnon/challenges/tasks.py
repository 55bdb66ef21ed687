"""Background work for challenges: scoring a submission.

The task only carries ids; `services.submission_score_run` re-reads the rows,
claims the submission under a lock and does nothing when the score exists,
so a task delivered twice, or re-queued by the sweep, scores once.
"""

from __future__ import annotations

from django_tasks import task

from compagnon.challenges.services import submission_score_run, submissions_requeue_stuck


@task(queue_name="scoring")
def submission_score(submission_id: int, version_id: int | None = None) -> str:
    return submission_score_run(submission_id, version_id)


@task()
def challenges_sweep() -> dict[str, int]:
    return submissions_requeue_stuck()
