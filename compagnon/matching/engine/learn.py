"""Learning the score's part weights from the club's answers (pairwise logistic regression).

Plain data in, plain data out (no Django): the database side (matching.learning)
collects, per answered case, the unweighted parts of each labelled person
(`Ranker.features`: normalised per case as `rank` scores them, when
`Weights.normalise` is on) and their label; `weights_fit` returns the weights of
`PARTS` to put in `Weights`.

Model: for every case and every two labelled people with different labels, the
difference of their parts should predict which one answered better; a
logistic regression without intercept on these differences (both signs) gives
one coefficient per part. Negative coefficients are set to 0 (more evidence
never lowers a score), and the result is scaled like the prior (largest weight
= the prior's largest) so `min_score` and the reasons keep their meaning.
The learned weights are shrunk towards the prior, `n / (n + SHRINK_CASES)` of
the way for n labelled cases; below `MIN_CASES` the prior is returned as is.

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
    """Part weights fitted on labelled cases, shrunk towards the prior's."""
    from sklearn.linear_model import LogisticRegression

    min_cases = MIN_CASES if min_cases is None else min_cases
    base = prior_weights(prior)
    usable = [c for c in cases if len(c.labels) >= 2 and np.ptp(c.labels) > 0]
    if len(usable) < min_cases:
        return Fit(base, len(usable), 0, False)
    rng = np.random.default_rng(seed)
    diffs, gaps = [], []
    for case in usable:
        d, g = _pairs(case, rng)
        diffs.append(d)
        gaps.append(g)
    X = np.vstack(diffs)
    gap = np.concatenate(gaps).astype(float)
    X = np.vstack([X, -X])
    y = np.concatenate([np.ones(len(gap)), np.zeros(len(gap))])
    scale = X.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(fit_intercept=False, C=1.0, max_iter=1000)
    model.fit(X / scale, y, sample_weight=np.concatenate([gap, gap]))
    coef = np.maximum(model.coef_.ravel() / scale, 0.0)
    top = max(base.values())
    if coef.max() <= 0:
        return Fit(base, len(usable), len(gap), False)
    coef = coef / coef.max() * top
    share = len(usable) / (len(usable) + SHRINK_CASES)
    weights = {
        part: float(share * coef[i] + (1 - share) * base[part]) for i, part in enumerate(PARTS)
    }
    for part, floor in FLOORS.items():  # learners stay in the ranking: a product rule
        weights[part] = max(weights[part], floor * top)
    return Fit(weights, len(usable), len(gap), True)


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
