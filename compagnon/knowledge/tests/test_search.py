"""Search: stemming in both languages, accents, ranking, snippets, filters, visibility, bad input.

Runs unchanged on SQLite (FTS5) and PostgreSQL (tsvector): the suite runs on both.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from compagnon.cases.models import Confidentiality
from compagnon.cases.services import case_update
from compagnon.cases.tests.factories import CaseFactory
from compagnon.knowledge.models import SearchDocument, Visibility
from compagnon.knowledge.search import SearchFilters, query_terms, search
from compagnon.knowledge.selectors import search_facets
from compagnon.knowledge.services import search_reindex
from compagnon.knowledge.tests.factories import make_note, make_report, make_workshop
from compagnon.members.selectors import ANONYMOUS, viewer_for
from compagnon.members.tests.factories import TagFactory
from compagnon.workshops.models import Audience, WorkshopStatus

pytestmark = pytest.mark.django_db


def _titles(results):
    return [hit.document.title for hit in results.hits]


@pytest.fixture
def corpus(member_a, member_b, workshop_a, forecasting):
    french = make_report(
        workshop=workshop_a,
        actor=member_a.user,
        title="Prévisions hôtelières après le Covid",
        question="Comment distinguer une rupture durable d'un choc passager ?",
        what_worked="Les prévisions par **gradient boosting** sur données hebdomadaires.",
        what_did_not="Le modèle ARIMA saisonnier.",
    )
    english = make_note(
        author=member_b,
        title="Forecasting with few data",
        body="When forecasting demand with little history, pool similar stores.",
    )
    other = make_note(author=member_b, title="Versioning datasets", body="Use DVC and hashes.")
    return {"french": french, "english": english, "other": other}


def test_french_stemming_and_accents(corpus, member_a):
    viewer = viewer_for(member_a.user)
    assert _titles(search(query="prévision", viewer=viewer)) == [
        "Prévisions hôtelières après le Covid"
    ]
    # Without accents, and in capitals.
    assert _titles(search(query="PREVISION HOTELIERE", viewer=viewer)) == [
        "Prévisions hôtelières après le Covid"
    ]


def test_english_stemming(corpus, member_a):
    viewer = viewer_for(member_a.user)
    # The note says "forecasting" in its title; the report only through its workshop's tag.
    assert _titles(search(query="forecasts", viewer=viewer)) == [
        "Forecasting with few data",
        "Prévisions hôtelières après le Covid",
    ]
    assert _titles(search(query="pool stores", viewer=viewer)) == ["Forecasting with few data"]
    assert "Versioning datasets" in _titles(search(query="dataset versioned", viewer=viewer))


def test_every_word_must_match(corpus, member_a):
    viewer = viewer_for(member_a.user)
    assert _titles(search(query="stores arima", viewer=viewer)) == []
    assert _titles(search(query="arima saisonnier", viewer=viewer)) == [
        "Prévisions hôtelières après le Covid"
    ]


def test_tag_labels_are_searchable(corpus, member_a):
    # The workshop's tag "Forecasting" makes the French report match the English word.
    results = search(query="forecasting", viewer=viewer_for(member_a.user))
    assert set(_titles(results)) == {
        "Forecasting with few data",
        "Prévisions hôtelières après le Covid",
    }


def test_title_ranks_above_body(member_a, member_b):
    make_note(author=member_b, title="Notes on pipelines", body="A word on uplift at the end.")
    make_note(author=member_b, title="Uplift modelling", body="How we measured uplift.")
    results = search(query="uplift", viewer=viewer_for(member_a.user))
    assert _titles(results) == ["Uplift modelling", "Notes on pipelines"]
    assert results.hits[0].rank > results.hits[1].rank


def test_snippet_highlights_and_escapes(member_a, member_b):
    make_note(
        author=member_b,
        title="Safe <b>title</b>",
        body="Before <script>alert(1)</script> we tried **uplift** models on churn.",
    )
    (hit,) = search(query="uplift", viewer=viewer_for(member_a.user)).hits
    assert "<mark>uplift</mark>" in hit.snippet_html
    assert "<script>" not in hit.snippet_html and "<script>" not in hit.title_html
    assert "&lt;b&gt;" in hit.title_html


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "(",
        "forecast)",
        'forecast" OR',
        "NEAR(forecast data)",
        "forecast*",
        "-forecast",
        "title:forecast",
        "forecast AND NOT",
        "'; DROP TABLE knowledge_note; --",
        "\x00",
        "x" * 5000,
        "🙂",
    ],
)
def test_engine_syntax_is_plain_text(corpus, member_a, client_of, query):
    results = search(query=query, viewer=viewer_for(member_a.user))
    assert results.total == len(results.hits)
    response = client_of(member_a).get(reverse("knowledge:search"), {"q": query})
    assert response.status_code == 200


def test_operators_are_searched_as_words(corpus, member_a):
    assert _titles(search(query='"pool" (', viewer=viewer_for(member_a.user))) == [
        "Forecasting with few data"
    ]


def test_empty_query_searches_nothing(corpus, member_a):
    assert query_terms("  ?! ") == []
    results = search(query="", viewer=viewer_for(member_a.user))
    assert not results.searched and results.hits == []


def test_stop_words_alone_still_search(corpus, member_a):
    assert query_terms("the forecast") == ["forecast"]
    assert query_terms("the") == ["the"]


# --- filters ---------------------------------------------------------------------------------


def test_filters_by_kind_tag_organisation_year(corpus, member_a, org_a, org_b, forecasting):
    viewer = viewer_for(member_a.user)
    query = "forecasting"
    assert _titles(search(query=query, viewer=viewer, filters=SearchFilters(kind="note"))) == [
        "Forecasting with few data"
    ]
    by_tag = search(
        query=query, viewer=viewer, filters=SearchFilters(tag_ids=frozenset({forecasting.pk}))
    )
    assert _titles(by_tag) == ["Prévisions hôtelières après le Covid"]
    # The report counts for its hosts' organisation, a note for its author's.
    assert _titles(
        search(query=query, viewer=viewer, filters=SearchFilters(organisation_id=org_b.pk))
    ) == ["Forecasting with few data"]
    assert _titles(
        search(query=query, viewer=viewer, filters=SearchFilters(organisation_id=org_a.pk))
    ) == ["Prévisions hôtelières après le Covid"]
    year = corpus["english"].created_at.year
    assert len(search(query=query, viewer=viewer, filters=SearchFilters(year=year)).hits) == 2
    assert search(query=query, viewer=viewer, filters=SearchFilters(year=year - 5)).hits == []


def test_filters_from_the_page(corpus, member_a, client_of, org_b):
    response = client_of(member_a).get(
        reverse("knowledge:search"), {"q": "forecasting", "organisation": org_b.pk, "kind": "note"}
    )
    assert [hit.document.title for hit in response.context["results"].hits] == [
        "Forecasting with few data"
    ]
    # A tag filter includes its specialities; a hand-typed bad value is ignored.
    response = client_of(member_a).get(
        reverse("knowledge:search"), {"q": "forecasting", "year": "abc", "tag": "nope"}
    )
    assert response.status_code == 200
    assert response.context["results"].total == 2


# --- visibility --------------------------------------------------------------------------------


def test_visitors_find_public_items_only(corpus, member_a, member_b):
    make_note(
        author=member_b, title="Public forecasting tips", body="x", visibility=Visibility.PUBLIC
    )
    assert _titles(search(query="forecasting", viewer=ANONYMOUS)) == ["Public forecasting tips"]


def test_draft_reports_only_for_hosts_and_staff(member_a, member_b, staff_user, forecasting):
    workshop = make_workshop(hosts=[member_a], tags=[forecasting])
    make_report(workshop=workshop, actor=member_a.user, publish=False, title="Uplift draft")
    assert _titles(search(query="uplift", viewer=viewer_for(member_a.user))) == ["Uplift draft"]
    assert _titles(search(query="uplift", viewer=viewer_for(staff_user))) == ["Uplift draft"]
    assert _titles(search(query="uplift", viewer=viewer_for(member_b.user))) == []


def test_reports_follow_the_workshop_visibility(member_a, member_b, org_b):
    excluding = make_workshop(hosts=[member_a], excluded=[org_b], title="Secret")
    make_report(workshop=excluding, actor=member_a.user, title="Uplift secret")
    public_ws = make_workshop(hosts=[member_a], audience=Audience.PUBLIC, title="Open")
    make_report(
        workshop=public_ws, actor=member_a.user, title="Uplift open", visibility=Visibility.PUBLIC
    )
    assert set(_titles(search(query="uplift", viewer=viewer_for(member_a.user)))) == {
        "Uplift secret",
        "Uplift open",
    }
    assert _titles(search(query="uplift", viewer=viewer_for(member_b.user))) == ["Uplift open"]
    assert _titles(search(query="uplift", viewer=ANONYMOUS)) == ["Uplift open"]


def test_a_published_report_of_a_draft_workshop_stays_hidden(member_a, member_b):
    workshop = make_workshop(hosts=[member_a], status=WorkshopStatus.DRAFT)
    make_report(workshop=workshop, actor=member_a.user, title="Uplift early")
    assert _titles(search(query="uplift", viewer=viewer_for(member_b.user))) == []


# --- the index stays in step -----------------------------------------------------------------


def test_edits_and_reindex_keep_one_document_each(corpus, member_b):
    from compagnon.knowledge.services import note_update

    note_update(note=corpus["english"], actor=member_b.user, title="Forecasting sparse series")
    viewer = viewer_for(member_b.user)
    assert _titles(search(query="sparse", viewer=viewer)) == ["Forecasting sparse series"]
    assert _titles(search(query="few", viewer=viewer)) == []  # the old title is gone
    assert search_reindex() == 3
    assert SearchDocument.objects.count() == 3
    assert _titles(search(query="sparse", viewer=viewer)) == ["Forecasting sparse series"]


# --- the page --------------------------------------------------------------------------------


def test_page_empty_states(client_of, member_a, corpus):
    client = client_of(member_a)
    page = client.get(reverse("knowledge:search")).content.decode()
    assert 'data-testid="search-start"' in page
    page = client.get(reverse("knowledge:search"), {"q": "kubernetes"}).content.decode()
    assert 'data-testid="search-empty"' in page and "kubernetes" in page


@pytest.mark.parametrize("page", ["abc", "-3", "0", "99999"])
def test_a_bad_page_number_shows_a_page_not_an_error(client_of, member_a, corpus, page):
    response = client_of(member_a).get(reverse("knowledge:search"), {"q": "forecast", "page": page})
    assert response.status_code == 200
    assert 'data-testid="results-count"' in response.content.decode()


def test_htmx_returns_the_results_only(client_of, member_a, corpus):
    response = client_of(member_a).get(
        reverse("knowledge:search"), {"q": "forecast"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert "<html" not in body and 'data-testid="search-hit"' in body
    assert "<mark>Forecasting</mark>" in body
    assert "HX-Request" in response["Vary"]


def test_search_page_queries_do_not_grow_with_hits(client_of, member_a, member_b):
    client = client_of(member_a)
    client.get(reverse("knowledge:search"), {"q": "uplift"})  # warm the session

    def count(n):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("knowledge:search"), {"q": "uplift"})
        assert len(response.context["results"].hits) == n
        return len(captured)

    make_note(author=member_b, title="Uplift 1", body="a")
    one = count(1)
    make_note(author=member_b, title="Uplift 2", body="b")
    make_note(author=member_b, title="Uplift 3", body="c")
    assert count(3) == one  # every write made the filter choices be computed again
    assert count(3) < one  # a repeat reads them from the cache


def test_filter_choices_are_kept_and_forgotten_on_write(
    member_a, member_b, django_assert_num_queries
):
    viewer = viewer_for(member_a.user)
    make_note(author=member_b, title="Uplift", body="a", tags=[TagFactory(slug="causality")])
    assert [tag.slug for tag in search_facets(viewer)["tags"]] == ["causality"]
    with django_assert_num_queries(0):  # kept in the cache
        search_facets(viewer)
    make_note(author=member_b, title="Drift", body="b", tags=[TagFactory(slug="drift")])
    assert {tag.slug for tag in search_facets(viewer)["tags"]} == {"causality", "drift"}


def test_tags_are_indexed_with_synonyms(member_a, member_b):
    tag = TagFactory(
        slug="causality", label_fr="Causalité", label_en="Causality", synonyms="uplift"
    )
    make_note(author=member_b, title="A note", body="Nothing special.", tags=[tag])
    assert _titles(search(query="causalite", viewer=viewer_for(member_a.user))) == ["A note"]
    assert _titles(search(query="uplift", viewer=viewer_for(member_a.user))) == ["A note"]


def test_reindex_command(corpus):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("knowledge_reindex", stdout=out)
    assert "3 documents indexed." in out.getvalue()


def test_anonymising_a_case_takes_its_organisation_out_of_its_reports_filter(
    member_a, member_b, staff_user, org_a
):
    case = CaseFactory(brought_by=member_a, opened=True)
    workshop = make_workshop(hosts=[member_b], origin_case=case, title="Uplift on real sales")
    make_report(workshop=workshop, actor=staff_user)
    viewer = viewer_for(member_b.user)
    by_org_a = SearchFilters(organisation_id=org_a.pk)
    assert _titles(search(query="uplift", viewer=viewer, filters=by_org_a)) == [
        "Uplift on real sales"
    ]

    case_update(case=case, actor=staff_user, confidentiality=Confidentiality.ANONYMISED)

    assert _titles(search(query="uplift", viewer=viewer, filters=by_org_a)) == []
    assert _titles(search(query="uplift", viewer=viewer)) == ["Uplift on real sales"]
