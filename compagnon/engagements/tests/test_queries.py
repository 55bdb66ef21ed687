"""The list page costs the same at one engagement and at three."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from compagnon.engagements.tests.conftest import make_case, make_engagement
from compagnon.members.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", ["staff", "expert"])
def test_list_queries_do_not_grow(today, staff_user, member_a, member_b, client_of, who):
    viewer = staff_user if who == "staff" else member_b
    client = client_of(viewer)
    url = reverse("engagements:list")
    make_engagement(staff_user, make_case(member_a), member_b)
    client.get(url)  # warm the session and the caches
    one = _queries(client, url)
    for n in range(2):
        bringer = PersonFactory(organisation=member_a.organisation, with_account=True)
        make_engagement(
            staff_user,
            make_case(bringer, title=f"Case {n}", confidentiality="anonymised"),
            member_b,
        )
    assert _queries(client, url) == one


def test_the_list_is_paged(today, staff_user, member_a, member_b, client_of, monkeypatch):
    from compagnon.engagements import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for n in range(3):
        make_engagement(staff_user, make_case(member_a, title=f"Paged case {n}"), member_b)
    client = client_of(member_b)
    url = reverse("engagements:list")
    first = client.get(url).content.decode()
    assert first.count('data-testid="engagement-row"') == 2
    assert "Page 1 of 2" in first and 'rel="next"' in first
    second = client.get(url, {"page": 2}).content.decode()
    assert second.count('data-testid="engagement-row"') == 1
    # A page past the end shows the last one, not an error.
    assert client.get(url, {"page": 9}).content.decode().count('data-testid="engagement-row"') == 1


def test_detail_queries_do_not_grow_with_entries(engagement, member_a, member_b, client_of):
    import datetime as dt

    from compagnon.engagements import services
    from compagnon.engagements.tests.conftest import TODAY

    client = client_of(member_a)
    services.entry_log(engagement=engagement, person=member_b, worked_on=TODAY, half_days=1)
    client.get(engagement.get_absolute_url())
    one = _queries(client, engagement.get_absolute_url())
    for weeks in (1, 2):
        services.entry_log(
            engagement=engagement,
            person=member_b,
            worked_on=TODAY - dt.timedelta(weeks=weeks),
            half_days=1,
        )
    assert _queries(client, engagement.get_absolute_url()) == one
