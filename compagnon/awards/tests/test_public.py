"""The public side: shortlist, winners' stories, and a vote one confirmed email at a time."""

import pytest

from compagnon.awards import services
from compagnon.awards.models import Outcome, PublicVote
from compagnon.awards.tests.factories import ApplicationFactory, CategoryFactory
from compagnon.core.models import OutboundEmail


@pytest.fixture
def shortlisted(db):
    category = CategoryFactory(edition__public_vote=True, edition__shortlist_published=True)
    return ApplicationFactory(category=category, outcome=Outcome.SHORTLISTED, title="Drones")


def _vote(client, application, email="reader@example.org", **extra):
    return client.post(
        f"/awards/{application.edition.slug}/vote/{application.pk}/",
        {"email": email, **extra},
    )


def test_the_shortlist_shows_once_published(client, db):
    application = ApplicationFactory(outcome=Outcome.SHORTLISTED, title="Hidden until out")
    edition = application.edition
    assert "Hidden until out" not in client.get(edition.get_absolute_url()).content.decode()
    services.edition_publish(edition=edition, shortlist=True)
    assert "Hidden until out" in client.get(edition.get_absolute_url()).content.decode()


def test_the_winners_page_tells_the_story_through_the_sanitiser(client, db):
    application = ApplicationFactory(
        outcome=Outcome.WINNER,
        story="## How it began\n\nWe **counted** cars.<script>alert(1)</script>",
    )
    edition = application.edition
    assert client.get(f"/awards/{edition.slug}/winners/").status_code == 404
    services.edition_publish(edition=edition, winners=True)
    page = client.get(f"/awards/{edition.slug}/winners/").content.decode()
    assert "<strong>counted</strong>" in page
    assert "<script>alert" not in page


def test_a_vote_counts_only_once_its_link_is_followed(
    client, shortlisted, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _vote(client, shortlisted)
    assert response.status_code == 302
    vote = PublicVote.objects.get()
    assert vote.confirmed_at is None
    email = OutboundEmail.objects.get(key=f"awards:vote:{vote.pk}")
    assert f"/awards/vote/confirm/{vote.token}/" in email.body_text
    # A mail scanner following the link counts nothing; the button does.
    assert client.get(f"/awards/vote/confirm/{vote.token}/").status_code == 200
    vote.refresh_from_db()
    assert vote.confirmed_at is None
    client.post(f"/awards/vote/confirm/{vote.token}/")
    vote.refresh_from_db()
    assert vote.confirmed_at is not None


def test_one_vote_per_confirmed_email_and_edition(client, shortlisted):
    other = ApplicationFactory(category=shortlisted.category, outcome=Outcome.SHORTLISTED)
    first = services.vote_cast(
        edition=shortlisted.edition, application=shortlisted, email="Reader@Example.org"
    )
    second = services.vote_cast(
        edition=shortlisted.edition, application=other, email="reader@example.org "
    )
    services.vote_confirm(token=first.token)
    response = client.post(f"/awards/vote/confirm/{second.token}/")
    assert response.status_code == 404
    assert "already voted in this edition" in response.content.decode()
    assert PublicVote.objects.filter(confirmed_at__isnull=False).count() == 1


def test_the_honeypot_gets_the_same_answer_and_writes_nothing(client, shortlisted):
    response = _vote(client, shortlisted, website="http://spam.example")
    assert response.status_code == 302 and response["Location"] == "/awards/vote/done/"
    assert not PublicVote.objects.exists()


def test_votes_are_rate_limited_per_address(client, shortlisted, settings):
    settings.AWARDS_VOTE_RATE = 2
    assert _vote(client, shortlisted, "a@example.org").status_code == 302
    assert _vote(client, shortlisted, "b@example.org").status_code == 302
    response = _vote(client, shortlisted, "c@example.org")
    assert response.status_code == 429
    assert "Too many votes came from your connection" in response.content.decode()
    assert PublicVote.objects.count() == 2


def test_no_vote_when_the_edition_has_none_or_the_winners_are_out(client, shortlisted):
    edition = shortlisted.edition
    edition.public_vote = False
    edition.save()
    response = _vote(client, shortlisted)
    assert "The public vote is not open." in response.content.decode()
    assert not PublicVote.objects.exists()


def test_a_project_off_the_shortlist_cannot_be_voted_for(client, shortlisted):
    off = ApplicationFactory(category=shortlisted.category, outcome=Outcome.NOT_RETAINED)
    response = client.get(f"/awards/{off.edition.slug}/vote/{off.pk}/")
    assert response.status_code == 404


def test_a_bad_link_says_so(client, db):
    response = client.get("/awards/vote/confirm/not-a-token/")
    assert response.status_code == 404
    assert "This link is not valid" in response.content.decode()


def test_staff_draft_the_newsletter_announcement_once_winners_are_out(client_of, staff_user):
    from compagnon.newsletter.models import Mailing

    application = ApplicationFactory(outcome=Outcome.WINNER, title="Counting cars")
    edition = application.edition
    client = client_of(staff_user)
    response = client.post(f"/awards/{edition.slug}/board/announce/", follow=True)
    assert "Publish the winners before announcing them." in response.content.decode()
    assert not Mailing.objects.exists()
    services.edition_publish(edition=edition, winners=True)
    response = client.post(f"/awards/{edition.slug}/board/announce/")
    mailing = Mailing.objects.get()
    assert response["Location"] == f"/newsletter/mailings/{mailing.pk}/edit/"
    assert "Counting cars" in mailing.body and f"/awards/{edition.slug}/winners/" in mailing.body
