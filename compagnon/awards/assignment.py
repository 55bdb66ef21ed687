"""Who reviews what: a balanced assignment that never crosses a conflict. No ORM here.

Applications are served most-constrained first (fewest eligible jurors left), and
each takes the least-loaded eligible jurors it does not have yet. Without conflicts
this keeps every juror's load within one of every other's; with conflicts the
constrained applications pick first, so they are not left with nobody, and a
second pass moves new reviews from the busiest jurors to the idlest ones allowed
to take them until no such move narrows the gap. An
application with fewer eligible jurors than reviews wanted gets all of them and is
reported in `short`: the staff page asks for more jurors rather than breaking a
conflict.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ApplicationSlot:
    id: int
    conflicted: frozenset[int]  # juror ids that must never review it
    already: frozenset[int] = frozenset()  # juror ids already assigned (kept)


@dataclass
class AssignmentPlan:
    pairs: list[tuple[int, int]] = field(default_factory=list)  # (application, juror), new only
    load: dict[int, int] = field(default_factory=dict)  # juror -> reviews after the plan
    short: dict[int, int] = field(default_factory=dict)  # application -> reviews missing


def assignment_plan(
    applications: Iterable[ApplicationSlot],
    juror_ids: Iterable[int],
    *,
    per_application: int = 3,
    existing_load: dict[int, int] | None = None,
) -> AssignmentPlan:
    jurors = sorted(set(juror_ids))
    load = {j: 0 for j in jurors}
    for juror, count in (existing_load or {}).items():
        if juror in load:
            load[juror] = count
    apps = list(applications)
    juror_set = set(jurors)

    def eligible_count(app: ApplicationSlot) -> int:
        return len(juror_set - app.conflicted - app.already)

    def needed(app: ApplicationSlot) -> int:
        return max(0, per_application - len(app.already & juror_set))

    plan = AssignmentPlan(load=load)
    # Most constrained first: fewest spare eligible jurors for what it still needs.
    apps.sort(key=lambda a: (eligible_count(a) - needed(a), a.id))
    for app in apps:
        want = needed(app)
        if want == 0:
            continue
        candidates = [j for j in jurors if j not in app.conflicted and j not in app.already]
        chosen = heapq.nsmallest(want, candidates, key=lambda j: (load[j], j))
        for juror in chosen:
            load[juror] += 1
            plan.pairs.append((app.id, juror))
        if len(chosen) < want:
            plan.short[app.id] = want - len(chosen)
    _rebalance(plan, {a.id: a for a in apps})
    return plan


def _rebalance(plan: AssignmentPlan, apps: dict[int, ApplicationSlot]) -> None:
    """Move new reviews from loaded jurors to light ones while it narrows the gap."""
    load = plan.load
    reviewers: dict[int, set[int]] = {a: set(slot.already) for a, slot in apps.items()}
    new_by_juror: dict[int, list[int]] = {j: [] for j in load}
    for app_id, juror in plan.pairs:
        reviewers[app_id].add(juror)
        new_by_juror[juror].append(app_id)
    moved = True
    while moved:
        moved = False
        order = sorted(load, key=lambda j: (load[j], j))
        for high in reversed(order):
            for low in order:
                if load[high] - load[low] <= 1:
                    break
                for app_id in new_by_juror[high]:
                    slot = apps[app_id]
                    if low in slot.conflicted or low in reviewers[app_id]:
                        continue
                    new_by_juror[high].remove(app_id)
                    new_by_juror[low].append(app_id)
                    reviewers[app_id].discard(high)
                    reviewers[app_id].add(low)
                    load[high] -= 1
                    load[low] += 1
                    moved = True
                    break
                if moved:
                    break
            if moved:
                break
    plan.pairs = [(app_id, juror) for juror, ids in new_by_juror.items() for app_id in ids]
    plan.pairs.sort()
