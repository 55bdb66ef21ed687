"""The benchathon's services: who may act, what is refused and why, what is written."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from compagnon.benchathons import services
from compagnon.benchathons.models import BenchathonStatus, Criterion, Evaluation, Scale, Score
from compagnon.benchathons.tests.factories import (
    fill,
    full_marks,
    make_benchathon,
    make_participants,
    register,
)
from compagnon.knowledge.models import ReportStatus, SearchDocument
from compagnon.knowledge.tests.factories import make_workshop


def test_only_hosts_and_staff_make_a_workshop_a_benchathon(member_a, member_b, staff_user):
    workshop = make_workshop(hosts=[member_a])
    with pytest.raises(PermissionDenied):
        services.benchathon_create(workshop=workshop, actor=member_b.user)
    services.benchathon_create(workshop=workshop, actor=staff_user)
    with pytest.raises(ValidationError, match="already a benchathon"):
        services.benchathon_create(workshop=workshop, actor=member_a.user)


def test_a_grid_is_copied_from_a_past_benchathon_not_shared(benchathon, member_a):
    workshop = make_workshop(hosts=[member_a], title="Second edition")
    second = services.benchathon_create(
        workshop=workshop, actor=member_a.user, grid_source=benchathon.grid
    )
    names = list(second.grid.criteria.values_list("name", flat=True))
    assert names == list(benchathon.grid.criteria.values_list("name", flat=True))
    assert second.grid.copied_from == benchathon.grid
    # Changing the copy leaves the original as it was.
    services.criterion_add(benchathon=second, actor=member_a.user, name="Speed", scale="1_5")
    assert benchathon.grid.criteria.count() == 8
    assert second.grid.criteria.count() == 9


def test_criterion_names_are_unique_and_units_only_for_numbers(benchathon, member_a):
    with pytest.raises(ValidationError) as refusal:
        services.criterion_add(
            benchathon=benchathon, actor=member_a.user, name="usability", scale="1_5"
        )
    assert refusal.value.message_dict["name"] == ["The grid already has a criterion of that name."]
    text = services.criterion_add(
        benchathon=benchathon, actor=member_a.user, name="Notes", scale="text", unit="s"
    )
    assert text.unit == ""
    number = services.criterion_add(
        benchathon=benchathon,
        actor=member_a.user,
        name="Install time",
        scale="number",
        unit="s",
        weight=0,
    )
    assert number.unit == "s" and number.position == 10


def test_the_grid_locks_once_answers_exist(benchathon, member_a):
    services.evaluations_assign(benchathon=benchathon, actor=member_a.user)
    evaluation = Evaluation.objects.filter(item__benchathon=benchathon).first()
    fill(evaluation, {"Usability": 3}, submit=False)
    with pytest.raises(ValidationError, match="grid can no longer change"):
        services.criterion_add(benchathon=benchathon, actor=member_a.user, name="X", scale="1_5")
    with pytest.raises(ValidationError, match="grid can no longer change"):
        services.criterion_delete(criterion=benchathon.grid.criteria.first(), actor=member_a.user)
    with pytest.raises(ValidationError, match="stays, so that no evaluation is lost"):
        services.item_delete(item=evaluation.item, actor=member_a.user)


def test_items_are_unique_by_name_and_version(benchathon, member_a):
    with pytest.raises(ValidationError) as refusal:
        services.item_add(benchathon=benchathon, actor=member_a.user, name="fairlearn")
    assert refusal.value.message_dict["name"] == ["This item is already on the list."]
    services.item_add(benchathon=benchathon, actor=member_a.user, name="Fairlearn", version="0.10")


def test_assignment_gives_each_item_two_people_of_different_organisations(benchathon, member_a):
    outcome = services.evaluations_assign(benchathon=benchathon, actor=member_a.user)
    assert outcome.created == 4
    assert outcome.single_organisation_items == []
    for item in benchathon.items.all():
        evaluators = [e.evaluator for e in item.evaluations.select_related("evaluator")]
        assert len(evaluators) == 2
        assert len({person.organisation_id for person in evaluators}) == 2
    benchathon.refresh_from_db()
    assert benchathon.status == BenchathonStatus.EVALUATING
    # Again: nothing more to do, nothing duplicated.
    assert services.evaluations_assign(benchathon=benchathon, actor=member_a.user).created == 0
    # Three per item now: only the missing are added.
    assert (
        services.evaluations_assign(benchathon=benchathon, actor=member_a.user, per_item=3).created
        == 2
    )


def test_assignment_with_too_few_participants_says_what_to_do(member_a):
    benchathon = make_benchathon(host=member_a, participants=make_participants(1, 1))
    with pytest.raises(ValidationError) as refusal:
        services.evaluations_assign(benchathon=benchathon, actor=member_a.user)
    assert refusal.value.messages == [
        "Each item needs 2 evaluators, and the workshop has only 1 confirmed participant. "
        "Register more participants, or lower the number of evaluators per item (2 at least)."
    ]
    assert not Evaluation.objects.exists()
    with pytest.raises(ValidationError, match="at least two evaluators"):
        services.evaluations_assign(benchathon=benchathon, actor=member_a.user, per_item=1)


def test_assignment_with_one_organisation_says_no_item_is_mixed(member_a):
    benchathon = make_benchathon(host=member_a, participants=make_participants(3, 1))
    outcome = services.evaluations_assign(benchathon=benchathon, actor=member_a.user)
    assert outcome.created == 4
    assert len(outcome.single_organisation_items) == 2


def test_assignment_needs_a_grid(member_a, participants):
    benchathon = make_benchathon(host=member_a, participants=participants, grid=[])
    with pytest.raises(ValidationError, match="criteria first"):
        services.evaluations_assign(benchathon=benchathon, actor=member_a.user)


def test_only_organisers_assign(benchathon, member_b):
    with pytest.raises(PermissionDenied):
        services.evaluations_assign(benchathon=benchathon, actor=member_b.user)


@pytest.fixture
def assigned(benchathon, member_a):
    services.evaluations_assign(benchathon=benchathon, actor=member_a.user)
    return list(Evaluation.objects.filter(item__benchathon=benchathon).select_related("item"))


def test_an_evaluation_is_filled_by_its_evaluator_only(assigned, member_a, staff_user):
    evaluation = assigned[0]
    for actor in (member_a.user, staff_user):
        with pytest.raises(PermissionDenied):
            services.evaluation_save(evaluation=evaluation, actor=actor, answers={})


def test_a_draft_keeps_half_the_marks_and_a_submission_needs_all(assigned):
    evaluation = assigned[0]
    fill(evaluation, {"Usability": 3}, submit=False)
    assert Score.objects.filter(evaluation=evaluation).count() == 1
    with pytest.raises(ValidationError) as refusal:
        fill(evaluation, {"Usability": 3})
    message = refusal.value.messages[0]
    assert message.startswith("To submit, answer every criterion (free text may stay empty).")
    assert "Ease of installation" in message and "Weaknesses" not in message
    evaluation = fill(evaluation, full_marks(4, weakness="Sparse docs"))
    assert evaluation.is_submitted
    assert Score.objects.filter(evaluation=evaluation).count() == 8


@pytest.mark.parametrize(
    ("criterion", "value", "message"),
    [
        ("Usability", "6", "Usability: give a whole mark from 1 to 5."),
        ("Usability", "2.5", "Usability: give a whole mark from 1 to 5."),
        ("Usability", "abc", "Usability: “abc” is not a number."),
        ("Would you use it in a real project?", "maybe", "answer yes or no."),
    ],
)
def test_bad_marks_are_refused_with_a_clear_message(assigned, criterion, value, message):
    with pytest.raises(ValidationError) as refusal:
        fill(assigned[0], {criterion: value}, submit=False)
    assert message in refusal.value.messages[0]
    assert not Score.objects.exists()


def test_evidence_must_be_web_links(assigned):
    with pytest.raises(ValidationError) as refusal:
        fill(
            assigned[0],
            full_marks(),
            evidence="https://github.com/x/notebook.ipynb\njavascript:alert(1)",
        )
    assert refusal.value.message_dict["evidence"] == [
        "Line 2 is not a web link (http:// or https://): javascript:alert(1)"
    ]
    assert not assigned[0].scores.exists()


def test_a_measure_with_a_unit_is_a_number(member_a, participants):
    benchathon = make_benchathon(
        host=member_a,
        participants=participants,
        grid=[("Install time", Scale.NUMBER, "s", 0)],
        items=("Fairlearn",),
    )
    services.evaluations_assign(benchathon=benchathon, actor=member_a.user)
    evaluation = Evaluation.objects.filter(item__benchathon=benchathon).first()
    fill(evaluation, {"Install time": "12.5"})
    assert Score.objects.get(evaluation=evaluation).number == 12.5


def test_publish_writes_the_report_through_knowledge(assigned, benchathon, member_a):
    with pytest.raises(ValidationError, match="nothing to publish"):
        services.benchathon_publish(benchathon=benchathon, actor=member_a.user)
    for index, evaluation in enumerate(assigned):
        fill(
            evaluation,
            full_marks(2 + 2 * (index % 2), weakness=f"Weak point {index}"),
            evidence=f"https://github.com/club/bench/blob/main/{index}.ipynb",
        )
    report = services.benchathon_publish(
        benchathon=benchathon, actor=member_a.user, visibility="public"
    )
    assert report.status == ReportStatus.PUBLISHED and report.visibility == "public"
    assert "| Criterion | Scale | Weight | Description |" in report.question
    assert "| Item | Ease of installation |" in report.what_worked
    assert f"](/benchathons/{benchathon.pk}/chart.svg)" in report.what_worked
    assert "Weak point 0" in report.what_worked
    assert "⚠" in report.what_worked  # marks 2 and 4 on the same item
    assert "disagreed" in report.difficulties
    assert "https://github.com/club/bench/blob/main/0.ipynb" in report.code_links
    assert SearchDocument.objects.filter(report=report, body__contains="Fairlearn").exists()
    benchathon.refresh_from_db()
    assert benchathon.status == BenchathonStatus.PUBLISHED
    assert benchathon.report_chart_svg.startswith("<svg")
    # Closed to changes now; reopening lets an evaluator correct, publishing again updates.
    with pytest.raises(ValidationError, match="closed to changes"):
        fill(assigned[0], full_marks(5))
    services.benchathon_reopen(benchathon=benchathon, actor=member_a.user)
    fill(assigned[0], full_marks(5))
    again = services.benchathon_publish(benchathon=benchathon, actor=member_a.user)
    assert again.pk == report.pk


def test_publish_keeps_the_sections_the_hosts_wrote(assigned, benchathon, member_a):
    from compagnon.knowledge.services import report_save

    report_save(workshop=benchathon.workshop, actor=member_a.user, next_leads="Try AIF360 0.6")
    for evaluation in assigned:
        fill(evaluation, full_marks(4))
    report = services.benchathon_publish(benchathon=benchathon, actor=member_a.user)
    assert report.next_leads == "Try AIF360 0.6"


def test_drafts_do_not_count_in_the_results(assigned, benchathon):
    from compagnon.benchathons.selectors import benchathon_results, criteria_of, items_of

    fill(assigned[0], full_marks(5), submit=False)
    results = benchathon_results(
        benchathon, criteria=criteria_of(benchathon), items=items_of(benchathon)
    )
    assert results.cells == {}


def test_criteria_keep_their_order(benchathon):
    positions = list(
        Criterion.objects.filter(grid=benchathon.grid).values_list("position", flat=True)
    )
    assert positions == sorted(positions) == list(range(1, 9))
    assert register  # the factory helper registers people for other tests
