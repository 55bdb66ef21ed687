"""The metrics a challenge can be scored with: one registry, vectorised numpy, no database.

Each metric takes the solution's truth and the submission's predictions already
aligned row by row (the scorer did the id matching), plus the boolean `public`
mask, and returns `(public, private)`: both splits come from the same arrays.

What the arrays hold depends on the metric's `kind`:

- ``value``: truth and predictions are float64 arrays of shape (n, m), m >= 1
  target columns; the error is averaged over every cell.
- ``label``: truth is an int64 array of class codes 0..K-1 (K = the solution's
  label set), predictions the same codes, -1 for a label outside the set (always
  wrong). ``n_classes`` = K is passed as a keyword.
- ``probability``: truth is an int64 array of class codes. Binary: predictions
  are float64 of shape (n,), the probability of class 1. Multiclass: shape (n, K),
  one column per class.
- ``ranking``: truth is a list of ``{item: relevance}`` dicts, predictions a list
  of lists of predicted items, best first.

A metric that cannot be computed on a split (a single class for ROC AUC, a zero
true value for MAPE) raises `MetricUndefinedError`, never returns NaN.
The definitions are in docs/metrics.md; keep both in step.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.utils.translation import gettext_lazy as _

LOG_LOSS_EPS = 1e-15

HIGHER = "higher"
LOWER = "lower"

KIND_VALUE = "value"
KIND_LABEL = "label"
KIND_PROBABILITY = "probability"
KIND_RANKING = "ranking"

Pair = tuple[float, float]


class MetricUndefinedError(ValueError):
    """The metric has no value on this split (the solution's fault, not the participant's)."""


@dataclass(frozen=True)
class Metric:
    name: str
    label: Any  # lazy translated string
    direction: str  # HIGHER or LOWER
    kind: str  # KIND_*
    compute: Callable[..., Pair]
    definition: str
    needs_two_classes: bool = False
    k: int | None = None

    @property
    def higher_is_better(self) -> bool:
        return self.direction == HIGHER


def _split_means(per_row: np.ndarray, public: np.ndarray) -> Pair:
    """Mean of a per-row quantity over the public rows and over the private rows."""
    n_public = int(np.count_nonzero(public))
    n_private = per_row.shape[0] - n_public
    if n_public == 0 or n_private == 0:
        raise MetricUndefinedError(_("The public or the private part of the solution is empty."))
    public_sum = float(per_row[public].sum())
    private_sum = float(per_row[~public].sum())
    return public_sum / n_public, private_sum / n_private


def _per_row(values: np.ndarray) -> np.ndarray:
    """Average a (n, m) cell quantity to (n,); leave (n,) as it is."""
    if values.ndim == 1:
        return values
    if values.shape[1] == 1:
        return values[:, 0]
    return values.mean(axis=1)


# --- values -------------------------------------------------------------------------


def rmse(truth: np.ndarray, pred: np.ndarray, public: np.ndarray, **_context: Any) -> Pair:
    """Root mean squared error: sqrt(mean((p - t)^2)) over every cell of the split."""
    diff = pred - truth
    np.multiply(diff, diff, out=diff)
    public_mse, private_mse = _split_means(_per_row(diff), public)
    return float(np.sqrt(public_mse)), float(np.sqrt(private_mse))


def mae(truth: np.ndarray, pred: np.ndarray, public: np.ndarray, **_context: Any) -> Pair:
    """Mean absolute error: mean(|p - t|)."""
    diff = pred - truth
    np.abs(diff, out=diff)
    return _split_means(_per_row(diff), public)


def mape(truth: np.ndarray, pred: np.ndarray, public: np.ndarray, **_context: Any) -> Pair:
    """Mean absolute percentage error, in percent: 100 * mean(|p - t| / |t|).

    Undefined when a true value is 0 (use SMAPE then).
    """
    if np.any(truth == 0):
        raise MetricUndefinedError(
            _("MAPE is undefined when a true value is 0: choose SMAPE or MAE.")
        )
    ratio = np.abs(pred - truth)
    ratio /= np.abs(truth)
    public_mean, private_mean = _split_means(_per_row(ratio), public)
    return 100.0 * public_mean, 100.0 * private_mean


def smape(truth: np.ndarray, pred: np.ndarray, public: np.ndarray, **_context: Any) -> Pair:
    """Symmetric MAPE on the 0-200 scale: 200 * mean(|p - t| / (|t| + |p|)), with 0/0 = 0."""
    numerator = np.abs(pred - truth)
    denominator = np.abs(truth) + np.abs(pred)
    ratio = np.divide(numerator, denominator, out=np.zeros_like(numerator), where=denominator != 0)
    public_mean, private_mean = _split_means(_per_row(ratio), public)
    return 200.0 * public_mean, 200.0 * private_mean


# --- labels -------------------------------------------------------------------------


def _confusions(
    truth: np.ndarray, pred: np.ndarray, public: np.ndarray, n_classes: int
) -> Iterator[np.ndarray]:
    """The (K, K + 1) confusion matrix of the public split, then of the private split.

    Rows are true classes, columns predicted classes; the last column counts
    predictions outside the solution's label set.
    """
    width = n_classes + 1
    predicted = np.where(pred < 0, n_classes, pred)
    cell = truth * width + predicted
    cell += public.astype(np.int64) * (n_classes * width)
    counts = np.bincount(cell, minlength=2 * n_classes * width).reshape(2, n_classes, width)
    if counts[1].sum() == 0 or counts[0].sum() == 0:
        raise MetricUndefinedError(_("The public or the private part of the solution is empty."))
    yield counts[1]
    yield counts[0]


def _class_counts(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    n_classes = matrix.shape[0]
    true_positive = np.diag(matrix[:, :n_classes]).astype(np.float64)
    support = matrix.sum(axis=1).astype(np.float64)
    predicted = matrix[:, :n_classes].sum(axis=0).astype(np.float64)
    return true_positive, predicted - true_positive, support - true_positive, support


def accuracy(
    truth: np.ndarray, pred: np.ndarray, public: np.ndarray, *, n_classes: int, **_context: Any
) -> Pair:
    """Share of rows whose predicted label equals the true label."""
    scores = []
    for matrix in _confusions(truth, pred, public, n_classes):
        true_positive, _fp, _fn, support = _class_counts(matrix)
        scores.append(float(true_positive.sum() / support.sum()))
    return scores[0], scores[1]


def balanced_accuracy(
    truth: np.ndarray, pred: np.ndarray, public: np.ndarray, *, n_classes: int, **_context: Any
) -> Pair:
    """Mean over the classes present in the split's truth of each class's recall."""
    scores = []
    for matrix in _confusions(truth, pred, public, n_classes):
        true_positive, _fp, _fn, support = _class_counts(matrix)
        present = support > 0
        scores.append(float(np.mean(true_positive[present] / support[present])))
    return scores[0], scores[1]


def _f1_per_class(
    true_positive: np.ndarray, false_positive: np.ndarray, false_negative: np.ndarray
) -> np.ndarray:
    denominator = 2 * true_positive + false_positive + false_negative
    return np.divide(
        2 * true_positive,
        denominator,
        out=np.zeros_like(true_positive),
        where=denominator > 0,
    )


def _f1(average: str) -> Callable[..., Pair]:
    def compute(
        truth: np.ndarray,
        pred: np.ndarray,
        public: np.ndarray,
        *,
        n_classes: int,
        **_context: Any,
    ) -> Pair:
        scores = []
        for matrix in _confusions(truth, pred, public, n_classes):
            tp, fp, fn, support = _class_counts(matrix)
            if average == "micro":
                denominator = 2 * tp.sum() + fp.sum() + fn.sum()
                scores.append(float(2 * tp.sum() / denominator) if denominator else 0.0)
                continue
            per_class = _f1_per_class(tp, fp, fn)
            if average == "macro":
                scores.append(float(per_class.mean()))
            else:
                total = support.sum()
                scores.append(float((per_class * support).sum() / total) if total else 0.0)
        return scores[0], scores[1]

    compute.__name__ = f"f1_{average}"
    compute.__doc__ = f"F1 averaged '{average}' over the solution's label set."
    return compute


# --- probabilities ------------------------------------------------------------------


def log_loss(truth: np.ndarray, pred: np.ndarray, public: np.ndarray, **_context: Any) -> Pair:
    """Kaggle's log loss: clip to [1e-15, 1 - 1e-15], renormalise rows, mean of -log p(true)."""
    if pred.ndim == 1:
        probability = np.where(truth == 1, pred, 1.0 - pred)
        np.clip(probability, LOG_LOSS_EPS, 1.0 - LOG_LOSS_EPS, out=probability)
    else:
        clipped = np.clip(pred, LOG_LOSS_EPS, 1.0 - LOG_LOSS_EPS)
        row_sums = clipped.sum(axis=1)
        probability = clipped[np.arange(clipped.shape[0]), truth] / row_sums
    np.log(probability, out=probability)
    np.negative(probability, out=probability)
    return _split_means(probability, public)


