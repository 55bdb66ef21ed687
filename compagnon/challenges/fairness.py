"""Group-fairness metrics, the Pareto front and rankings over several metrics (issue #19, item 2).

Binary decisions (1 is the favourable outcome) against a sensitive attribute coded
0..G-1, which only the private solution holds. The scorer counts, per group and per
split, the rows, the favourable decisions, the positives, the true and the false
positives in one `bincount` (`GroupCounts.from_cells`); the four metrics then read the
counts only. Definitions follow fairlearn's (`fairlearn.metrics`, "between_groups"),
computed over the groups present in the split:

- demographic parity difference: max - min over groups of the selection rate P(ŷ=1 | g);
- equal opportunity difference: max - min of the true positive rate P(ŷ=1 | y=1, g);
- equalised odds difference: the larger of the TPR difference and the FPR difference;
- disparate impact ratio (fairlearn's demographic parity ratio): min / max selection rate.

Edge cases (docs/scoring.md, "Fairness metrics"):

- fewer than two groups in a split, or a group without a positive (TPR) or without a
  negative (FPR) row: the metric is undefined (`MetricUndefinedError`). These depend on
  the solution only, so `Solution.check_metric` refuses such a solution at upload, with a
  message for the organiser; fairlearn would return 0 (one group) or treat the empty
  group's rate as 0, a number that means nothing;
- no group gets a single favourable decision: the disparate impact ratio is 1 (every
  group has the same rate, 0), where fairlearn returns NaN (0 / 0). It depends on the
  submission, so it must be a number.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from django.utils.translation import gettext_lazy as _

from compagnon.challenges.metrics import MetricUndefinedError

# Per group, four cells: truth * 2 + decision (0: TN, 1: FP, 2: FN, 3: TP).
CELLS = 4


@dataclass
class GroupCounts:
    groups: int
    rows: np.ndarray = field(init=False)
    selected: np.ndarray = field(init=False)
    positives: np.ndarray = field(init=False)
    true_positives: np.ndarray = field(init=False)
    false_positives: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self._set(np.zeros((self.groups, CELLS), dtype=np.int64))

    def _set(self, cells: np.ndarray) -> None:
        self.rows = cells.sum(axis=1)
        self.false_positives = cells[:, 1]
        self.true_positives = cells[:, 3]
        self.selected = self.false_positives + self.true_positives
        self.positives = cells[:, 2] + cells[:, 3]
        self._cells = cells

    @classmethod
    def from_cells(cls, cells: np.ndarray) -> GroupCounts:
        """From a (G, 4) array of counts: true negatives, false positives, false negatives, TP."""
        counts = cls(groups=cells.shape[0])
        counts._set(np.asarray(cells, dtype=np.int64))
        return counts

    def update(self, truth: np.ndarray, predicted: np.ndarray, group: np.ndarray) -> None:
        """Add a chunk: `truth` and `predicted` are 0/1, `group` the codes 0..groups-1."""
        cell = group.astype(np.int64) * CELLS
        cell += truth.astype(bool, copy=False) * 2
        cell += predicted.astype(bool, copy=False)
        found = np.bincount(cell, minlength=self.groups * CELLS).reshape(self.groups, CELLS)
        self._set(self._cells + found)

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
        return 1.0  # every group at 0: parity (fairlearn: NaN); see the module docstring
    return float(rates.min() / rates.max())


FAIRNESS_METRICS: dict[str, Callable[[GroupCounts], float]] = {
    "demographic_parity_difference": demographic_parity_difference,
    "equal_opportunity_difference": equal_opportunity_difference,
    "equalised_odds_difference": equalised_odds_difference,
    "disparate_impact_ratio": disparate_impact_ratio,
}
FAIRNESS_LABELS = {
    "demographic_parity_difference": _("Demographic parity difference"),
    "equal_opportunity_difference": _("Equal opportunity difference"),
    "equalised_odds_difference": _("Equalised odds difference"),
    "disparate_impact_ratio": _("Disparate impact ratio"),
}
# Lower is fairer for the differences (0 is parity); higher for the ratio (1 is parity).
HIGHER_IS_BETTER = {
    "demographic_parity_difference": False,
    "equal_opportunity_difference": False,
    "equalised_odds_difference": False,
    "disparate_impact_ratio": True,
}
# What each metric needs in every group of every split (checked on the solution).
NEEDS_POSITIVES = {"equal_opportunity_difference", "equalised_odds_difference"}
NEEDS_NEGATIVES = {"equalised_odds_difference"}


def split_counts(cells: np.ndarray, groups: int) -> tuple[GroupCounts, GroupCounts]:
    """The public and private counts from one bincount of `public * G * 4 + group * 4 + cell`."""
    table = np.asarray(cells, dtype=np.int64).reshape(2, groups, CELLS)
    return GroupCounts.from_cells(table[1]), GroupCounts.from_cells(table[0])


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


RANK_METRIC = "metric"
RANK_WEIGHTED = "weighted"
RANK_CONSTRAINT = "constraint"


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

    @property
    def kind(self) -> str:
        if self.weights:
            return RANK_WEIGHTED
        if self.constraint_metric and self.constraint_bound is not None:
            return RANK_CONSTRAINT
        return RANK_METRIC

    def weighted_sum(self, entry: Mapping[str, float], higher_is_better: Mapping[str, bool]):
        return sum(
            weight * _oriented(entry, name, higher_is_better)
            for name, weight in self.weights.items()
        )

    def miss(self, entry: Mapping[str, float], higher_is_better: Mapping[str, bool]) -> float:
        """How far the entry is from meeting the constraint (0: it meets it)."""
        name, bound = self.constraint_metric, self.constraint_bound
        value = entry.get(name)
        if value is None or bound is None:
            return float("inf")
        return max(0.0, bound - value) if higher_is_better[name] else max(0.0, value - bound)

    def key(self, entry: Mapping[str, float], higher_is_better: Mapping[str, bool]) -> tuple:
        """Sort key, smaller first: best entry first. A missing value ranks last."""
        if self.kind == RANK_WEIGHTED:
            return (-self.weighted_sum(entry, higher_is_better),)
        if self.kind == RANK_CONSTRAINT:
            miss = self.miss(entry, higher_is_better)
            return (miss > 0, miss, -_oriented(entry, self.metric, higher_is_better))
        return (-_oriented(entry, self.metric, higher_is_better),)


def _oriented(entry: Mapping[str, float], name: str, higher_is_better: Mapping[str, bool]):
    value = entry.get(name)
    if value is None:
        return float("-inf")
    return value if higher_is_better[name] else -value


def ranked(
    scores: Sequence[Mapping[str, float]],
    higher_is_better: Mapping[str, bool],
    ranking: Ranking,
) -> list[int]:
    """Indices of the entries, best first, by the challenge's declared ranking."""
    return sorted(range(len(scores)), key=lambda i: ranking.key(scores[i], higher_is_better))


def parse_weights(text: str) -> tuple[dict[str, float], list[str]]:
    """`accuracy=1, demographic_parity_difference=0.5` -> ({name: weight}, unreadable parts)."""
    weights: dict[str, float] = {}
    unreadable = []
    for part in text.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        name, sign, value = part.partition("=")
        try:
            weight = float(value)
        except ValueError:
            weight = float("nan")
        if not sign or not name.strip() or not np.isfinite(weight):
            unreadable.append(part)
            continue
        weights[name.strip()] = weight
    return weights, unreadable
