"""The jury: conflicts enforced where the data is read and written, assignment, blind review,
scores, the board and its decisions."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from compagnon.awards import selectors, services
from compagnon.awards.models import (
    ApplicationStatus,
    Attachment,
    Decision,
    JurorStatus,
    Outcome,
    Review,
)
from compagnon.awards.tests.factories import (
    ApplicationFactory,
    CategoryFactory,
    EditionFactory,
    JurorFactory,
)
from compagnon.core.models import OutboundEmail
from compagnon.members.tests.factories import OrganisationFactory

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def edition(db):
    return EditionFactory()


@pytest.fixture
def category(edition):
    return CategoryFactory(edition=edition)


def _scores(review, value=7):
    return {c.pk: value for c in review.application.category.criteria.all()}


def test_a_juror_never_sees_nor_scores_their_own_organisation(
    client_of, category, member_a, colleague_a
):
    """Even with a review row forced on them: the page is 404, the service refuses."""
    application = ApplicationFactory(category=category, applicant=colleague_a)
    juror = JurorFactory(edition=category.edition, person=member_a)
    forced = Review.objects.create(application=application, juror=juror)
    client = client_of(member_a)
    assert client.get(f"/awards/reviews/{forced.pk}/").status_code == 404
    response = client.post(f"/awards/reviews/{forced.pk}/", {"comment": "mine!"})
    assert response.status_code == 404
    with pytest.raises(ValidationError, match="You cannot review this application"):
        services.review_score(review=forced, scores=_scores(forced))
    page = client.get(f"/awards/{category.edition.slug}/jury/").content.decode()
    assert application.title not in page
    assert not forced.scores.exists()


def test_a_juror_on_the_team_never_sees_it_even_from_another_organisation(
    client_of, category, member_a, member_b
):
    application = ApplicationFactory(category=category, applicant=member_b, team=[member_a])
    juror = JurorFactory(edition=category.edition, person=member_a)
    forced = Review.objects.create(application=application, juror=juror)
    assert client_of(member_a).get(f"/awards/reviews/{forced.pk}/").status_code == 404
    assert not selectors.applications_visible_to_juror(juror).exists()


def test_a_declared_conflict_hides_the_organisation_and_drops_reviews_given(
    client_of, category, member_b
):
    juror = JurorFactory(edition=category.edition)
    application = ApplicationFactory(category=category, applicant=member_b)
    review = Review.objects.create(application=application, juror=juror)
    services.review_score(review=review, scores=_scores(review))
    client = client_of(juror.person)
    client.post(
        f"/awards/{category.edition.slug}/jury/conflicts/",
        {"organisation": member_b.organisation.pk, "note": "Former employer"},
    )
    assert not Review.objects.filter(pk=review.pk).exists()
    assert client.get(f"/awards/reviews/{review.pk}/").status_code == 404


def test_another_jurors_review_is_404(client_of, category):
    review = Review.objects.create(
        application=ApplicationFactory(category=category),
        juror=JurorFactory(edition=category.edition),
    )
    outsider = JurorFactory(edition=category.edition)
    assert client_of(outsider.person).get(f"/awards/reviews/{review.pk}/").status_code == 404


def test_assignment_gives_three_independent_reviews_and_skips_conflicts(category):
    organisations = [OrganisationFactory() for _ in range(5)]
    jurors = [
        JurorFactory(edition=category.edition, person__organisation=org) for org in organisations
    ]
    applications = [
        ApplicationFactory(category=category, applicant__organisation=org)
        for org in organisations
        for _ in range(2)
    ]
    plan = services.reviews_assign(edition=category.edition)
    assert plan.short == {}
    for application in applications:
        reviewers = list(application.reviews.values_list("juror__person__organisation", flat=True))
        assert len(reviewers) == 3
        assert application.organisation_id not in reviewers
    loads = [j.reviews.count() for j in jurors]
    assert max(loads) - min(loads) <= 1
    # Run again: nothing more.
    assert services.reviews_assign(edition=category.edition).pairs == []


def test_too_few_eligible_jurors_assigns_who_can_and_tells_staff(
    client_of, staff_user, category, member_a, member_b
):
    JurorFactory(edition=category.edition, person=member_b)
    JurorFactory(edition=category.edition, person=member_a)  # conflicted: own organisation
    JurorFactory(edition=category.edition)
    application = ApplicationFactory(category=category, applicant=member_a)
    response = client_of(staff_user).post(
        f"/awards/{category.edition.slug}/staff/assign/", follow=True
    )
    page = response.content.decode()
    assert "1 applications have fewer than 3 jurors free of conflicts" in page
    assert application.reviews.count() == 2


def test_invited_jurors_accept_before_they_review(
    client_of, staff_user, category, member_b, django_capture_on_commit_callbacks
):
    client = client_of(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/awards/{category.edition.slug}/staff/jurors/", {"email": member_b.email})
    juror = category.edition.jurors.get()
    assert juror.status == JurorStatus.INVITED
    assert OutboundEmail.objects.filter(key=f"awards:juror-invited:{juror.pk}").exists()
    assert not selectors.applications_visible_to_juror(juror).exists()
    client_of(member_b).post(f"/awards/{category.edition.slug}/jury/answer/", {"answer": "accept"})
    juror.refresh_from_db()
    assert juror.status == JurorStatus.ACCEPTED


def test_blind_review_hides_names_and_organisations_everywhere_the_juror_looks(
    client_of, category, member_a
):
    category.edition.blind_review = True
    category.edition.save()
    application = ApplicationFactory(category=category, applicant=member_a)
    juror = JurorFactory(edition=category.edition)
    review = Review.objects.create(application=application, juror=juror)
    attachment = Attachment.objects.create(
        application=application,
        name="ada-martin-alpha.pdf",
        content_type="application/pdf",
        size=len(PDF),
    )
    attachment.file.save("ada-martin-alpha.pdf", SimpleUploadedFile("x.pdf", PDF))
    client = client_of(juror.person)
    jury_page = client.get(f"/awards/{category.edition.slug}/jury/").content.decode()
    # The conflict form lists every organisation (that says nothing about who applied);
    # the list of applications must not.
    reviews_table = jury_page.split('data-testid="jury-reviews"')[1].split("</table>")[0]
    pages = [reviews_table, client.get(f"/awards/reviews/{review.pk}/").content.decode()]
    for page in pages:
        assert application.title in page
        for secret in ("Ada", "Martin", "Alpha Corp", "ada-martin-alpha"):
            assert secret not in page
    download = client.get(f"/awards/files/{attachment.pk}/")
    assert download.status_code == 200
    assert "ada-martin" not in download["Content-Disposition"]


def test_scores_are_checked_against_the_scale(client_of, category):
    juror = JurorFactory(edition=category.edition)
    review = Review.objects.create(application=ApplicationFactory(category=category), juror=juror)
    criteria = list(category.criteria.all())
    response = client_of(juror.person).post(
        f"/awards/reviews/{review.pk}/",
        {f"criterion_{criteria[0].pk}": "11", f"criterion_{criteria[1].pk}": "5"},
    )
    assert response.status_code == 400
    assert "less than or equal to 10" in response.content.decode()
    review.refresh_from_db()
    assert review.submitted_at is None and not review.scores.exists()
    client_of(juror.person).post(
        f"/awards/reviews/{review.pk}/",
        {f"criterion_{criteria[0].pk}": "9", f"criterion_{criteria[1].pk}": "5", "comment": "Bold"},
    )
    review.refresh_from_db()
    assert review.submitted_at is not None and review.comment == "Bold"
    assert sorted(review.scores.values_list("value", flat=True)) == [5, 9]


def test_the_board_ranks_normalised_scores_and_records_decisions(client_of, staff_user, category):
    """The hand-computed example of test_deliberation, through the database and the page."""
    applications = [ApplicationFactory(category=category, title=t) for t in "ABC"]
    lenient, harsh = (JurorFactory(edition=category.edition) for _ in range(2))
    given = {lenient: [(6, 10), (8, 8), (7, 7)], harsh: [(3, 3), (2, 6), (1, 1)]}
    for juror, pairs in given.items():
        for application, (originality, impact) in zip(applications, pairs, strict=True):
            review = Review.objects.create(application=application, juror=juror)
            first, second = category.criteria.all()
            services.review_score(review=review, scores={first.pk: originality, second.pk: impact})
    board = selectors.board_for(category.edition)
    rows = board[0][1]
    assert [(app.title, item.rank, item.tied) for item, app in rows] == [
        ("A", 1, True),
        ("B", 1, True),
        ("C", 3, False),
    ]
    client = client_of(staff_user)
    page = client.get(f"/awards/{category.edition.slug}/board/").content.decode()
    assert page.count('data-testid="tie"') == 2
    client.post(
        f"/awards/applications/{applications[0].pk}/decide/",
        {"outcome": Outcome.WINNER, "note": "Unanimous after discussion"},
    )
    decision = Decision.objects.get()
    assert decision.decided_by == staff_user and decision.decided_at is not None
    applications[0].refresh_from_db()
    assert applications[0].outcome == Outcome.WINNER


def test_only_eligible_applications_are_decided(staff_user, category):
    application = ApplicationFactory(category=category, status=ApplicationStatus.SUBMITTED)
    with pytest.raises(ValidationError, match="Only eligible applications"):
        services.decision_record(application=application, outcome=Outcome.WINNER, by=staff_user)
    assert not Decision.objects.exists()


def test_a_person_not_on_the_jury_gets_404(client_of, edition, member_b):
    assert client_of(member_b).get(f"/awards/{edition.slug}/jury/").status_code == 404


def test_declined_juror_loses_unscored_reviews(category):
    juror = JurorFactory(edition=category.edition, status=JurorStatus.INVITED)
    Review.objects.create(application=ApplicationFactory(category=category), juror=juror)
    services.juror_answer(juror=juror, accept=False)
    assert not juror.reviews.exists()


def test_a_declared_conflict_keeps_the_other_reviews(category, member_b):
    juror = JurorFactory(edition=category.edition)
    mine = Review.objects.create(
        application=ApplicationFactory(category=category, applicant=member_b), juror=juror
    )
    other = Review.objects.create(application=ApplicationFactory(category=category), juror=juror)
    services.conflict_declare(juror=juror, organisation=member_b.organisation)
    assert not Review.objects.filter(pk=mine.pk).exists()
    assert Review.objects.filter(pk=other.pk).exists()
