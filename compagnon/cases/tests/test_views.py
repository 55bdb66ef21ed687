"""The case pages: list, filing, the case page with its buttons, editing."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from compagnon.cases.models import Case, CaseFormat, CaseSource, CaseStatus, Confidentiality
from compagnon.cases.tests.factories import CaseFactory, open_case
from compagnon.core.models import OutboundEmail
from compagnon.members.models import MembershipStatus
from compagnon.members.tests.factories import (
    BaseFactory,
    OrganisationFactory,
    PersonFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

LIST = reverse("cases:case_list")
NEW = reverse("cases:case_create")


def detail(case):
    return reverse("cases:case_detail", args=[case.pk])


def transition(case):
    return reverse("cases:case_transition", args=[case.pk])


def form_data(**changes):
    data = {
        "title": "Sales forecasts broke",
        "description": "Since 2020 our **weekly** forecasts are off.",
        "tags": "",
        "data_description": "Five years of weekly sales.",
        "data_volume": "2 GB",
        "data_sharing": "agreement",
        "confidentiality": "members",
        "format": CaseFormat.WORKSHOP_HALF_DAY,
        "base": "",
        "remote_ok": "on",
        "language": "en",
        "horizon": "",
        "interested_needed": "3",
        "form_token": "f" * 32,
        "action": "draft",
    }
    data.update(changes)
    return data


def errors_of(response) -> str:
    """The text of the alerts on the page (field and form errors)."""
    html = response.content.decode()
    return " ".join(re.findall(r'role="alert"[^>]*>(.*?)</(?:ul|div)>', html, re.S))


# --- the list -----------------------------------------------------------------------------------


def test_visitors_sign_in_and_guests_are_told(client, client_of):
    response = client.get(LIST)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    lapsed = PersonFactory(
        organisation=OrganisationFactory(status=MembershipStatus.LAPSED), with_account=True
    )
    response = client_of(lapsed).get(LIST)
    assert response.status_code == 403
    assert b'data-testid="members-only"' in response.content


def test_list_shows_open_cases_and_my_cases(client_of, member_a, member_b, org_b):
    mine = CaseFactory(brought_by=member_a, title="My draft")
    theirs = open_case(brought_by=member_b, title="Beta's open case")
    hidden = CaseFactory(brought_by=member_b, title="Beta's draft")
    response = client_of(member_a).get(LIST)
    html = response.content.decode()
    assert response.status_code == 200
    assert "My draft" in html and "Beta&#x27;s open case" in html
    assert "Beta&#x27;s draft" not in html
    assert 'aria-current="page"' in html  # the "Cases" item of the main nav
    assert {mine.pk, theirs.pk} <= {int(pk) for pk in re.findall(r'data-case="(\d+)"', html)}
    assert hidden.pk not in {int(pk) for pk in re.findall(r'data-case="(\d+)"', html)}


def test_an_anonymised_card_hides_the_organisation(client_of, member_a, member_b):
    open_case(brought_by=member_a, confidentiality=Confidentiality.ANONYMISED, title="Secret")
    html = client_of(member_b).get(LIST).content.decode()
    assert "Secret" in html
    assert "A member organisation" in html
    assert "Alpha Corp" not in html and member_a.full_name not in html


def test_list_filters(client_of, member_a, member_b):
    parent = TagFactory(slug="machine-learning", label_en="Machine learning")
    child = TagFactory(slug="causal-ml", label_en="Causal ML", parent=parent)
    paris = BaseFactory(name="Paris")
    tagged = open_case(brought_by=member_b, title="Tagged", tags=[child])
    remote = open_case(brought_by=member_b, title="Advice", format=CaseFormat.ADVICE, base=paris)
    client = client_of(member_a)

    def shown(params):
        html = client.get(LIST, params, headers={"HX-Request": "true"}).content.decode()
        return {int(pk) for pk in re.findall(r'data-case="(\d+)"', html)}

    assert shown({}) == {tagged.pk, remote.pk}
    assert shown({"tag": "machine-learning"}) == {tagged.pk}  # a broad tag includes its children
    assert shown({"format": CaseFormat.ADVICE}) == {remote.pk}
    assert shown({"base": "paris"}) == {remote.pk}
    assert shown({"format": "nonsense"}) == {tagged.pk, remote.pk}


def test_staff_see_what_waits_for_them(client_of, staff_user, member_a):
    submitted = CaseFactory(brought_by=member_a, status=CaseStatus.SUBMITTED, title="Review me")
    by_mail = CaseFactory(brought_by=member_a, source=CaseSource.EMAIL, title="Came by mail")
    CaseFactory(brought_by=member_a, title="Quiet web draft")
    html = client_of(staff_user).get(LIST).content.decode()
    waiting = html.split('data-testid="cases-waiting"')[1].split("</section>")[0]
    assert "Review me" in waiting and "Came by mail" in waiting
    assert "Quiet web draft" not in waiting
    assert submitted.pk and by_mail.pk


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _rich_case(index, brought_by=None, **kwargs):
    organisation = OrganisationFactory()
    person = brought_by or PersonFactory(organisation=organisation)
    return open_case(
        brought_by=person,
        base=BaseFactory(name=f"Base {index}"),
        tags=[TagFactory(), TagFactory()],
        **kwargs,
    )


def test_list_query_count_does_not_grow_with_cases(client_of, member_a, staff_user):
    client = client_of(member_a)
    _rich_case(0)
    _rich_case(0, brought_by=member_a, confidentiality=Confidentiality.ANONYMISED)
    client.get(LIST)
    one = _queries(client, LIST)
    for index in range(1, 3):
        _rich_case(index)
        _rich_case(index, brought_by=member_a)
    assert _queries(client, LIST) == one

    staff = client_of(staff_user)
    CaseFactory(brought_by=member_a, status=CaseStatus.SUBMITTED, tags=[TagFactory()])
    staff.get(LIST)
    one = _queries(staff, LIST)
    for _index in range(2):
        CaseFactory(brought_by=member_a, status=CaseStatus.SUBMITTED, tags=[TagFactory()])
    assert _queries(staff, LIST) == one


# --- filing a case ------------------------------------------------------------------------------


def test_the_form_has_its_hooks(client_of, member_a):
    html = client_of(member_a).get(NEW).content.decode()
    for hook in ("case-form", "case-tags", "excluded-organisations", "case-submit"):
        assert f'data-testid="{hook}"' in html
    assert re.search(r'name="form_token" value="[0-9a-f]{32}"', html)
    assert 'name="on_behalf_of"' not in html
    assert "<legend>" in html
    excluded = html.split('data-testid="excluded-organisations"')[1].split("</select>")[0]
    assert "Alpha Corp" not in excluded  # one's own organisation is not offered


def test_a_member_saves_a_draft(client_of, member_a, org_a, org_b):
    tag = TagFactory(slug="causality", label_en="Causality", label_fr="Causalité")
    response = client_of(member_a).post(
        NEW,
        form_data(
            tags="causalité, Causality",
            excluded_organisations=[org_b.pk],
            horizon=(timezone.localdate() + timedelta(days=30)).isoformat(),
        ),
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == detail(case)
    assert (case.status, case.source, case.organisation) == ("draft", "web", org_a)
    assert list(case.tags.all()) == [tag]
    assert list(case.excluded_organisations.all()) == [org_b]


def test_a_member_submits_at_once(client_of, member_a):
    client_of(member_a).post(NEW, form_data(action="submit"))
    case = Case.objects.get()
    assert case.status == CaseStatus.SUBMITTED
    assert list(case.transitions.values_list("to_status", flat=True)) == ["draft", "submitted"]


def test_a_double_submit_files_one_case(client_of, member_a):
    client = client_of(member_a)
    client.post(NEW, form_data(action="submit"))
    response = client.post(NEW, form_data(action="submit"), follow=True)
    case = Case.objects.get()
    assert response.redirect_chain[-1][0] == detail(case)
    assert "already filed" in response.content.decode()
    assert case.transitions.count() == 2


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"description": ""}, "Describe the case"),
        ({"description": "x" * 100_000}, "limited to 20000 characters (it has 100000)"),
        ({"tags": "causalty"}, "Unknown tag “causalty”. Did you mean “Causality”?"),
        ({"tags": "zzzz"}, "Unknown tag “zzzz”. Pick one from the suggestions."),
        ({"horizon": "2001-01-01"}, "The date is in the past"),
        ({"confidentiality": "named"}, "Name at least one organisation"),
    ],
)
def test_bad_input_is_refused_with_a_message(client_of, member_a, changes, message):
    TagFactory(slug="causality", label_en="Causality", label_fr="Causalité")
    response = client_of(member_a).post(NEW, form_data(**changes))
    assert response.status_code == 200
    assert message in errors_of(response)
    assert 'data-testid="case-form-errors"' in response.content.decode()
    assert not Case.objects.exists()


def test_staff_file_on_behalf_of_a_member(client_of, staff_user, member_b, org_b):
    client = client_of(staff_user)
    assert 'name="on_behalf_of"' in client.get(NEW).content.decode()
    client.post(NEW, form_data(on_behalf_of="BRUNO@beta.example"))
    case = Case.objects.get()
    assert (case.brought_by, case.organisation, case.source) == (member_b, org_b, "staff")
    assert case.filed_by == staff_user


def test_staff_on_behalf_of_unknown_or_lapsed(client_of, staff_user):
    client = client_of(staff_user)
    response = client.post(NEW, form_data(on_behalf_of="nobody@nowhere.example"))
    assert "No one in the club has the address nobody@nowhere.example." in errors_of(response)
    lapsed = PersonFactory(organisation=OrganisationFactory(status=MembershipStatus.LAPSED))
    response = client.post(NEW, form_data(on_behalf_of=lapsed.email))
    assert "has no active membership" in errors_of(response)
    assert not Case.objects.exists()


# --- the case page --------------------------------------------------------------------------------


def test_the_case_page_renders_safe_markdown(client_of, member_a):
    case = CaseFactory(
        brought_by=member_a,
        description="# Context\n\n<script>alert(1)</script> [x](javascript:alert(1)) **bold**",
    )
    html = client_of(member_a).get(detail(case)).content.decode()
    body = html.split('data-testid="case-description">')[1].split("</div>")[0]
    assert "<h3>Context</h3>" in body and "<strong>bold</strong>" in body
    assert "<script" not in body and 'href="javascript' not in body


def test_owner_sees_status_timeline_and_own_buttons(client_of, member_a):
    case = CaseFactory(brought_by=member_a)
    html = client_of(member_a).get(detail(case)).content.decode()
    assert re.search(r'data-testid="case-status"[^>]*>Draft<', html)
    assert 'data-testid="transition-submitted"' in html
    assert 'data-testid="transition-closed"' in html
    assert 'data-testid="transition-open"' not in html
    assert 'data-testid="case-edit"' in html
    assert 'data-testid="case-find-people"' not in html


def test_staff_see_their_buttons(client_of, staff_user, member_a):
    case = CaseFactory(brought_by=member_a, status=CaseStatus.SUBMITTED)
    html = client_of(staff_user).get(detail(case)).content.decode()
    for status in ("open", "declined", "closed"):
        assert f'data-testid="transition-{status}"' in html
    assert 'data-testid="transition-submitted"' not in html
    assert 'data-testid="decline-form"' in html


def test_staff_get_find_people_on_an_open_case(client_of, staff_user, member_a):
    case = open_case(brought_by=member_a)
    html = client_of(staff_user).get(detail(case)).content.decode()
    url = reverse("case_invitations:case_match", args=[case.pk])
    assert f'href="{url}"' in html


def test_members_do_not_see_exclusions_nor_who_moved_an_anonymised_case(
    client_of, member_a, member_b, staff_user
):
    competitor = OrganisationFactory(name="Zeta Competitor")
    case = open_case(
        brought_by=member_a,
        confidentiality=Confidentiality.ANONYMISED,
        excluded_organisations=[competitor],
    )
    case.transitions.update(actor=member_a.user)
    html = client_of(member_b).get(detail(case)).content.decode()
    assert "Zeta Competitor" not in html
    assert "A member organisation" in html
    assert member_a.full_name not in html and "Alpha Corp" not in html
    own = client_of(member_a).get(detail(case)).content.decode()
    assert "Zeta Competitor" in own and member_a.full_name in own


def test_a_draft_is_not_found_by_other_members(client_of, member_a, member_b):
    case = CaseFactory(brought_by=member_a)
    assert client_of(member_b).get(detail(case)).status_code == 404


# --- moving a case --------------------------------------------------------------------------------


def test_owner_submits_from_the_page(client_of, member_a):
    case = CaseFactory(brought_by=member_a)
    response = client_of(member_a).post(transition(case), {"to": "submitted"}, follow=True)
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED
    assert "The case is now “Submitted”." in response.content.decode()


def test_declining_without_a_reason_is_refused(client_of, staff_user, member_a):
    case = CaseFactory(brought_by=member_a, status=CaseStatus.SUBMITTED)
    response = client_of(staff_user).post(transition(case), {"to": "declined", "note": " "})
    assert response.status_code == 400
    assert "Give a reason for declining" in errors_of(response)
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED and not case.transitions.exists()
    assert not OutboundEmail.objects.exists()


def test_declining_with_a_reason(client_of, staff_user, member_a):
    case = CaseFactory(brought_by=member_a, status=CaseStatus.SUBMITTED)
    client = client_of(staff_user)
    client.post(transition(case), {"to": "declined", "note": "Not a data problem."})
    case.refresh_from_db()
    assert (case.status, case.decline_reason) == ("declined", "Not a data problem.")
    html = client_of(member_a).get(detail(case)).content.decode()
    assert "Not a data problem." in html


def test_an_illegal_move_is_refused(client_of, staff_user, member_a):
    case = CaseFactory(brought_by=member_a)
    response = client_of(staff_user).post(transition(case), {"to": "matched"})
    assert response.status_code == 400
    assert "A case cannot go from “Draft” to “Matched”." in errors_of(response)
    case.refresh_from_db()
    assert case.status == CaseStatus.DRAFT


def test_a_manager_sees_but_cannot_move(client_of, manager_a, member_a):
    case = CaseFactory(brought_by=member_a)
    client = client_of(manager_a)
    assert client.get(detail(case)).status_code == 200
    assert client.post(transition(case), {"to": "submitted"}).status_code == 403
    case.refresh_from_db()
    assert case.status == CaseStatus.DRAFT


def test_an_unknown_status_is_a_form_error(client_of, staff_user, member_a):
    case = CaseFactory(brought_by=member_a)
    response = client_of(staff_user).post(transition(case), {"to": "exploded"})
    assert response.status_code == 400


# --- editing ------------------------------------------------------------------------------------


def test_owner_edits_a_draft(client_of, member_a):
    tag = TagFactory(slug="nlp", label_en="NLP")
    case = CaseFactory(brought_by=member_a, tags=[tag])
    client = client_of(member_a)
    page = client.get(reverse("cases:case_edit", args=[case.pk])).content.decode()
    assert 'value="NLP"' in page
    response = client.post(
        reverse("cases:case_edit", args=[case.pk]), form_data(title="A clearer title", tags="NLP")
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.title == "A clearer title" and list(case.tags.all()) == [tag]


def test_owner_cannot_edit_an_open_case_but_staff_can(client_of, member_a, staff_user):
    case = open_case(brought_by=member_a)
    url = reverse("cases:case_edit", args=[case.pk])
    assert client_of(member_a).get(url).status_code == 403
    response = client_of(staff_user).post(url, form_data(title="Staff wording"))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.title == "Staff wording"


def test_a_refused_edit_keeps_the_case(client_of, member_a):
    case = CaseFactory(brought_by=member_a, title="Original")
    response = client_of(member_a).post(
        reverse("cases:case_edit", args=[case.pk]), form_data(title="New", description="")
    )
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.title == "Original"


def test_a_member_asking_for_the_matches_of_a_case_they_cannot_see_gets_404(
    client_of, member_a, member_b
):
    # Named-organisations case of A, not shared with B: B must not learn it exists.
    hidden = open_case(brought_by=member_a, confidentiality=Confidentiality.NAMED_ORGANISATIONS)
    match = "case_invitations:case_match"
    client = client_of(member_b)
    assert client.get(reverse(match, args=[hidden.pk])).status_code == 404
    assert client.get(reverse(match, args=[hidden.pk + 1000])).status_code == 404
    # A case B can see: the page exists, it is only not for members.
    visible = open_case(brought_by=member_a)
    assert client.get(reverse(match, args=[visible.pk])).status_code == 403


def test_the_owner_of_a_case_nobody_was_asked_on_is_told_what_happens_next(client_of, member_a):
    case = open_case(brought_by=member_a)
    html = client_of(member_a).get(detail(case)).content.decode()
    assert "staff invite people who work on it" in html
    assert "their answers will appear here" in html


def test_staff_with_nobody_to_propose_are_told_what_to_do_next(client_of, staff_user, member_a):
    case = open_case(brought_by=member_a)  # an empty club: nobody else has a profile
    html = client_of(staff_user).get(reverse("case_invitations:case_match", args=[case.pk]))
    html = html.content.decode()
    assert "Nobody to propose yet" in html
    assert f'href="{reverse("cases:case_edit", args=[case.pk])}"' in html
    assert f'href="{reverse("members:directory")}"' in html


def test_a_person_id_too_large_for_the_database_is_not_understood_and_invites_nobody(
    client_of, staff_user, member_a
):
    case = open_case(brought_by=member_a)
    url = reverse("case_invitations:case_match", args=[case.pk])
    response = client_of(staff_user).post(url, {"people": ["9" * 23]})
    assert response.status_code == 200
    assert "The list of people was not understood" in response.content.decode()
    assert not case.invitations.exists()
