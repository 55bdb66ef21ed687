"""The balanced assignment, on plain values."""

from __future__ import annotations

from collections import Counter

import pytest

from compagnon.benchathons.assignment import AssignmentImpossible, Evaluator, assignment_plan


def _people(orgs: list[int | None]) -> list[Evaluator]:
    return [Evaluator(person_id=index + 1, organisation_id=org) for index, org in enumerate(orgs)]


def _by_item(plan, existing=()):
    items: dict[int, list[int]] = {}
    for item_id, person_id in [*existing, *plan.new]:
        items.setdefault(item_id, []).append(person_id)
    return items


def test_each_item_gets_two_evaluators_from_different_organisations_and_work_is_balanced():
    people = _people([1, 1, 1, 2, 2, 3, 3, 4, 4])  # 9 people, 4 organisations
    organisation = {person.person_id: person.organisation_id for person in people}
    plan = assignment_plan(item_ids=[10, 11, 12, 13, 14], evaluators=people, per_item=2)
    items = _by_item(plan)
    assert sorted(items) == [10, 11, 12, 13, 14]
    for evaluators in items.values():
        assert len(set(evaluators)) == 2
        assert len({organisation[p] for p in evaluators}) == 2
    load = Counter(person for _item, person in plan.new)
    assert max(load.values()) == 2  # ceil(10 / 9)
    assert plan.single_organisation_items == []


def test_balance_comes_before_diversity_for_a_lone_person_of_a_rare_organisation():
    # One person of organisation 2 and five of organisation 1: mixing every item would
    # give all six items to the same person; the fair share caps them at ceil(12/6) = 2.
    people = _people([2, 1, 1, 1, 1, 1])
    plan = assignment_plan(item_ids=list(range(1, 7)), evaluators=people, per_item=2)
    load = Counter(person for _item, person in plan.new)
    assert load[1] == 2
    assert max(load.values()) == 2
    assert len(plan.single_organisation_items) == 4


def test_one_organisation_only_still_assigns_and_says_no_item_is_mixed():
    people = _people([7, 7, 7])
    plan = assignment_plan(item_ids=[1, 2, 3], evaluators=people, per_item=2)
    assert len(plan.new) == 6
    assert plan.single_organisation_items == [1, 2, 3]
    assert set(Counter(person for _i, person in plan.new).values()) == {2}


def test_people_without_an_organisation_count_as_their_own():
    people = _people([None, None, 5])
    plan = assignment_plan(item_ids=[1, 2, 3], evaluators=people, per_item=2)
    assert plan.single_organisation_items == []


@pytest.mark.parametrize("count", [0, 1])
def test_too_few_people_is_refused_with_a_message_naming_the_numbers(count):
    with pytest.raises(AssignmentImpossible) as refusal:
        assignment_plan(item_ids=[1], evaluators=_people([1] * count), per_item=2)
    assert "needs 2 evaluators" in str(refusal.value)
    assert f"only {count} confirmed" in str(refusal.value)


def test_three_per_item_needs_three_people():
    with pytest.raises(AssignmentImpossible):
        assignment_plan(item_ids=[1], evaluators=_people([1, 2]), per_item=3)


def test_no_item_is_refused():
    with pytest.raises(AssignmentImpossible, match="items to evaluate first"):
        assignment_plan(item_ids=[], evaluators=_people([1, 2]), per_item=2)


def test_existing_evaluations_are_kept_and_items_only_topped_up():
    people = _people([1, 2, 3, 4])
    existing = [(1, 1), (1, 2), (2, 3)]
    plan = assignment_plan(item_ids=[1, 2], evaluators=people, per_item=2, existing=existing)
    assert len(plan.new) == 1
    item_id, person_id = plan.new[0]
    assert item_id == 2 and person_id != 3
    # Run again with everything: nothing more to do.
    again = assignment_plan(
        item_ids=[1, 2], evaluators=people, per_item=2, existing=[*existing, *plan.new]
    )
    assert again.new == []


def test_more_evaluators_than_items_spreads_the_work():
    people = _people(list(range(1, 11)))
    plan = assignment_plan(item_ids=[1, 2], evaluators=people, per_item=2)
    assert len({person for _item, person in plan.new}) == 4
