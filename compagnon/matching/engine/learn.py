"""Learning the score's part weights from the club's answers (coordinate ascent of nDCG@10).

Plain data in, plain data out (no Django): the database side (matching.learning)
collects, per answered case, the unweighted parts of each labelled person
(`Ranker.features`: normalised per case as `rank` scores them, when
`Weights.normalise` is on) and their label; `weights_fit` returns the weights of
`PARTS` to put in `Weights`.

Model (since 2026-12-05): coordinate ascent of the mean nDCG@10 of the answered
cases' labelled people, starting from the prior's weights, each weight tried at
`STEPS` of its value and a change kept only when it gains more than `MARGIN`
(the procedure bench/matching_tune.py fits the prior with on the dev set). The
result is scaled like the prior (largest weight = the prior's largest) so
`min_score` and the reasons keep their meaning, and shrunk towards the prior,
`n / (n + SHRINK_CASES)` of the way for n labelled cases; below `MIN_CASES` the
prior is returned as is, and so it is when no change beats the prior on the
answers. Until 2026-12-05 the model was a pairwise logistic regression on part
differences: nearly three pairs in four opposed an invited person to a random
non-invited one, which any part separates, and every pair weighed alike, not the
order at the top of the list (docs/matching.md, fifth change).

Labels (see `matching.learning.answer_label`): "can help as an expert" 3,
"interested" 2, "not this time" and no answer 0, a random person of the club not
invited -1 (`NOT_INVITED` of them per case); attending the workshop that
came out of the case lifts the label to at least 2, "I learned" feedback to 3.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from compagnon.matching.engine import PARTS, Weights

MIN_CASES = 30
SHRINK_CASES = 100
K = 10  # nDCG@K, the figure staff read and the benchmarks report
_DISCOUNT = 1 / np.log2(np.arange(2, K + 2))
# Coordinate ascent: each part's weight tried at these multiples of its value (0 drops it),
# ROUNDS passes at most; a change is kept when the answers' nDCG@10 gains more than MARGIN
# (MARGIN_DROP to drop a part), the tuner's rule for the prior (bench/matching_tune.py).
STEPS = (0.0, 0.5, 0.7, 0.85, 1.2, 1.4, 2.0, 3.0)
ROUNDS = 8
MARGIN, MARGIN_DROP = 1e-3, 0.002
MAX_PAIRS_PER_CASE = 400
# Staff invite from the top of the list, so the answered people all look alike on the
# declared skills; people of the club drawn at random who were not invited are added as
# the lowest label (below "not this time": being asked at all says the match looked right).
NOT_INVITED = 8
NOT_INVITED_LABEL = -1.0
# Parts that may shrink but not vanish, as a share of the largest weight (same rule as
# bench/matching_tune.py): people who want to learn the topic stay in the ranking.
FLOORS = {"interests": 0.05}


@dataclass(frozen=True)
class LabelledCase:
    """One answered case: unweighted parts (n, len(PARTS)), factors (n,) and labels (n,)."""

    parts: np.ndarray
    factors: np.ndarray
    labels: np.ndarray


@dataclass(frozen=True)
class Fit:
    weights: dict[str, float]  # part -> weight
    cases: int  # labelled cases used
    pairs: int  # pairs with different labels
    learned: bool  # False: fewer than MIN_CASES cases, the prior is returned


def prior_weights(prior: Weights) -> dict[str, float]:
    return {part: float(getattr(prior, part)) for part in PARTS}


def weights_apply(base: Weights, weights: dict[str, float]) -> Weights:
    """`base` with the parts' weights replaced (unknown keys are ignored)."""
    parts: dict[str, Any] = {p: float(v) for p, v in weights.items() if p in PARTS}
    return replace(base, **parts)


