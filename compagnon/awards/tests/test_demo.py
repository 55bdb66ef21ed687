from compagnon.awards.demo import CATEGORIES, EDITION_SLUG, JUROR_ORGS, PROJECTS, demo_awards_load
from compagnon.awards.models import Edition, Outcome
from compagnon.awards.selectors import board_for
from compagnon.members.tests.factories import OrganisationFactory, PersonFactory


def test_the_2023_edition_loads_once_with_its_five_categories(client, db):
    for slug in {org for _c, org, _t, _s in PROJECTS} | set(JUROR_ORGS):
        PersonFactory(organisation=OrganisationFactory(slug=slug, name=slug.title()))
    researcher = PersonFactory(organisation=None, email="chercheuse@example.org", with_account=True)
    assert demo_awards_load(juror_email=researcher.email) > 0
    assert demo_awards_load(juror_email=researcher.email) == 0
    edition = Edition.objects.get(slug=EDITION_SLUG)
    assert str(edition.ceremony_on) == "2023-06-26"
    assert [c.name for c in edition.categories.all()] == [c[1] for c in CATEGORIES]
    assert edition.applications.filter(outcome=Outcome.WINNER).count() == 5
    page = client.get(f"/awards/{EDITION_SLUG}/winners/").content.decode()
    assert "Prédire la blessure" in page
    # The demo login on the jury has two applications to score, and can open them.
    client.force_login(researcher.user)
    jury = client.get(f"/awards/{EDITION_SLUG}/jury/").content.decode()
    assert jury.count("/awards/reviews/") == 2
    # The board has the jury's scores to show, every category ranked.
    assert all(rows for category, rows in board_for(edition) if category.applications.exists())


def test_without_the_demo_club_the_edition_still_loads(db):
    demo_awards_load()
    edition = Edition.objects.get(slug=EDITION_SLUG)
    assert edition.categories.count() == 5
    assert not edition.applications.exists()
