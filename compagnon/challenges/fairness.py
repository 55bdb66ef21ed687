"""Group-fairness metrics, the Pareto front and rankings over several metrics: the building blocks
of fairness-aware challenges (issue #19, item 2), not wired into scoring or leaderboards yet.

Binary predictions (1 is the favourable outcome) against a sensitive attribute coded
0..G-1. The counts per group are accumulated chunk by chunk (`GroupCounts.update`),
so scoring can stream a large file with memory bounded by the chunk, as it does
today; the four metrics then read the counts only. Definitions follow fairlearn's
(`fairlearn.metrics`, between-groups differences and ratios):

- demographic parity difference: max - min over groups of the selection rate P(ŷ=1 | g);
- equal opportunity difference: max - min of the true positive rate P(ŷ=1 | y=1, g);
- equalised odds difference: the larger of the TPR difference and the FPR difference;
- disparate impact ratio (fairlearn's demographic parity ratio): min / max selection rate.

A rate that needs a group with no row of the kind (no positive in a group, for the
TPR) is undefined: `MetricUndefinedError`, as for the other metrics.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from django.utils.translation import gettext_lazy as _

from compagnon.challenges.metrics import MetricUndefinedError


@dataclass
class GroupCounts:
    groups: int
    rows: np.ndarray = field(init=False)
    selected: np.ndarray = field(init=False)
    positives: np.ndarray = field(init=False)
    true_positives: np.ndarray = field(init=False)
    false_positives: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        zeros = np.zeros(self.groups, dtype=np.int64)
        self.rows, self.selected, self.positives = zeros.copy(), zeros.copy(), zeros.copy()
        self.true_positives, self.false_positives = zeros.copy(), zeros.copy()

    def update(self, truth: np.ndarray, predicted: np.ndarray, group: np.ndarray) -> None:
        """Add a chunk: `truth` and `predicted` are 0/1, `group` the codes 0..groups-1."""
        truth = truth.astype(bool, copy=False)
        predicted = predicted.astype(bool, copy=False)
        size = self.groups
        self.rows += np.bincount(group, minlength=size)
        self.selected += np.bincount(group, weights=predicted, minlength=size).astype(np.int64)
        self.positives += np.bincount(group, weights=truth, minlength=size).astype(np.int64)
        self.true_positives += np.bincount(group, weights=truth & predicted, minlength=size).astype(
            np.int64
        )
        self.false_positives += np.bincount(
            group, weights=~truth & predicted, minlength=size
        ).astype(np.int64)

    def _rates(self, numerator: np.ndarray, denominator: np.ndarray, what: str) -> np.ndarray:
        present = self.rows > 0
        if np.count_nonzero(present) < 2:
            raise MetricUndefinedError(_("A fairness metric needs at least two groups."))
        if np.any(denominator[present] == 0):
            raise MetricUndefinedError(
                _("A group has no %(what)s: the rate is undefined for it.") % {"what": what}
            )
        return numerator[present] / denominator[present]

    def selection_rates(self) -> np.ndarray:
        return self._rates(self.selected, self.rows, str(_("rows")))

    def true_positive_rates(self) -> np.ndarray:
        return self._rates(self.true_positives, self.positives, str(_("positive rows")))

    def false_positive_rates(self) -> np.ndarray:
        return self._rates(
            self.false_positives, self.rows - self.positives, str(_("negative rows"))
        )


def _spread(rates: np.ndarray) -> float:
    return float(rates.max() - rates.min())


def demographic_parity_difference(counts: GroupCounts) -> float:
    return _spread(counts.selection_rates())


def equal_opportunity_difference(counts: GroupCounts) -> float:
    return _spread(counts.true_positive_rates())


def equalised_odds_difference(counts: GroupCounts) -> float:
    return max(_spread(counts.true_positive_rates()), _spread(counts.false_positive_rates()))


def disparate_impact_ratio(counts: GroupCounts) -> float:
    rates = counts.selection_rates()
    if rates.max() == 0:
        raise MetricUndefinedError(
            _("No group has a favourable prediction: the ratio is undefined.")
        )
    return float(rates.min() / rates.max())


FAIRNESS_METRICS: dict[str, Callable[[GroupCounts], float]] = {
    "demographic_parity_difference": demographic_parity_difference,
    "equal_opportunity_difference": equal_opportunity_difference,
    "equalised_odds_difference": equalised_odds_difference,
    "disparate_impact_ratio": disparate_impact_ratio,
}
# Lower is fairer for the differences (0 is parity); higher for the ratio (1 is parity).
HIGHER_IS_BETTER = {
    "demographic_parity_difference": False,
    "equal_opportunity_difference": False,
    "equalised_odds_difference": False,
    "disparate_impact_ratio": True,
}


def pareto_front(
    scores: Sequence[Mapping[str, float]], higher_is_better: Mapping[str, bool]
) -> list[int]:
    """Indices of the entries no other entry beats on every metric (ties are not beaten).

    An entry is dominated when another is at least as good on every metric and
    strictly better on one.
    """
    names = list(higher_is_better)
    signs = np.array([1.0 if higher_is_better[name] else -1.0 for name in names])
    matrix = np.array([[entry[name] for name in names] for entry in scores], dtype=float)
    if matrix.size == 0:
        return []
    oriented = matrix * signs  # higher is better on every column now
    front = []
    for index, row in enumerate(oriented):
        at_least = np.all(oriented >= row, axis=1)
        better = np.any(oriented > row, axis=1)
        if not np.any(at_least & better):
            front.append(index)
    return front


@dataclass(frozen=True)
class Ranking:
    """How a challenge orders its leaderboard over several metrics.

    - one metric: `metric` set, no weights, no constraint;
    - a weighted sum: `weights` (metric -> weight; a metric where lower is better
      counts negatively, so that a higher sum is always better);
    - a constraint: `metric` is optimised among entries where `constraint_metric`
      is at most (or, for a higher-is-better metric, at least) `constraint_bound`;
      the others follow, ordered by how far they miss it.
    """

    metric: str = ""
    weights: Mapping[str, float] = field(default_factory=dict)
    constraint_metric: str = ""
    constraint_bound: float | None = None


def ranked(
    scores: Sequence[Mapping[str, float]],
    higher_is_better: Mapping[str, bool],
    ranking: Ranking,
) -> list[int]:
    """Indices of the entries, best first, by the challenge's declared ranking."""

    def oriented(entry: Mapping[str, float], name: str) -> float:
        return entry[name] if higher_is_better[name] else -entry[name]

    order = range(len(scores))
    if ranking.weights:
        return sorted(
            order,
            key=lambda i: (
                -sum(weight * oriented(scores[i], name) for name, weight in ranking.weights.items())
            ),
        )
    if ranking.constraint_metric and ranking.constraint_bound is not None:
        name, bound = ranking.constraint_metric, ranking.constraint_bound

        def miss(i: int) -> float:
            value = scores[i][name]
            return max(0.0, bound - value) if higher_is_better[name] else max(0.0, value - bound)

        return sorted(
            order, key=lambda i: (miss(i) > 0, miss(i), -oriented(scores[i], ranking.metric))
        )
    return sorted(order, key=lambda i: -oriented(scores[i], ranking.metric))
