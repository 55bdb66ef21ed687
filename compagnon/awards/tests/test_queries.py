"""N+1 guard: list pages cost the same number of queries at 1 and 3 items."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compagnon.awards import services
from compagnon.awards.models import ApplicationStatus, Outcome, Review
from compagnon.awards.tests.factories import ApplicationFactory, CategoryFactory, JurorFactory


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def _scored(category, juror, application):
    review = Review.objects.create(application=application, juror=juror)
    services.review_score(
        review=review, scores={c.pk: 5 + application.pk % 3 for c in category.criteria.all()}
    )


@pytest.mark.parametrize("page", ["index", "edition", "winners", "mine", "jury", "staff", "board"])
def test_query_count_does_not_grow_with_items(client_of, staff_user, member_a, page):
    counts = []
    for size in (1, 3):
        category = CategoryFactory(
            edition__shortlist_published=True,
            edition__winners_published=True,
            edition__public_vote=True,
        )
        edition = category.edition
        juror = JurorFactory(edition=edition, person=member_a) if page == "jury" else None
        jurors = [JurorFactory(edition=edition) for _ in range(2)]
        for _ in range(size):
            owner = {"applicant": member_a} if page == "mine" else {}
            application = ApplicationFactory(category=category, outcome=Outcome.WINNER, **owner)
            ApplicationFactory(category=category, status=ApplicationStatus.SUBMITTED)
            if juror is not None:
                Review.objects.create(application=application, juror=juror)
            for other in jurors:
                _scored(category, other, application)
        client = client_of(staff_user if page in ("staff", "board") else member_a)
        url = {
            "index": "/awards/",
            "edition": edition.get_absolute_url(),
            "winners": f"/awards/{edition.slug}/winners/",
            "mine": "/awards/mine/",
            "jury": f"/awards/{edition.slug}/jury/",
            "staff": f"/awards/{edition.slug}/staff/",
            "board": f"/awards/{edition.slug}/board/",
        }[page]
        counts.append(_count(client, url))
    assert counts[0] == counts[1], f"{page}: {counts}"
