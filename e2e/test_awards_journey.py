"""Awards journey: a team applies and is found eligible, three jurors score it while a fourth
with a conflict never sees it, the board decides and the winners are published."""

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from compagnon.awards.models import ApplicationStatus, Juror, JurorStatus, Outcome, Review
from compagnon.awards.tests.factories import CategoryFactory
from compagnon.members.tests.factories import OrganisationFactory, PersonFactory, UserFactory
from e2e.accounts import PASSWORD, account, sign_in


@pytest.fixture
def awards(transactional_db):
    category = CategoryFactory(name="Projet le plus audacieux")
    edition = category.edition
    alpha = OrganisationFactory(name="Alpha Retail")
    account(PersonFactory(organisation=alpha, email="team@alpha.example", first_name="Tess"))
    jurors = []
    for n in range(3):
        person = account(
            PersonFactory(organisation=OrganisationFactory(), email=f"juror{n}@jury.example")
        )
        jurors.append(Juror.objects.create(edition=edition, person=person, status="accepted"))
    conflicted = account(PersonFactory(organisation=alpha, email="colleague@alpha.example"))
    Juror.objects.create(edition=edition, person=conflicted, status=JurorStatus.ACCEPTED)
    staff = UserFactory(email="animateur@club.example", is_staff=True, password=PASSWORD)
    EmailAddress.objects.create(user=staff, email=staff.email, verified=True, primary=True)
    PersonFactory(user=staff, email=staff.email, organisation=None, membership_type="staff")
    return {"edition": edition, "category": category, "jurors": jurors}


def test_apply_review_deliberate_publish(browser, live_server, awards):
    edition = awards["edition"]
    # The team applies: a draft, saved as typed, then submitted.
    _context, team = sign_in(browser, live_server, "team@alpha.example")
    team.goto(f"/awards/{edition.slug}/")
    team.get_by_test_id("awards-apply").click()
    team.locator("input[name=title]").fill("Prédire la blessure")
    team.locator("main form button[type=submit]").click()
    form = team.get_by_test_id("awards-application-form")
    for name in ("summary", "problem", "data", "method", "impact", "responsible_ai"):
        form.locator(f"textarea[name={name}]").fill(f"Notre {name}, chiffres à l'appui.")
    expect(team.get_by_test_id("autosave-status")).not_to_be_empty()
    team.get_by_test_id("awards-submit").click()
    team.wait_for_load_state()
    application = edition.applications.get()
    assert application.status == ApplicationStatus.SUBMITTED

    # Staff find it eligible and assign the reviews.
    _context, staff = sign_in(browser, live_server, "animateur@club.example")
    staff.goto(f"/awards/{edition.slug}/staff/")
    staff.get_by_test_id(f"eligibility-{application.pk}").click()
    staff.wait_for_load_state()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ELIGIBLE
    staff.get_by_test_id("awards-assign").click()
    staff.wait_for_load_state()
    assert Review.objects.count() == 3

    # Three jurors score it.
    for n, score in enumerate((8, 6, 9)):
        _context, juror = sign_in(browser, live_server, f"juror{n}@jury.example")
        juror.goto(f"/awards/{edition.slug}/jury/")
        juror.get_by_role("link", name="Prédire la blessure").click()
        for field in juror.get_by_test_id("review-form").locator("input[type=number]").all():
            field.fill(str(score))
        juror.get_by_test_id("review-form").locator("button[type=submit]").click()
        juror.wait_for_load_state()
    assert Review.objects.filter(submitted_at__isnull=False).count() == 3

    # The colleague on the jury never sees it, not even by its address.
    _context, colleague = sign_in(browser, live_server, "colleague@alpha.example")
    colleague.goto(f"/awards/{edition.slug}/jury/")
    expect(colleague.locator("main")).not_to_contain_text("Prédire la blessure")
    response = colleague.goto(f"/awards/reviews/{Review.objects.first().pk}/")
    assert response is not None and response.status == 404

    # The board decides, the winners are published.
    staff.goto(f"/awards/{edition.slug}/board/")
    staff.locator(f"#outcome-{application.pk}").select_option("winner")
    staff.get_by_test_id(f"decide-{application.pk}").click()
    staff.wait_for_load_state()
    staff.get_by_test_id("publish-winners").click()
    staff.wait_for_load_state()
    application.refresh_from_db()
    assert application.outcome == Outcome.WINNER
    visitor = browser.new_page(base_url=live_server.url)
    visitor.goto(f"/awards/{edition.slug}/winners/")
    expect(visitor.get_by_test_id("awards-winner")).to_contain_text("Prédire la blessure")
