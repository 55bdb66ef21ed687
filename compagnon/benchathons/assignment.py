"""Balanced assignment of items to evaluators, without the ORM.

Each item gets `per_item` evaluators. Three wishes, in this order:

1. nobody carries more than their fair share, `ceil(slots / people)` (so the
   work is balanced, and a person from a rare organisation is not put on every
   item to diversify them);
2. within that, an item's evaluators come from different organisations where
   possible (people without an organisation count as an organisation of their own);
3. then whoever has waited longest for work: people queue in turns, which keeps
   the loads within one of each other and the plan deterministic.

Existing evaluations are kept: the plan only tops items up, and counts the
work people already have.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from math import ceil

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class AssignmentImpossible(Exception):
    """Why no plan can be made; the message is for the person who asked."""


@dataclass(frozen=True)
class Evaluator:
    person_id: int
    organisation_id: int | None = None

    @property
    def organisation_key(self) -> str:
        if self.organisation_id is None:
            return f"person-{self.person_id}"
        return f"organisation-{self.organisation_id}"


@dataclass
class Plan:
    new: list[tuple[int, int]] = field(default_factory=list)  # (item_id, person_id)
    single_organisation_items: list[int] = field(default_factory=list)
    load: dict[int, int] = field(default_factory=dict)  # person_id -> evaluations after the plan


def assignment_plan(
    *,
    item_ids: Sequence[int],
    evaluators: Sequence[Evaluator],
    per_item: int,
    existing: Iterable[tuple[int, int]] = (),
) -> Plan:
    if not item_ids:
        raise AssignmentImpossible(_("Add the items to evaluate first."))
    people = list(dict.fromkeys(evaluators))
    if len(people) < per_item:
        raise AssignmentImpossible(
            ngettext(
                "Each item needs %(needed)d evaluators, and the workshop has only %(count)d "
                "confirmed participant. Register more participants, or lower the number of "
                "evaluators per item (2 at least).",
                "Each item needs %(needed)d evaluators, and the workshop has only %(count)d "
                "confirmed participants. Register more participants, or lower the number of "
                "evaluators per item (2 at least).",
                len(people),
            )
            % {"needed": per_item, "count": len(people)}
        )
    by_id = {person.person_id: person for person in people}
    on_item: dict[int, set[int]] = {item_id: set() for item_id in item_ids}
    load = dict.fromkeys(by_id, 0)
    for item_id, person_id in existing:
        if item_id in on_item and person_id not in on_item[item_id]:
            on_item[item_id].add(person_id)
            if person_id in load:
                load[person_id] += 1
    organisations_on = {
        item_id: {by_id[p].organisation_key for p in persons if p in by_id}
        for item_id, persons in on_item.items()
    }
    needed = sum(max(0, per_item - len(on_item[item_id])) for item_id in item_ids)
    cap = ceil((sum(load.values()) + needed) / len(people))
    # People queue in turns, organisations interleaved (the largest first): taking
    # the front of the queue and sending them to the back keeps the loads even, and
    # neighbours in the queue come from different organisations.
    queue = sorted(_interleaved(people), key=lambda person: load[person.person_id])
    plan = Plan()
    for _round in range(needed):
        # Item by item, like dealing cards: k people in a row from the queue are k
        # different people, so dealing never reaches a dead end on a fresh grid.
        open_item = next((item for item in item_ids if len(on_item[item]) < per_item), None)
        if open_item is None:
            break
        item_id = open_item
        free = [person for person in queue if person.person_id not in on_item[item_id]]
        under_cap = [person for person in free if load[person.person_id] < cap] or free
        chosen = next(
            (
                person
                for person in under_cap
                if person.organisation_key not in organisations_on[item_id]
            ),
            under_cap[0],
        )
        queue.remove(chosen)
        queue.append(chosen)
        on_item[item_id].add(chosen.person_id)
        organisations_on[item_id].add(chosen.organisation_key)
        load[chosen.person_id] += 1
        plan.new.append((item_id, chosen.person_id))
    plan.single_organisation_items = [
        item_id
        for item_id in item_ids
        if len(on_item[item_id]) >= 2 and len(organisations_on[item_id]) < 2
    ]
    plan.load = load
    return plan


def _interleaved(people: list[Evaluator]) -> list[Evaluator]:
    """One person per organisation in turn, the largest organisations first."""
    groups: dict[str, list[Evaluator]] = {}
    for person in people:
        groups.setdefault(person.organisation_key, []).append(person)
    ordered = sorted(groups.values(), key=lambda group: -len(group))
    result: list[Evaluator] = []
    for turn in range(len(ordered[0]) if ordered else 0):
        result.extend(group[turn] for group in ordered if turn < len(group))
    return result
