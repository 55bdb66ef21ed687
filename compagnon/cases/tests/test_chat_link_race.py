"""Two chat accounts type the same one-time code at the same moment.

Without the lock on the pending link both read it as valid, both are told
"linked", and the last write silently wins. With the lock the second waits,
finds the code spent, and is refused. PostgreSQL only: SQLite serialises writers.
"""

from __future__ import annotations

import contextlib
import threading

import pytest
from django.db import connection

from compagnon.cases import chat
from compagnon.cases.models import ChatLink
from compagnon.members.tests.factories import PersonFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _type_together(code, monkeypatch, *, wait):
    barrier = threading.Barrier(2, timeout=wait)
    reading = chat._pending_link

    def read_then_meet(digest, now):
        link = reading(digest, now)
        # With the lock the other confirmation waits at the lock, not here: go on alone.
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait()
        return link

    monkeypatch.setattr(chat, "_pending_link", read_then_meet)
    results, errors = {}, []

    def confirm(chat_user_id):
        try:
            results[chat_user_id] = chat.chat_link_confirm(
                chat_user_id=chat_user_id, chat_user_name=chat_user_id, code=code
            )
        except Exception as error:  # reported below, a thread cannot fail the test itself
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(uid,)) for uid in ("U-one", "U-two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    return results


def test_without_the_lock_both_are_told_linked(monkeypatch):
    person = PersonFactory(with_account=True)
    code = chat.chat_link_start(person=person)

    def not_locked(digest, now):
        return (
            ChatLink.objects.select_related("person")
            .filter(code_digest=digest, code_expires_at__gt=now)
            .first()
        )

    monkeypatch.setattr(chat, "_pending_link", not_locked)
    results = _type_together(code, monkeypatch, wait=10)
    assert all(link is not None for link in results.values())  # the race: two "linked"


def test_with_the_lock_the_code_links_one_account(monkeypatch):
    person = PersonFactory(with_account=True)
    code = chat.chat_link_start(person=person)
    results = _type_together(code, monkeypatch, wait=2)
    linked = [uid for uid, link in results.items() if link is not None]
    assert len(linked) == 1
    assert ChatLink.objects.get(person=person).chat_user_id == linked[0]
