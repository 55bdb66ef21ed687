"""Background work for the chat (django-tasks); both are idempotent."""

from __future__ import annotations

from django_tasks import task

from compagnon.chat.services import chat_digest_post, chat_invitations_post


@task()
def chat_invitations_send() -> int:
    """Post the invitations waiting for a chat message; returns how many went."""
    return chat_invitations_post()


@task()
def chat_digest_send() -> bool:
    """Post this ISO week's digest, once."""
    return chat_digest_post()
