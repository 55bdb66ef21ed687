"""Background work for accounts (django-tasks)."""

from __future__ import annotations

from datetime import datetime

from django_tasks import task

from compagnon.accounts.models import User


@task(queue_name="email")
def invitations_send_batch(
    person_ids: list[int], invited_by_id: int | None, requested_at: str
) -> int:
    """Send one batch of a bulk invitation; a second run of the same batch sends nothing."""
    from compagnon.accounts.services import invitations_send_for

    invited_by = User.objects.filter(pk=invited_by_id).first() if invited_by_id else None
    return invitations_send_for(
        person_ids=person_ids,
        invited_by=invited_by,
        since=datetime.fromisoformat(requested_at),
    )
