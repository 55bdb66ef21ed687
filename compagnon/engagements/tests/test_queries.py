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
