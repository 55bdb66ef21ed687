"""What an anonymised (or named-only) case hides stays hidden in the workshop planned from it.

By default the workshop neither names the person who brought the case as a host
nor copies its title and description; staff may choose to. Its page links back
to the case only for viewers who may see who brought it.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from compagnon.cases.models import CaseStatus, Confidentiality
from compagnon.cases.tests.factories import CaseFactory
from compagnon.knowledge.models import Report, SearchDocument
from compagnon.knowledge.selectors import case_chain
from compagnon.knowledge.services import search_document_sync_report
from compagnon.members.selectors import viewer_for
from compagnon.members.tests.factories import TagFactory
from compagnon.workshops import services
from compagnon.workshops.models import WorkshopStatus
from compagnon.workshops.selectors import workshop_origin_case_for

pytestmark = pytest.mark.django_db

SECRET_TITLE = "Alpha's churn model leaks revenue"
SECRET_TEXT = "Our subscription churn at Alpha Corp doubled since March."


@pytest.fixture
def anonymised(member_a):
    return CaseFactory(
        brought_by=member_a,
        status=CaseStatus.MATCHED,
        opened_at=timezone.now(),
        title=SECRET_TITLE,
        description=SECRET_TEXT,
        confidentiality=Confidentiality.ANONYMISED,
        tags=[TagFactory(slug="churn", label_en="Churn", label_fr="Attrition")],
    )


def _published(workshop):
    workshop.status = WorkshopStatus.PUBLISHED
    workshop.save(update_fields=["status"])
    return workshop


def test_by_default_the_workshop_keeps_the_case_anonymous(anonymised, staff_user, member_a):
    workshop = services.workshop_plan_from_case(case=anonymised, by=staff_user)

    assert member_a not in workshop.hosts.all()
    assert list(workshop.hosts.all()) == [staff_user.person]
    assert SECRET_TITLE not in workshop.title
    assert SECRET_TEXT not in workshop.summary
    # A neutral title from the case's topics, in the case's language (French here).
    assert workshop.title == "Atelier : Attrition"
    assert workshop.origin_case == anonymised


def test_staff_may_choose_to_show_the_bringer_and_the_text(anonymised, staff_user, member_a):
    workshop = services.workshop_plan_from_case(
        case=anonymised, by=staff_user, show_bringer=True, copy_text=True
    )
    assert member_a in workshop.hosts.all()
    assert (workshop.title, workshop.summary) == (SECRET_TITLE, SECRET_TEXT)


def test_staff_may_write_their_own_title(anonymised, staff_user):
    workshop = services.workshop_plan_from_case(
        case=anonymised, by=staff_user, title="Churn, told plainly", summary="Bring a laptop."
    )
    assert (workshop.title, workshop.summary) == ("Churn, told plainly", "Bring a laptop.")


def test_a_named_only_case_is_not_copied_either(member_a, org_b, staff_user):
    case = CaseFactory(
        brought_by=member_a,
        status=CaseStatus.MATCHED,
        title=SECRET_TITLE,
        confidentiality=Confidentiality.NAMED_ORGANISATIONS,
        shared_with=[org_b],
    )
    workshop = services.workshop_plan_from_case(case=case, by=staff_user)
    assert SECRET_TITLE not in workshop.title
    assert member_a not in workshop.hosts.all()


def test_a_case_open_to_all_members_is_copied_as_before(member_a, staff_user):
    case = CaseFactory(brought_by=member_a, status=CaseStatus.MATCHED, title="Open churn")
    workshop = services.workshop_plan_from_case(case=case, by=staff_user)
    assert workshop.title == "Open churn"
    assert member_a in workshop.hosts.all()


def test_the_link_back_to_an_anonymised_case_is_for_its_own_side(
    anonymised, staff_user, member_a, manager_a, member_b
):
    workshop = _published(services.workshop_plan_from_case(case=anonymised, by=staff_user))
    assert workshop_origin_case_for(viewer_for(member_b.user), workshop) is None
    for user in (member_a.user, manager_a.user, staff_user):
        assert workshop_origin_case_for(viewer_for(user), workshop) == anonymised
    # And the case page does not list the workshop to them either.
    hidden = case_chain(case=anonymised, viewer=viewer_for(member_b.user))
    assert (hidden.workshops, hidden.outcomes) == ([], [])
    assert case_chain(case=anonymised, viewer=viewer_for(member_a.user)).workshops


def test_the_workshop_page_shows_neither_bringer_nor_case_to_other_members(
    anonymised, staff_user, member_a, member_b, client_of
):
    # Even when staff chose to show the bringer as a host, the page does not tie them to the case.
    workshop = _published(
        services.workshop_plan_from_case(case=anonymised, by=staff_user, show_bringer=True)
    )
    page = client_of(member_b).get(workshop.get_absolute_url()).content.decode()
    assert 'data-testid="origin-case"' not in page
    assert SECRET_TITLE not in page
    own = client_of(member_a).get(workshop.get_absolute_url()).content.decode()
    assert 'data-testid="origin-case"' in own


def test_the_reports_search_document_never_names_the_anonymised_organisation(
    anonymised, staff_user, member_a
):
    workshop = services.workshop_plan_from_case(case=anonymised, by=staff_user, show_bringer=True)
    report = Report.objects.create(workshop=workshop, title="What we learned", what_worked="Much.")
    search_document_sync_report(report=report)
    document = SearchDocument.objects.get(report=report)
    assert member_a.organisation not in document.organisations.all()


def test_the_planning_page_starts_from_the_confidential_choice(
    anonymised, staff_user, member_a, client_of
):
    client = client_of(staff_user)
    url = f"/workshops/from-case/{anonymised.pk}/"
    page = client.get(url).content.decode()
    assert 'data-testid="plan-confidential"' in page
    assert 'name="show_bringer"' in page and 'name="show_bringer" checked' not in page
    assert SECRET_TEXT not in page.split('data-testid="plan-form"')[1]

    response = client.post(url, {"format": "half_day", "title": "", "summary": ""})
    assert response.status_code == 302
    workshop = anonymised.workshops.get()
    assert SECRET_TITLE not in workshop.title
    assert member_a not in workshop.hosts.all()


def test_the_planning_page_records_the_staff_choice(anonymised, staff_user, member_a, client_of):
    response = client_of(staff_user).post(
        f"/workshops/from-case/{anonymised.pk}/",
        {"format": "half_day", "title": "Churn clinic", "show_bringer": "on"},
    )
    assert response.status_code == 302
    workshop = anonymised.workshops.get()
    assert workshop.title == "Churn clinic"
    assert member_a in workshop.hosts.all()


def test_staff_may_tick_to_copy_the_confidential_text(anonymised, staff_user, member_a, client_of):
    client = client_of(staff_user)
    url = f"/workshops/from-case/{anonymised.pk}/"
    assert 'name="copy_text"' in client.get(url).content.decode()
    response = client.post(url, {"format": "half_day", "copy_text": "on"})
    assert response.status_code == 302
    workshop = anonymised.workshops.get()
    assert (workshop.title, workshop.summary) == (SECRET_TITLE, SECRET_TEXT)
    assert member_a not in workshop.hosts.all()


def test_a_members_case_form_has_its_text_to_edit(member_a, staff_user, client_of):
    case = CaseFactory(brought_by=member_a, status=CaseStatus.MATCHED, title="Open churn")
    client = client_of(staff_user)
    page = client.get(f"/workshops/from-case/{case.pk}/").content.decode()
    assert 'name="copy_text"' not in page and 'value="Open churn"' in page
    client.post(f"/workshops/from-case/{case.pk}/", {"format": "half_day"})
    workshop = case.workshops.get()
    assert workshop.title == "Open churn" and member_a not in workshop.hosts.all()
