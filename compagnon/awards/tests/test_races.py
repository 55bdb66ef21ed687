"""On PostgreSQL: presses and runs that happen at the same moment count once."""

import threading

import pytest
from django.db import connection
from django.db.models import Count

from compagnon.awards import services
from compagnon.awards.models import ApplicationStatus, Outcome, PublicVote, Review
from compagnon.awards.tests.factories import ApplicationFactory, CategoryFactory, JurorFactory
from compagnon.core.models import OutboundEmail

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _together(count, work):
    barrier = threading.Barrier(count, timeout=10)
    results, errors = [], []

    def run(index):
        try:
            barrier.wait()
            results.append(work(index))
        except Exception as error:  # collected, a thread cannot fail the test itself
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


def test_two_assignment_runs_at_once_give_three_reviews_each():
    category = CategoryFactory()
    for _ in range(6):
        JurorFactory(edition=category.edition)
    for _ in range(8):
        ApplicationFactory(category=category)
    results, errors = _together(2, lambda _i: services.reviews_assign(edition=category.edition))
    assert errors == []
    counts = set(
        Review.objects.values("application").annotate(n=Count("pk")).values_list("n", flat=True)
    )
    assert counts == {3}
    assert sorted(len(plan.pairs) for plan in results) == [0, 24]


def test_one_email_voting_twice_at_once_counts_once():
    category = CategoryFactory(edition__public_vote=True, edition__shortlist_published=True)
    applications = [
        ApplicationFactory(category=category, outcome=Outcome.SHORTLISTED) for _ in range(2)
    ]
    votes = [
        services.vote_cast(edition=category.edition, application=a, email="twice@example.org")
        for a in applications
    ]
    results, errors = _together(2, lambda i: services.vote_confirm(token=votes[i].token))
    assert len(results) == 1
    assert len(errors) == 1 and isinstance(errors[0], services.VoteProblem)
    assert PublicVote.objects.filter(confirmed_at__isnull=False).count() == 1


def test_submit_pressed_twice_at_once_submits_once(settings):
    category = CategoryFactory()
    application = ApplicationFactory(category=category, status=ApplicationStatus.DRAFT)
    results, errors = _together(2, lambda _i: services.application_submit(application=application))
    assert len(results) == 1 and len(errors) == 1, errors
    assert "can no longer be changed" in str(errors[0])
    assert OutboundEmail.objects.filter(key__startswith="awards:application").count() == 1