def _pairs(case: LabelledCase, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    labels = case.labels
    better, worse = np.nonzero(labels[:, None] > labels[None, :])
    if better.size > MAX_PAIRS_PER_CASE:
        keep = rng.choice(better.size, MAX_PAIRS_PER_CASE, replace=False)
        better, worse = better[keep], worse[keep]
    scored = case.parts * case.factors[:, None]
    return scored[better] - scored[worse], labels[better] - labels[worse]


def weights_fit(
    cases: Sequence[LabelledCase], prior: Weights, *, seed: int = 0, min_cases: int | None = None
) -> Fit:
    """Part weights fitted on labelled cases (see the module docstring), shrunk towards the
    prior's."""
    min_cases = MIN_CASES if min_cases is None else min_cases
    base = prior_weights(prior)
    usable = [c for c in cases if len(c.labels) >= 2 and np.ptp(c.labels) > 0]
    if len(usable) < min_cases:
        return Fit(base, len(usable), 0, False)
    rng = np.random.default_rng(seed)
    pairs = sum(len(_pairs(case, rng)[1]) for case in usable)
    top = max(base.values())
    fitted = _ascent(usable, np.array([base[p] for p in PARTS]))
    if fitted is None:  # nothing beat the prior on the answers
        return Fit(base, len(usable), pairs, False)
    fitted = fitted / fitted.max() * top
    share = len(usable) / (len(usable) + SHRINK_CASES)
    weights = {
        part: float(share * fitted[i] + (1 - share) * base[part]) for i, part in enumerate(PARTS)
    }
    for part, floor in FLOORS.items():  # learners stay in the ranking: a product rule
        weights[part] = max(weights[part], floor * top)
    return Fit(weights, len(usable), pairs, True)


def _ascent(cases: Sequence[LabelledCase], start: np.ndarray) -> np.ndarray | None:
    """Coordinate ascent of the answers' mean nDCG@10 from the prior's weights (each part
    tried at the STEPS of its value; a change kept when it gains more than MARGIN, dropping
    a part MARGIN_DROP; the floors hold), as bench/matching_tune.py fits the prior on the
    dev set. None when no change was kept."""
    prepared = [_Prepared.of(case) for case in cases]
    floors = np.array([FLOORS.get(part, 0.0) for part in PARTS])

    def value(w: np.ndarray) -> float:
        return float(np.mean([case.ndcg(w) for case in prepared]))

    w = start.astype(float)
    best, moved = value(w), False
    for _ in range(ROUNDS):
        improved = False
        for j in range(len(PARTS)):
            for step in STEPS:
                trial = w.copy()
                trial[j] = trial[j] * step if w[j] > 0 else 0.1 * step * w.max()
                trial = np.maximum(trial, floors * trial.max())
                found = value(trial)
                if found > best + (MARGIN_DROP if step == 0.0 else MARGIN):
                    best, w, improved, moved = found, trial, True, True
        if not improved:
            break
    return w if moved else None


@dataclass(frozen=True)
class _Prepared:
    """A labelled case with what nDCG@10 needs precomputed (gains, ideal DCG)."""

    scored: np.ndarray  # parts x factors
    gains: np.ndarray
    idcg: float

    @classmethod
    def of(cls, case: LabelledCase) -> _Prepared:
        gains = 2.0**case.labels - 1
        ideal = np.sort(gains)[::-1][:K]
        idcg = float((ideal * _DISCOUNT[: ideal.size]).sum())
        return cls(case.parts * case.factors[:, None], gains, idcg)

    def ndcg(self, w: np.ndarray) -> float:
        scores = self.scored @ w
        order = np.lexsort((np.arange(scores.size), -scores))[:K]
        dcg = float((self.gains[order] * _DISCOUNT[: order.size]).sum())
        return dcg / self.idcg if self.idcg else 0.0


def ndcg(labels: Iterable[float], scores: Iterable[float], k: int = 10) -> float:
    """nDCG@k of `scores` against graded `labels` (gains 2^label - 1)."""
    labels = np.asarray(list(labels), float)
    scores = np.asarray(list(scores), float)
    if labels.size == 0:
        return 0.0
    order = np.lexsort((np.arange(len(scores)), -scores))[:k]
    discount = 1 / np.log2(np.arange(2, k + 2))
    dcg = float(((2 ** labels[order] - 1) * discount[: order.size]).sum())
    ideal = np.sort(labels)[::-1][:k]
    idcg = float(((2**ideal - 1) * discount[: ideal.size]).sum())
    return dcg / idcg if idcg else 0.0


def cases_ndcg(cases: Sequence[LabelledCase], weights: dict[str, float], k: int = 10) -> float:
    """Mean nDCG@k of the labelled people of each case ordered by these weights."""
    w = np.array([weights.get(p, 0.0) for p in PARTS])
    values = [ndcg(c.labels, (c.parts @ w) * c.factors, k) for c in cases if np.ptp(c.labels) > 0]
    return float(np.mean(values)) if values else math.nan
