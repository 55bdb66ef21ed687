"""What the case doors hold on a person, for `accounts.privacy`'s export and erasure.

A chat link (the chat server's user id proved by a code) and the cases sent by email
that wait for their confirmation are the person's own: both are exported, and both
go at erasure (a draft never confirmed is no case of the organisation's yet).
"""

from __future__ import annotations

from typing import Any

from compagnon.cases.models import ChatLink, InboundEmailDraft


def _when(value: Any) -> Any:
    return value.isoformat() if value is not None else None


def case_doors_export(person, user) -> dict[str, list[dict[str, Any]]]:
    if person is None:
        return {}
    links = [
        {
            "chat_user_id": link.chat_user_id,
            "chat_user_name": link.chat_user_name,
            "created_at": _when(link.created_at),
            "linked_at": _when(link.confirmed_at),
        }
        for link in ChatLink.objects.filter(person=person)
    ]
    drafts = [
        {
            "title": draft.title,
            "description": draft.description,
            "language": draft.language,
            "received_at": _when(draft.created_at),
            "confirmed_at": _when(draft.confirmed_at),
        }
        for draft in InboundEmailDraft.objects.filter(person=person).order_by("pk")
    ]
    return {"chat_link": links, "cases_by_email": drafts}


def case_doors_erase(person, user) -> None:
    """Runs inside `person_erase`'s transaction."""
    if person is None:
        return
    ChatLink.objects.filter(person=person).delete()
    InboundEmailDraft.objects.filter(person=person, confirmed_at__isnull=True).delete()
    InboundEmailDraft.objects.filter(person=person).update(title="", description="")