def _auc_sorted(positive_sorted: np.ndarray, scores_sorted: np.ndarray) -> float:
    """ROC AUC from the labels and scores sorted by score: Mann-Whitney U with tied ranks averaged."""
    n = scores_sorted.shape[0]
    n_positive = int(np.count_nonzero(positive_sorted))
    n_negative = n - n_positive
    if n_positive == 0 or n_negative == 0:
        raise MetricUndefinedError(
            _(
                "ROC AUC needs both classes in the public and in the private part of the "
                "solution; one part has a single class."
            )
        )
    starts = np.flatnonzero(np.r_[True, scores_sorted[1:] != scores_sorted[:-1]])
    ends = np.r_[starts[1:], n]
    average_rank = (starts + ends + 1) * 0.5  # 1-based ranks starts+1 .. ends
    positives_per_group = np.add.reduceat(positive_sorted.astype(np.int64), starts)
    rank_sum = float(np.dot(average_rank, positives_per_group))
    return (rank_sum - n_positive * (n_positive + 1) / 2.0) / (n_positive * n_negative)


def _auc_pair(positive: np.ndarray, scores: np.ndarray, public: np.ndarray) -> Pair:
    order = np.argsort(scores, kind="stable")
    in_public = public[order]
    public_order = order[in_public]
    private_order = order[~in_public]
    return (
        _auc_sorted(positive[public_order], scores[public_order]),
        _auc_sorted(positive[private_order], scores[private_order]),
    )


