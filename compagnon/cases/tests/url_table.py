"""Who reaches the cases URLs added after the foundation (its first rows are in core's table)."""

from __future__ import annotations

from compagnon.core.tests.urltable import Case, everyone


def _reply_token(world) -> dict:
    """An invitation to an open case for someone without an account: the link is the key."""
    from datetime import timedelta

    from django.utils import timezone

    from compagnon.cases.invitations import invitation_reply_token
    from compagnon.cases.models import CaseInvitation

    invitation = CaseInvitation.objects.create(
        case=world.open_case_a,
        person=world.private_a,
        expires_at=timezone.now() + timedelta(days=5),
    )
    return {"token": invitation_reply_token(invitation)}


URL_TABLE = {
    "case_invitations:invitation_reply": [
        Case(everyone(200), kwargs=_reply_token, note="the signed link answers without an account"),
        Case(everyone(404), kwargs=lambda w: {"token": "forged"}),
    ],
}
