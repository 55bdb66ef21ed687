"""Best-practice notes and outcomes, the case chain, and the list pages' query counts."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from compagnon.cases.tests.factories import open_case
from compagnon.knowledge.models import Note, Outcome, SearchDocument
from compagnon.knowledge.selectors import case_chain
from compagnon.knowledge.services import note_update, outcome_create
from compagnon.knowledge.tests.factories import make_note, make_report, make_workshop
from compagnon.members.selectors import viewer_for
from compagnon.members.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_member_writes_a_note_with_tags_and_workshop(client_of, member_a, workshop_a, forecasting):
    response = client_of(member_a).post(
        reverse("knowledge:note_create"),
        {
            "title": "Seed your runs",
            "body": "Always *seed* your runs.\n\n<script>alert(1)</script>",
            "tags": [forecasting.slug],
            "workshops": [workshop_a.pk],
            "visibility": "members",
        },
    )
    note = Note.objects.get()
    assert response.status_code == 302 and response["Location"] == note.get_absolute_url()
    assert list(note.tags.all()) == [forecasting] and list(note.workshops.all()) == [workshop_a]
    page = client_of(member_a).get(note.get_absolute_url()).content.decode()
    assert "<em>seed</em>" in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert SearchDocument.objects.get(note=note).tags.get() == forecasting


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "T", "body": "", "visibility": "members"}, "Write the note"),
        ({"title": "", "body": "x", "visibility": "members"}, "This field is required"),
        ({"title": "T", "body": "x" * 40_001, "visibility": "members"}, "at most 40000"),
        ({"title": "T", "body": "x", "visibility": "world"}, "Select a valid choice"),
        (
            {"title": "T", "body": "x", "visibility": "members", "tags": ["nope"]},
            "Select a valid choice",
        ),
    ],
)
def test_bad_notes_are_refused_whole(client_of, member_a, data, message):
    response = client_of(member_a).post(reverse("knowledge:note_create"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Note.objects.exists() and not SearchDocument.objects.exists()


def test_staff_without_a_person_are_told_how_to_write_a_note(client_of):
    staff = UserFactory(email="nobody@club.example", is_staff=True)
    response = client_of(staff).post(
        reverse("knowledge:note_create"), {"title": "T", "body": "x", "visibility": "members"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "your account is not linked to a person" in body and "in the admin" in body
    assert not Note.objects.exists() and not SearchDocument.objects.exists()


def test_a_bad_edit_changes_nothing(client_of, member_a):
    note = make_note(author=member_a, title="Version your datasets", body="Use DVC.")
    response = client_of(member_a).post(
        reverse("knowledge:note_edit", args=[note.pk]),
        {"title": "Renamed", "body": "", "visibility": "members"},
    )
    assert response.status_code == 400
    assert "Write the note" in response.content.decode()
    note.refresh_from_db()
    assert (note.title, note.body) == ("Version your datasets", "Use DVC.")
    assert SearchDocument.objects.get(note=note).title == "Version your datasets"


def test_only_the_author_or_staff_edit(client_of, member_a, member_b, staff_user):
    note = make_note(author=member_a)
    assert (
        client_of(member_b).get(reverse("knowledge:note_edit", args=[note.pk])).status_code == 403
    )
    with pytest.raises(PermissionDenied):
        note_update(note=note, actor=member_b.user, title="Hijacked")
    note_update(note=note, actor=staff_user, title="Tidied by staff")
    response = client_of(member_a).post(
        reverse("knowledge:note_edit", args=[note.pk]),
        {"title": "Version data", "body": "Use DVC.", "visibility": "public"},
    )
    assert response.status_code == 302
    note.refresh_from_db()
    assert (note.title, note.visibility) == ("Version data", "public")


def test_staff_record_outcomes(client_of, staff_user, member_a, org_a, org_b):
    case = open_case(brought_by=member_a)
    url = reverse("knowledge:outcome_create")
    page = client_of(staff_user).get(url, {"case": case.pk}).content.decode()
    assert f'<option value="{case.pk}" selected>' in page
    response = client_of(staff_user).post(
        url,
        {
            "kind": "open_source",
            "title": "EthicalAI toolkit",
            "date": "2024-03-01",
            "organisations": [org_a.pk, org_b.pk],
            "url": "github.com/example/ethicalai",
            "case": case.pk,
        },
    )
    assert response.status_code == 302
    outcome = Outcome.objects.get()
    assert outcome.url == "https://github.com/example/ethicalai" and outcome.case == case
    assert outcome.created_by == staff_user


def test_bad_outcomes_are_refused_whole(client_of, staff_user, member_a):
    response = client_of(staff_user).post(
        reverse("knowledge:outcome_create"),
        {"kind": "treaty", "title": "", "date": "31/02/2024", "url": "javascript:alert(1)"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "The outcome is not recorded yet" in body and "Enter a valid" in body
    assert not Outcome.objects.exists()
    with pytest.raises(PermissionDenied):
        outcome_create(actor=member_a.user, kind="other", title="x", date=date(2024, 1, 1))


# --- the case chain ------------------------------------------------------------------------------


def test_case_chain_case_workshops_follow_ups_outcomes(
    client_of, member_a, member_b, staff_user, org_b
):
    case = open_case(brought_by=member_a)
    first = make_workshop(hosts=[member_a], origin_case=case, title="First workshop")
    follow_up = make_workshop(hosts=[member_a], parent=first, title="Follow-up")
    second_level = make_workshop(hosts=[member_a], parent=follow_up, title="Second follow-up")
    hidden = make_workshop(
        hosts=[member_a], parent=first, title="Hidden follow-up", excluded=[org_b]
    )
    report = make_report(workshop=first, actor=member_a.user, title="What we learned")
    outcome_create(
        actor=staff_user,
        kind="partnership",
        title="Alpha-Beta partnership",
        date=date(2024, 6, 1),
        workshop=follow_up,
    )
    outcome_create(
        actor=staff_user,
        kind="consortium",
        title="ANR consortium",
        date=date(2024, 9, 1),
        case=case,
    )
    chain = case_chain(case=case, viewer=viewer_for(member_b.user))
    (root,) = chain.workshops
    assert root.workshop == first and root.report == report
    assert [link.workshop for link in root.follow_ups] == [follow_up]
    assert [o.title for o in root.follow_ups[0].outcomes] == ["Alpha-Beta partnership"]
    assert [link.workshop for link in root.follow_ups[0].follow_ups] == [second_level]
    assert [o.title for o in chain.outcomes] == ["ANR consortium"]
    staff_chain = case_chain(case=case, viewer=viewer_for(staff_user))
    assert {link.workshop for link in staff_chain.workshops[0].follow_ups} == {follow_up, hidden}

    page = client_of(member_b).get(case.get_absolute_url()).content.decode()
    assert 'data-testid="case-chain"' in page
    for text in (
        "First workshop",
        "Follow-up",
        "Second follow-up",
        "What we learned",
        "Alpha-Beta partnership",
        "ANR consortium",
    ):
        assert text in page
    assert "Hidden follow-up" not in page


def test_a_case_without_workshops_shows_no_chain(client_of, member_a):
    case = open_case(brought_by=member_a)
    chain = case_chain(case=case, viewer=viewer_for(member_a.user))
    assert chain.is_empty
    assert (
        'data-testid="case-chain"'
        not in client_of(member_a).get(case.get_absolute_url()).content.decode()
    )


# --- list pages: constant queries ------------------------------------------------------------------


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_note_list_queries_are_constant(
    client_of, member_a, member_b, forecasting, django_assert_num_queries
):
    client = client_of(member_a)
    url = reverse("knowledge:note_list")
    make_note(author=member_b, tags=[forecasting])
    one = _queries(client, url)
    make_note(author=member_a, tags=[forecasting])
    make_note(author=member_b)
    with django_assert_num_queries(one):
        client.get(url)


def test_outcome_list_queries_are_constant(
    client_of, member_a, staff_user, org_a, django_assert_num_queries
):
    client = client_of(member_a)
    url = reverse("knowledge:outcome_list")
    for n in range(3):
        outcome_create(
            actor=staff_user,
            kind="other",
            title=f"O{n}",
            date=date(2024, 1, 1 + n),
            organisations=[org_a],
        )
        if n == 0:
            one = _queries(client, url)
    with django_assert_num_queries(one):
        client.get(url)


def test_case_chain_queries_are_constant(member_a, staff_user, django_assert_num_queries):
    case = open_case(brought_by=member_a)
    viewer = viewer_for(member_a.user)
    first = make_workshop(hosts=[member_a], origin_case=case)
    make_report(workshop=first, actor=member_a.user)
    outcome_create(actor=staff_user, kind="other", title="o", date=date(2024, 1, 1), workshop=first)
    with CaptureQueriesContext(connection) as captured:
        case_chain(case=case, viewer=viewer)
    one = len(captured)
    for _ in range(2):
        workshop = make_workshop(hosts=[member_a], origin_case=case)
        make_report(workshop=workshop, actor=member_a.user)
        outcome_create(
            actor=staff_user, kind="other", title="o", date=date(2024, 1, 1), workshop=workshop
        )
    with django_assert_num_queries(one):
        chain = case_chain(case=case, viewer=viewer)
    assert len(chain.workshops) == 3


def test_staff_see_where_to_record_an_outcome(client_of, member_a, staff_user):
    case = open_case(brought_by=member_a)
    page = client_of(staff_user).get(case.get_absolute_url()).content.decode()
    assert f"{reverse('knowledge:outcome_create')}?case={case.pk}" in page