def roc_auc(truth: np.ndarray, pred: np.ndarray, public: np.ndarray, **_context: Any) -> Pair:
    """Area under the ROC curve; multiclass: one-vs-rest, macro average over the classes."""
    if pred.ndim == 1:
        return _auc_pair(truth == 1, pred, public)
    pairs = [_auc_pair(truth == k, pred[:, k], public) for k in range(pred.shape[1])]
    return (
        float(np.mean([pair[0] for pair in pairs])),
        float(np.mean([pair[1] for pair in pairs])),
    )


# --- rankings -----------------------------------------------------------------------


def _average_precision_at_k(relevant: dict[str, float], predicted: list[str], k: int) -> float:
    wanted = {item for item, relevance in relevant.items() if relevance > 0}
    if not wanted:
        return 0.0
    hits = 0
    score = 0.0
    seen: set[str] = set()
    for position, item in enumerate(predicted[:k]):
        if item in wanted and item not in seen:
            hits += 1
            score += hits / (position + 1.0)
        seen.add(item)
    return score / min(len(wanted), k)


def _ndcg_at_k(relevant: dict[str, float], predicted: list[str], k: int) -> float:
    ideal = sorted((r for r in relevant.values() if r > 0), reverse=True)[:k]
    if not ideal:
        return 0.0
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    ideal_dcg = float(np.dot(np.exp2(ideal) - 1.0, discounts[: len(ideal)]))
    gains = []
    seen: set[str] = set()
    for item in predicted[:k]:
        gains.append(0.0 if item in seen else relevant.get(item, 0.0))
        seen.add(item)
    dcg = float(np.dot(np.exp2(gains) - 1.0, discounts[: len(gains)])) if gains else 0.0
    return dcg / ideal_dcg


