"""Background work for case invitations (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from compagnon.cases.invitations import case_invitations_remind_due


@task()
def case_invitations_remind() -> int:
    """Send the one reminder due on each pending case invitation; returns how many went out."""
    return case_invitations_remind_due()
