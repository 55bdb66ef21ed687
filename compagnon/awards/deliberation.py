"""The deliberation board's arithmetic: per-juror z-scores, an aggregated rank, ties. No ORM.

Each submitted review gives one number: the weighted mean of its criterion scores,
put on 0..1 by the category's scale (so categories on different scales compare).
Each juror's numbers are then centred and scaled by that juror's own mean and
standard deviation (population), which corrects for harsh and lenient jurors. A
juror with a single review, or who gave everything the same, carries no spread: their
z-scores are 0 (neutral), not a division by zero. An application's score is the
mean of its reviews' z-scores; applications are ranked within their category, best
first, and equal scores (to 1e-9) share a rank and are flagged as ties.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

TIE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class ReviewScores:
    application_id: int
    category_id: int
    juror_id: int
    scores: tuple[float, ...]  # one per criterion, in the order of `weights`
    weights: tuple[float, ...]
    scale: tuple[float, float]  # (lowest, highest)


@dataclass
class RankedApplication:
    application_id: int
    category_id: int
    raw_mean: float  # mean weighted score on 0..1, before normalisation
    z_mean: float
    reviews: int
    rank: int = 0
    tied: bool = False
    z_by_juror: dict[int, float] = field(default_factory=dict)


def weighted_unit(review: ReviewScores) -> float:
    # Plain Python: five or six numbers per review are cheaper than a numpy array each.
    low, high = review.scale
    total = sum(w * (s - low) for s, w in zip(review.scores, review.weights, strict=True))
    return total / ((high - low) * sum(review.weights))


def board_rank(reviews: list[ReviewScores]) -> list[RankedApplication]:
    """Every reviewed application, by category then rank."""
    units = [weighted_unit(r) for r in reviews]
    by_juror: dict[int, list[int]] = defaultdict(list)
    for index, review in enumerate(reviews):
        by_juror[review.juror_id].append(index)
    z = [0.0] * len(reviews)
    for indices in by_juror.values():
        values = np.asarray([units[i] for i in indices])
        std = values.std()
        if std > 0:
            normalised = (values - values.mean()) / std
            for i, value in zip(indices, normalised, strict=True):
                z[i] = float(value)
    grouped: dict[int, list[int]] = defaultdict(list)
    for index, review in enumerate(reviews):
        grouped[review.application_id].append(index)
    ranked: list[RankedApplication] = []
    for application_id, indices in grouped.items():
        first = reviews[indices[0]]
        ranked.append(
            RankedApplication(
                application_id=application_id,
                category_id=first.category_id,
                raw_mean=sum(units[i] for i in indices) / len(indices),
                z_mean=sum(z[i] for i in indices) / len(indices),
                reviews=len(indices),
                z_by_juror={reviews[i].juror_id: z[i] for i in indices},
            )
        )
    # Rounded for the order, so scores equal but for float noise fall back to the id.
    ranked.sort(key=lambda r: (r.category_id, -round(r.z_mean, 9), r.application_id))
    _number(ranked)
    return ranked


def _number(ranked: list[RankedApplication]) -> None:
    """Competition ranking (1, 2, 2, 4) within each category; ties flagged."""
    previous: RankedApplication | None = None
    position = 0
    for item in ranked:
        if previous is None or previous.category_id != item.category_id:
            position = 0
            previous = None
        position += 1
        if previous is not None and abs(previous.z_mean - item.z_mean) <= TIE_TOLERANCE:
            item.rank = previous.rank
            item.tied = previous.tied = True
        else:
            item.rank = position
        previous = item