def _ranking(row_score: Callable[[dict[str, float], list[str], int], float], k: int):
    def compute(
        truth: list[dict[str, float]],
        pred: list[list[str]],
        public: np.ndarray,
        **_context: Any,
    ) -> Pair:
        per_row = np.fromiter(
            (row_score(t, p, k) for t, p in zip(truth, pred, strict=True)),
            dtype=np.float64,
            count=len(truth),
        )
        return _split_means(per_row, public)

    return compute


# --- the registry -------------------------------------------------------------------


def _metrics() -> dict[str, Metric]:
    entries = [
        Metric(
            "accuracy",
            _("Accuracy"),
            HIGHER,
            KIND_LABEL,
            accuracy,
            "Share of rows whose predicted label equals the true label.",
        ),
        Metric(
            "balanced_accuracy",
            _("Balanced accuracy"),
            HIGHER,
            KIND_LABEL,
            balanced_accuracy,
            "Mean recall over the classes present in the split.",
        ),
        Metric(
            "f1_macro",
            _("F1, macro average"),
            HIGHER,
            KIND_LABEL,
            _f1("macro"),
            "Unweighted mean of each label's F1, over the solution's label set.",
        ),
        Metric(
            "f1_micro",
            _("F1, micro average"),
            HIGHER,
            KIND_LABEL,
            _f1("micro"),
            "F1 of the true and false positives and negatives summed over the label set.",
        ),
        Metric(
            "f1_weighted",
            _("F1, weighted average"),
            HIGHER,
            KIND_LABEL,
            _f1("weighted"),
            "Mean of each label's F1 weighted by its number of true rows.",
        ),
        Metric(
            "roc_auc",
            _("ROC AUC"),
            HIGHER,
            KIND_PROBABILITY,
            roc_auc,
            "Area under the ROC curve (ties averaged); multiclass: one-vs-rest, macro.",
            needs_two_classes=True,
        ),
        Metric(
            "log_loss",
            _("Log loss"),
            LOWER,
            KIND_PROBABILITY,
            log_loss,
            "Mean of -log(p of the true class), p clipped to [1e-15, 1-1e-15], rows renormalised.",
        ),
        Metric("rmse", _("RMSE"), LOWER, KIND_VALUE, rmse, "sqrt(mean((p - t)^2))."),
        Metric("mae", _("MAE"), LOWER, KIND_VALUE, mae, "mean(|p - t|)."),
        Metric(
            "mape",
            _("MAPE (percent)"),
            LOWER,
            KIND_VALUE,
            mape,
            "100 * mean(|p - t| / |t|); undefined when a true value is 0.",
        ),
        Metric(
            "smape",
            _("SMAPE (0 to 200)"),
            LOWER,
            KIND_VALUE,
            smape,
            "200 * mean(|p - t| / (|t| + |p|)), 0/0 = 0.",
        ),
    ]
    for k in (5, 10, 12, 100):
        entries.append(
            Metric(
                f"map_at_{k}",
                f"MAP@{k}",
                HIGHER,
                KIND_RANKING,
                _ranking(_average_precision_at_k, k),
                f"Mean average precision of the first {k} predicted items (Kaggle's apk).",
                k=k,
            )
        )
        entries.append(
            Metric(
                f"ndcg_at_{k}",
                f"nDCG@{k}",
                HIGHER,
                KIND_RANKING,
                _ranking(_ndcg_at_k, k),
                f"Normalised DCG of the first {k} items, gain 2^rel - 1, discount log2(i + 1).",
                k=k,
            )
        )
    return {entry.name: entry for entry in entries}


METRICS: dict[str, Metric] = _metrics()


def get_metric(name: str) -> Metric:
    try:
        return METRICS[name]
    except KeyError:
        raise KeyError(f"unknown metric {name!r}") from None


def metric_choices() -> list[tuple[str, Any]]:
    """(name, label) pairs for a form's choice field, in the registry's order."""
    return [(entry.name, entry.label) for entry in METRICS.values()]
