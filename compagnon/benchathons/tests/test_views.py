"""The benchathon pages: forms, messages people see, the board, the results, query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from compagnon.benchathons import services
from compagnon.benchathons.models import Benchathon, Evaluation
from compagnon.benchathons.tests.factories import (
    fill,
    full_marks,
    make_benchathon,
    make_participants,
)
from compagnon.knowledge.tests.factories import make_workshop


def _page(response) -> str:
    return response.content.decode()


def test_the_workshop_page_offers_to_run_it_as_a_benchathon(client_of, member_a, member_b):
    workshop = make_workshop(hosts=[member_a])
    page = _page(client_of(member_a).get(workshop.get_absolute_url()))
    assert reverse("benchathons:create", args=[workshop.pk]) in page
    assert 'data-testid="workshop-benchathon"' not in _page(
        client_of(member_b).get(workshop.get_absolute_url())
    )


def test_creating_a_benchathon_from_a_past_grid(client_of, member_a, benchathon):
    workshop = make_workshop(hosts=[member_a], title="Spring edition")
    response = client_of(member_a).post(
        reverse("benchathons:create", args=[workshop.pk]),
        {"goal": "Which library?", "evaluators_per_item": "2", "grid_source": benchathon.grid_id},
    )
    created = Benchathon.objects.get(workshop=workshop)
    assert response["Location"] == reverse("benchathons:setup", args=[created.pk])
    assert created.grid.criteria.count() == 8
    page = _page(client_of(member_a).get(workshop.get_absolute_url()))
    assert created.get_absolute_url() in page


def test_setup_shows_the_service_refusal_next_to_the_field(client_of, member_a, benchathon):
    response = client_of(member_a).post(
        reverse("benchathons:setup", args=[benchathon.pk]),
        {
            "action": "add_criterion",
            "criterion-name": "Usability",
            "criterion-scale": "1_5",
            "criterion-weight": "1",
        },
    )
    assert response.status_code == 400
    assert "The grid already has a criterion of that name." in _page(response)


def test_assigning_with_too_few_people_says_so(client_of, member_a):
    benchathon = make_benchathon(host=member_a, participants=make_participants(1, 1))
    response = client_of(member_a).post(
        reverse("benchathons:setup", args=[benchathon.pk]),
        {"action": "assign", "evaluators_per_item": "2"},
    )
    assert response.status_code == 400
    assert "the workshop has only 1 confirmed participant" in _page(response)


def test_assigning_with_one_organisation_warns(client_of, member_a):
    benchathon = make_benchathon(host=member_a, participants=make_participants(2, 1))
    response = client_of(member_a).post(
        reverse("benchathons:setup", args=[benchathon.pk]),
        {"action": "assign", "evaluators_per_item": "2"},
        follow=True,
    )
    page = _page(response)
    assert "4 evaluations assigned." in page
    assert "people of one organisation only" in page


def test_an_evaluator_fills_the_form_and_sees_what_is_missing(client_of, member_a, benchathon):
    services.evaluations_assign(benchathon=benchathon, actor=member_a.user)
    evaluation = Evaluation.objects.filter(item__benchathon=benchathon).first()
    client = client_of(evaluation.evaluator)
    url = reverse("benchathons:evaluation", args=[evaluation.pk])
    form_page = _page(client.get(url))
    assert "<legend>Usability</legend>" in form_page
    criteria = {c.name: c.pk for c in benchathon.grid.criteria.all()}
    response = client.post(url, {"action": "submit", f"criterion_{criteria['Usability']}": "4"})
    assert response.status_code == 400
    assert "To submit, answer every criterion" in _page(response)
    data = {f"criterion_{pk}": "4" for name, pk in criteria.items()}
    data[f"criterion_{criteria['Would you use it in a real project?']}"] = "yes"
    data[f"criterion_{criteria['Weaknesses']}"] = "No multiclass support"
    data.update(action="submit", evidence="https://github.com/club/nb.ipynb", notes="Easy.")
    response = client.post(url, data)
    assert response["Location"] == benchathon.get_absolute_url()
    evaluation.refresh_from_db()
    assert evaluation.is_submitted and evaluation.scores.count() == 8
    # The organiser reads it; the form is not offered to them.
    page = _page(client_of(member_a).get(url))
    assert 'data-testid="evaluation-read"' in page
    assert "<dt>Would you use it in a real project?</dt><dd>Yes</dd>" in page
    assert "https://github.com/club/nb.ipynb" in page


def test_someone_elses_evaluation_is_a_404(client_of, member_a, benchathon, participants):
    services.evaluations_assign(benchathon=benchathon, actor=member_a.user)
    evaluation = Evaluation.objects.filter(item__benchathon=benchathon).first()
    other = next(p for p in participants if p.pk != evaluation.evaluator_id)
    response = client_of(other).get(reverse("benchathons:evaluation", args=[evaluation.pk]))
    assert response.status_code == 404


def test_the_board_polls_its_own_partial(client_of, member_a, benchathon):
    services.evaluations_assign(benchathon=benchathon, actor=member_a.user)
    evaluation = Evaluation.objects.filter(item__benchathon=benchathon).first()
    fill(evaluation, full_marks())
    client = client_of(member_a)
    url = reverse("benchathons:board", args=[benchathon.pk])
    page = _page(client.get(url))
    assert 'hx-trigger="every 10s"' in page
    assert "1 of 4 evaluations submitted (25 %)" in page
    partial = client.get(url, headers={"HX-Request": "true"})
    assert "<html" not in _page(partial)
    assert "1 of 4 evaluations submitted" in _page(partial)
    assert "HX-Request" in partial["Vary"]


def test_results_show_the_table_the_flags_and_the_heatmap(client_of, member_a, benchathon):
    services.evaluations_assign(benchathon=benchathon, actor=member_a.user)
    for index, evaluation in enumerate(Evaluation.objects.filter(item__benchathon=benchathon)):
        fill(evaluation, full_marks(1 + 3 * (index % 2), weakness="Slow"))
    page = _page(client_of(member_a).get(reverse("benchathons:results", args=[benchathon.pk])))
    assert 'data-testid="comparison-table"' in page
    assert 'data-testid="disagreement"' in page
    assert "data-chart" in page
    assert "Comparison heatmap" in page
    assert 'data-testid="publish-form"' in page


def test_publish_as_report_in_one_click(client_of, member_a, benchathon, member_b):
    services.evaluations_assign(benchathon=benchathon, actor=member_a.user)
    for evaluation in Evaluation.objects.filter(item__benchathon=benchathon):
        fill(evaluation, full_marks(4))
    client = client_of(member_a)
    response = client.post(
        reverse("benchathons:publish", args=[benchathon.pk]), {"visibility": "members"}
    )
    report = benchathon.workshop.report
    assert response["Location"] == report.get_absolute_url()
    report_page = _page(client_of(member_b).get(report.get_absolute_url()))
    chart_url = reverse("benchathons:chart_svg", args=[benchathon.pk])
    assert f'src="{chart_url}"' in report_page
    assert "<table>" in report_page
    svg = client_of(member_b).get(chart_url)
    assert svg["Content-Type"] == "image/svg+xml"
    assert svg.content.startswith(b"<svg")


def test_publishing_with_nothing_submitted_says_why(client_of, member_a, benchathon):
    response = client_of(member_a).post(
        reverse("benchathons:publish", args=[benchathon.pk]), {"visibility": "members"}, follow=True
    )
    assert "No evaluation is submitted yet: there is nothing to publish." in _page(response)


def _benchathons_with_items(member_a, count: int) -> Benchathon:
    people = make_participants(4, 2)
    names = tuple(f"Library {index}" for index in range(count))
    benchathon = make_benchathon(host=member_a, participants=people, items=names)
    services.evaluations_assign(benchathon=benchathon, actor=member_a.user)
    for evaluation in Evaluation.objects.filter(item__benchathon=benchathon)[:count]:
        fill(evaluation, full_marks(3), evidence="https://example.org/nb")
    return benchathon


@pytest.mark.parametrize("count", [1, 3])
def test_board_query_count_is_fixed(client_of, member_a, django_assert_num_queries, count):
    benchathon = _benchathons_with_items(member_a, count)
    client = client_of(member_a)
    url = reverse("benchathons:board", args=[benchathon.pk])
    client.get(url)
    with django_assert_num_queries(6):
        client.get(url, headers={"HX-Request": "true"})


@pytest.mark.parametrize("count", [1, 3])
def test_results_query_count_is_fixed(client_of, member_a, django_assert_num_queries, count):
    benchathon = _benchathons_with_items(member_a, count)
    client = client_of(member_a)
    url = reverse("benchathons:results", args=[benchathon.pk])
    client.get(url)
    with django_assert_num_queries(11):
        client.get(url)


@pytest.mark.parametrize("count", [1, 3])
def test_list_query_count_is_fixed(client_of, member_a, django_assert_num_queries, count):
    for _index in range(count):
        _benchathons_with_items(member_a, 2)
    client = client_of(member_a)
    client.get(reverse("benchathons:list"))
    with django_assert_num_queries(4):
        response = client.get(reverse("benchathons:list"))
    assert _page(response).count('class="card"') == count


def test_setup_copies_a_grid_removes_a_criterion_and_an_item(client_of, member_a, benchathon):
    workshop = make_workshop(hosts=[member_a], title="Autumn edition")
    second = services.benchathon_create(workshop=workshop, actor=member_a.user)
    client = client_of(member_a)
    url = reverse("benchathons:setup", args=[second.pk])
    page = _page(client.get(url))
    assert 'data-testid="grid-copy-form"' in page
    client.post(url, {"action": "copy_grid", "copy-source": benchathon.grid_id})
    assert second.grid.criteria.count() == 8
    criterion = second.grid.criteria.first()
    client.post(url, {"action": "delete_criterion", "criterion": criterion.pk})
    assert second.grid.criteria.count() == 7
    client.post(
        url, {"action": "add_item", "item-name": "Aequitas", "item-url": "github.com/dssg/aequitas"}
    )
    item = second.items.get()
    assert item.url == "https://github.com/dssg/aequitas"
    client.post(url, {"action": "delete_item", "item": item.pk})
    assert not second.items.exists()
    # Another benchathon's criterion is not reachable from this page.
    other = benchathon.grid.criteria.first()
    response = client.post(url, {"action": "delete_criterion", "criterion": other.pk})
    assert response.status_code == 404


def test_reopening_after_publication(client_of, member_a, benchathon):
    services.evaluations_assign(benchathon=benchathon, actor=member_a.user)
    for evaluation in Evaluation.objects.filter(item__benchathon=benchathon):
        fill(evaluation, full_marks(4))
    services.benchathon_publish(benchathon=benchathon, actor=member_a.user)
    client = client_of(member_a)
    url = reverse("benchathons:setup", args=[benchathon.pk])
    assert 'data-testid="benchathon-closed"' in _page(client.get(url))
    client.post(url, {"action": "reopen"})
    benchathon.refresh_from_db()
    assert benchathon.status == "evaluating"
