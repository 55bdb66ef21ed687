"""Aggregating a benchathon's scores: mean and spread per item and criterion, without the ORM.

Works on plain values (`CriterionSpec`, score tuples) so that the results page,
the published report and the benchmark share one computation. Numbers are
grouped with numpy in one pass: `bincount` for counts and sums, `ufunc.at` for
the lowest and highest value of each cell.

- **Spread** is the range (highest minus lowest answer): "the evaluators differ
  by 2 points" reads directly off it. The standard deviation is given too.
- **Disagreement** is flagged on a 1-5 criterion when the range is 2 or more, and
  on a yes/no criterion when the answers are not unanimous. Numbers with a unit
  and free text are never flagged: there is no common yardstick for them.
- **Overall score** (0-100) is the weighted mean of the 1-5 criteria (1 → 0,
  5 → 100) and of the yes/no criteria (the share of "yes"); measures with a unit
  and free text do not count, since nothing says whether more is better.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain

import numpy as np

ONE_TO_FIVE = "1_5"
YES_NO = "yes_no"
NUMBER = "number"
TEXT = "text"
DISAGREEMENT_RANGE = 2.0


@dataclass(frozen=True)
class CriterionSpec:
    id: int
    name: str
    scale: str
    weight: float = 1.0
    unit: str = ""


@dataclass(frozen=True)
class Cell:
    """What the evaluators said about one item on one criterion."""

    count: int = 0
    mean: float | None = None
    low: float | None = None
    high: float | None = None
    std: float | None = None
    disagreement: bool = False
    texts: tuple[str, ...] = ()

    @property
    def spread(self) -> float | None:
        if self.low is None or self.high is None:
            return None
        return self.high - self.low


@dataclass
class Results:
    item_ids: list[int]
    criteria: list[CriterionSpec]
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    overall: dict[int, float | None] = field(default_factory=dict)

    def cell(self, item_id: int, criterion_id: int) -> Cell:
        return self.cells.get((item_id, criterion_id), Cell())

    @property
    def disagreements(self) -> list[tuple[int, int]]:
        return [key for key, cell in self.cells.items() if cell.disagreement]


def normalised(scale: str, value: float) -> float | None:
    """A mean on a 0-1 scale where higher is better, or None when the scale has no direction."""
    if scale == ONE_TO_FIVE:
        return (value - 1.0) / 4.0
    if scale == YES_NO:
        return value
    return None


def aggregate(
    *,
    item_ids: Sequence[int],
    criteria: Sequence[CriterionSpec],
    scores: Iterable[tuple[int, int, float | None, str]],
) -> Results:
    """Aggregate `(item_id, criterion_id, number, text)` answers of the submitted evaluations.

    Answers about an item or criterion not in the lists are ignored (a deleted item).
    """
    numbers: list[tuple[int, int, float]] = []
    texts: list[tuple[int, int, str]] = []
    for item_id, criterion_id, number, text in scores:
        if number is not None:
            numbers.append((item_id, criterion_id, number))
        elif text:
            texts.append((item_id, criterion_id, text))
    return aggregate_split(item_ids=item_ids, criteria=criteria, numbers=numbers, texts=texts)


def _positions(ids: Sequence[int], wanted: np.ndarray) -> np.ndarray:
    """The index of each wanted id in `ids`, or -1 when it is not there."""
    ids_array = np.asarray(ids, dtype=np.int64)
    order = np.argsort(ids_array, kind="stable")
    sorted_ids = ids_array[order]
    found = np.searchsorted(sorted_ids, wanted)
    found = np.minimum(found, max(len(sorted_ids) - 1, 0))
    ok = sorted_ids[found] == wanted if len(sorted_ids) else np.zeros(len(wanted), dtype=bool)
    return np.where(ok, order[found] if len(sorted_ids) else -1, -1)


def aggregate_split(
    *,
    item_ids: Sequence[int],
    criteria: Sequence[CriterionSpec],
    numbers: Sequence[tuple[int, int, float]],
    texts: Iterable[tuple[int, int, str]] = (),
) -> Results:
    """The same, with numeric answers and texts apart (as the selector reads them)."""
    results = Results(item_ids=list(item_ids), criteria=list(criteria))
    width = len(criteria)
    cells = len(item_ids) * width
    if cells == 0:
        return results
    known_items = set(item_ids)
    known_criteria = {criterion.id for criterion in criteria}
    texts_by_cell: dict[tuple[int, int], list[str]] = {}
    for item_id, criterion_id, text in texts:
        if item_id in known_items and criterion_id in known_criteria:
            texts_by_cell.setdefault((item_id, criterion_id), []).append(text)
    # One conversion (fromiter over the flattened rows is the quickest from Python
    # tuples), then the grouping on arrays.
    table = np.fromiter(
        chain.from_iterable(numbers), dtype=np.float64, count=3 * len(numbers)
    ).reshape(-1, 3)
    rows = _positions(item_ids, table[:, 0].astype(np.int64))
    columns = _positions([criterion.id for criterion in criteria], table[:, 1].astype(np.int64))
    keep = (rows >= 0) & (columns >= 0)
    key_array = rows[keep] * width + columns[keep]
    value_array = table[keep, 2]
    count = np.bincount(key_array, minlength=cells)
    total = np.bincount(key_array, weights=value_array, minlength=cells)
    squares = np.bincount(key_array, weights=value_array * value_array, minlength=cells)
    low = np.full(cells, np.inf)
    high = np.full(cells, -np.inf)
    np.minimum.at(low, key_array, value_array)
    np.maximum.at(high, key_array, value_array)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / count
        variance = np.maximum(squares / count - mean * mean, 0.0)
    std = np.sqrt(variance)
    spread = high - low
    scales = np.asarray([criterion.scale for criterion in criteria])
    scale_of_cell = np.tile(scales, len(item_ids))
    disagreement = ((scale_of_cell == ONE_TO_FIVE) & (spread >= DISAGREEMENT_RANGE)) | (
        (scale_of_cell == YES_NO) & (spread > 0)
    )
    answered = np.flatnonzero(count)
    for key, n, m, lo, hi, sd, flag in zip(
        answered.tolist(),
        count[answered].tolist(),
        mean[answered].tolist(),
        low[answered].tolist(),
        high[answered].tolist(),
        std[answered].tolist(),
        disagreement[answered].tolist(),
        strict=True,
    ):
        i, c = divmod(key, width)
        pair = (item_ids[i], criteria[c].id)
        results.cells[pair] = Cell(
            count=n,
            mean=m,
            low=lo,
            high=hi,
            std=sd,
            disagreement=flag,
            texts=tuple(texts_by_cell.pop(pair, ())),
        )
    for pair, answers in texts_by_cell.items():
        results.cells[pair] = Cell(count=len(answers), texts=tuple(answers))
    results.overall = _overall(results, mean.reshape(len(item_ids), width), count)
    return results


def _overall(results: Results, means: np.ndarray, count: np.ndarray) -> dict[int, float | None]:
    counted = count.reshape(means.shape) > 0
    scored = [
        c
        for c, criterion in enumerate(results.criteria)
        if criterion.scale in (ONE_TO_FIVE, YES_NO) and criterion.weight > 0
    ]
    overall: dict[int, float | None] = {}
    for i, item_id in enumerate(results.item_ids):
        weight_sum = 0.0
        total = 0.0
        for c in scored:
            if not counted[i, c]:
                continue
            criterion = results.criteria[c]
            value = normalised(criterion.scale, float(means[i, c]))
            if value is None:
                continue
            weight_sum += criterion.weight
            total += criterion.weight * value
        overall[item_id] = round(100.0 * total / weight_sum, 1) if weight_sum else None
    return overall
