"""In-app notices: idempotent sending, the header count, the list, "mark all as read"."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from compagnon.core.models import Notice
from compagnon.core.notices import notice_send, notices_unread_count

pytestmark = pytest.mark.django_db


def test_a_key_keeps_one_notice(member_a):
    first = notice_send(user=member_a.user, text="You are invited", url="/x/", key="k:1")
    second = notice_send(user=member_a.user, text="You are invited again", key="k:1")
    assert first.pk == second.pk
    assert Notice.objects.count() == 1
    notice_send(user=member_a.user, text="Without key")
    notice_send(user=member_a.user, text="Without key")
    assert Notice.objects.count() == 3


def test_no_account_no_notice(db):
    assert notice_send(user=None, text="nobody") is None
    assert Notice.objects.count() == 0


def test_long_text_is_clipped(member_a):
    notice = notice_send(user=member_a.user, text="x" * 500)
    assert len(notice.text) == 300


def test_the_header_shows_the_unread_count(client_of, member_a):
    client = client_of(member_a)
    page = client.get(reverse("site:home")).content.decode()
    assert 'data-testid="notices-link"' in page
    assert "Notices (" not in page
    for index in range(3):
        notice_send(user=member_a.user, text=f"Notice {index}", key=f"n:{index}")
    page = client.get(reverse("site:home")).content.decode()
    assert "Notices (3)" in page


def test_the_count_is_one_query(client_of, member_a):
    client = client_of(member_a)
    client.get(reverse("site:home"))
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("site:home"))
    counts = [q["sql"] for q in queries.captured_queries if "core_notice" in q["sql"]]
    assert len(counts) == 1
    assert "COUNT" in counts[0].upper()


def test_visitors_have_no_notices_link(client):
    page = client.get(reverse("site:home")).content.decode()
    assert 'data-testid="notices-link"' not in page


def test_the_list_and_mark_all_read(client_of, member_a, member_b):
    shown = notice_send(user=member_a.user, text="Invited to a case", url="/invitations/1/answer/")
    notice_send(user=member_b.user, text="Someone else's")
    client = client_of(member_a)
    page = client.get(reverse("case_invitations:notice_list")).content.decode()
    assert "Invited to a case" in page
    assert "Someone else&#x27;s" not in page and "Someone else's" not in page
    assert 'href="/invitations/1/answer/"' in page
    later = notice_send(user=member_a.user, text="Arrived after the page was drawn")
    response = client.post(reverse("case_invitations:notice_list"), {"up_to": shown.pk})
    assert response.status_code == 302
    shown.refresh_from_db()
    later.refresh_from_db()
    assert shown.read_at is not None
    assert later.read_at is None
    assert notices_unread_count(member_a.user) == 1
    assert notices_unread_count(member_b.user) == 1


def test_a_notice_link_must_be_a_path(client_of, member_a):
    notice_send(user=member_a.user, text="Odd", url="javascript:alert(1)")
    page = client_of(member_a).get(reverse("case_invitations:notice_list")).content.decode()
    assert "javascript:" not in page
