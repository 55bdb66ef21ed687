"""Every metric against scikit-learn on random data, and hand-computed cases where Kaggle differs."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn import metrics as sk

from compagnon.challenges.metrics import (
    HIGHER,
    LOWER,
    METRICS,
    MetricUndefinedError,
    metric_choices,
)

SEEDS = range(10)


def _public(rng: np.random.Generator, n: int) -> np.ndarray:
    public = rng.random(n) < 0.3
    public[:2] = [True, False]
    return public


def _both(fn, public, *arrays, **kwargs):
    return (
        fn(*(a[public] for a in arrays), **kwargs),
        fn(*(a[~public] for a in arrays), **kwargs),
    )


def test_registry_is_complete_and_described():
    expected = {
        "accuracy",
        "balanced_accuracy",
        "f1_macro",
        "f1_micro",
        "f1_weighted",
        "roc_auc",
        "log_loss",
        "rmse",
        "mae",
        "mape",
        "smape",
        "map_at_5",
        "ndcg_at_10",
    }
    assert expected <= set(METRICS)
    for name, entry in METRICS.items():
        assert entry.name == name
        assert entry.direction in (HIGHER, LOWER)
        assert entry.kind in ("label", "probability", "value", "ranking")
        assert entry.definition
    assert METRICS["rmse"].direction == LOWER
    assert METRICS["roc_auc"].higher_is_better
    assert [name for name, _label in metric_choices()] == list(METRICS)


@pytest.mark.parametrize("seed", SEEDS)
def test_value_metrics_agree_with_sklearn(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(50, 400))
    truth = rng.normal(10, 5, n)
    pred = truth + rng.normal(0, 2, n)
    public = _public(rng, n)
    got = METRICS["rmse"].compute(truth, pred.copy(), public)
    want = _both(sk.mean_squared_error, public, truth, pred)
    assert got == pytest.approx((math.sqrt(want[0]), math.sqrt(want[1])), rel=1e-12)
    got = METRICS["mae"].compute(truth, pred.copy(), public)
    assert got == pytest.approx(_both(sk.mean_absolute_error, public, truth, pred), rel=1e-12)
    got = METRICS["mape"].compute(truth, pred.copy(), public)
    want = _both(sk.mean_absolute_percentage_error, public, truth, pred)
    assert got == pytest.approx((100 * want[0], 100 * want[1]), rel=1e-12)


def test_value_metrics_with_several_target_columns_average_every_cell():
    truth = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    pred = np.array([[1.0, 4.0], [3.0, 4.0], [8.0, 6.0]])
    public = np.array([True, True, False])
    assert METRICS["rmse"].compute(truth, pred, public) == pytest.approx(
        (math.sqrt(4 / 4), math.sqrt(9 / 2))
    )


def test_smape_by_hand():
    truth = np.array([0.0, 100.0, 0.0, 10.0])
    pred = np.array([0.0, 110.0, 5.0, -10.0])
    public = np.array([True, True, False, False])
    # 0/0 = 0; |10|/210; |5|/5 = 1; |20|/20 = 1 ; scale 0..200
    assert METRICS["smape"].compute(truth, pred, public) == pytest.approx(
        (200 * (0 + 10 / 210) / 2, 200 * (1 + 1) / 2), rel=1e-12
    )


def test_mape_refuses_a_zero_truth():
    with pytest.raises(MetricUndefinedError, match="SMAPE"):
        METRICS["mape"].compute(np.array([0.0, 1.0]), np.array([1.0, 1.0]), np.array([1, 0], bool))


@pytest.mark.filterwarnings("ignore:y_pred contains classes not in y_true")
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n_classes", [2, 3, 5])
def test_label_metrics_agree_with_sklearn(seed, n_classes):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(30, 300))
    truth = rng.integers(0, n_classes, n)
    pred = np.where(rng.random(n) < 0.6, truth, rng.integers(0, n_classes, n))
    public = _public(rng, n)
    labels = list(range(n_classes))
    cases = {
        "accuracy": lambda t, p: sk.accuracy_score(t, p),
        "balanced_accuracy": lambda t, p: sk.balanced_accuracy_score(t, p),
        "f1_macro": lambda t, p: sk.f1_score(t, p, labels=labels, average="macro"),
        "f1_micro": lambda t, p: sk.f1_score(t, p, labels=labels, average="micro"),
        "f1_weighted": lambda t, p: sk.f1_score(t, p, labels=labels, average="weighted"),
    }
    for name, reference in cases.items():
        got = METRICS[name].compute(truth, pred, public, n_classes=n_classes)
        want = _both(reference, public, truth, pred)
        assert got == pytest.approx(want, abs=1e-12), name


@pytest.mark.filterwarnings("ignore")
def test_f1_counts_labels_outside_the_set_as_misses_like_sklearn_with_labels():
    truth = np.array([0, 1, 2, 2, 1, 0, 0, 1])
    pred = np.array([0, -1, 2, -1, 1, 1, 0, -1])  # -1: a label the solution does not have
    public = np.array([True] * 4 + [False] * 4)
    sk_pred = np.where(pred < 0, 9, pred)
    for average in ("macro", "micro", "weighted"):
        got = METRICS[f"f1_{average}"].compute(truth, pred, public, n_classes=3)
        want = _both(sk.f1_score, public, truth, sk_pred, labels=[0, 1, 2], average=average)
        assert got == pytest.approx(want, abs=1e-12)
    got = METRICS["accuracy"].compute(truth, pred, public, n_classes=3)
    assert got == pytest.approx((2 / 4, 2 / 4))


@pytest.mark.filterwarnings("ignore")
def test_macro_f1_gives_zero_to_a_label_absent_from_a_split():
    # Class 2 never appears in the public rows: over the solution's label set it counts 0.
    truth = np.array([0, 1, 0, 1, 2, 2])
    pred = np.array([0, 1, 0, 1, 2, 2])
    public = np.array([True, True, True, True, False, False])
    assert METRICS["f1_macro"].compute(truth, pred, public, n_classes=3) == pytest.approx(
        (2 / 3, 1 / 3)
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_binary_roc_auc_and_log_loss_agree_with_sklearn(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(40, 500))
    truth = rng.integers(0, 2, n)
    truth[:4] = [0, 1, 0, 1]
    public = _public(rng, n)
    public[:4] = [True, True, False, False]
    # Rounded scores make many ties: ranks must be averaged.
    pred = np.round(np.clip(0.3 * truth + rng.random(n) * 0.7, 0.001, 0.999), 2)
    got = METRICS["roc_auc"].compute(truth, pred, public)
    assert got == pytest.approx(_both(sk.roc_auc_score, public, truth, pred), abs=1e-12)
    got = METRICS["log_loss"].compute(truth, pred, public)
    want = _both(sk.log_loss, public, truth, pred, labels=[0, 1])
    assert got == pytest.approx(want, rel=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_multiclass_roc_auc_and_log_loss_agree_with_sklearn(seed):
    rng = np.random.default_rng(seed)
    k = int(rng.integers(3, 6))
    n = int(rng.integers(200, 500))
    truth = np.r_[np.arange(k), np.arange(k), rng.integers(0, k, n - 2 * k)]
    public = _public(rng, n)
    public[: 2 * k] = [True] * k + [False] * k
    raw = rng.random((n, k)) + np.eye(k)[truth] * 0.5
    pred = raw / raw.sum(axis=1, keepdims=True)
    got = METRICS["roc_auc"].compute(truth, pred, public)
    want = _both(
        sk.roc_auc_score, public, truth, pred, multi_class="ovr", average="macro", labels=range(k)
    )
    assert got == pytest.approx(want, abs=1e-12)
    got = METRICS["log_loss"].compute(truth, pred, public)
    assert got == pytest.approx(_both(sk.log_loss, public, truth, pred, labels=range(k)), rel=1e-12)


def test_log_loss_follows_kaggles_clipping_and_renormalisation():
    # Binary: a confident miss costs -log(1e-15), not infinity.
    truth = np.array([1, 0, 1, 0])
    pred = np.array([0.0, 0.0, 0.5, 0.5])
    public = np.array([True, True, False, False])
    assert METRICS["log_loss"].compute(truth, pred, public) == pytest.approx(
        ((-math.log(1e-15) - math.log(1 - 1e-15)) / 2, math.log(2)), rel=1e-12
    )
    # Multiclass rows that do not sum to 1 are clipped then divided by their sum.
    truth = np.array([0, 2])
    pred = np.array([[2.0 / 4, 1.0 / 4, 1.0 / 4], [0.2, 0.2, 0.2]])
    public = np.array([True, False])
    assert METRICS["log_loss"].compute(truth, pred, public) == pytest.approx(
        (-math.log(0.5), -math.log(1 / 3)), rel=1e-12
    )
    pred = np.array([[0.0, 0.0, 0.0], [1.0, 0.0, 0.0]])
    eps = 1e-15
    assert METRICS["log_loss"].compute(truth, pred, public) == pytest.approx(
        (-math.log(1 / 3), -math.log(eps / (1 - eps + 2 * eps))), rel=1e-12
    )


def test_roc_auc_by_hand_with_ties():
    truth = np.array([0, 0, 1, 1, 0, 1])
    pred = np.array([0.1, 0.5, 0.5, 0.9, 0.2, 0.8])
    public = np.array([True, True, True, True, False, False])
    # public: pairs (pos 0.5, 0.9) vs (neg 0.1, 0.5): 1 + 0.5 + 1 + 1 = 3.5 of 4
    assert METRICS["roc_auc"].compute(truth, pred, public) == pytest.approx((3.5 / 4, 1.0))


def test_roc_auc_on_a_single_class_split_is_an_error_not_nan():
    truth = np.array([1, 1, 0, 1])
    pred = np.array([0.2, 0.3, 0.4, 0.5])
    public = np.array([True, True, False, False])
    with pytest.raises(MetricUndefinedError, match="single class"):
        METRICS["roc_auc"].compute(truth, pred, public)


def test_map_at_k_by_hand_follows_kaggle_apk():
    truth = [{"a": 1, "b": 1}, {"x": 1}, {}, {"a": 1, "b": 1, "c": 1}]
    pred = [["a", "z", "b"], ["y", "x"], ["a"], ["a", "a", "b"]]
    public = np.array([True, True, False, False])
    got = METRICS["map_at_5"].compute(truth, pred, public)
    # row 0: (1/1 + 2/3) / 2; row 1: (1/2) / 1; row 2: no relevant -> 0;
    # row 3: duplicate "a" takes a position but no hit: (1 + 2/3) / 3
    assert got == pytest.approx((((1 + 2 / 3) / 2 + 0.5) / 2, (0 + (1 + 2 / 3) / 3) / 2))


@pytest.mark.parametrize("seed", range(10))
def test_ndcg_with_binary_relevance_agrees_with_sklearn(seed):
    rng = np.random.default_rng(seed)
    n, items, k = 60, 15, 10
    relevance = (rng.random((n, items)) < 0.2).astype(float)
    relevance[:, 0] = 1.0  # every row has at least one relevant item
    scores = rng.random((n, items))
    truth = [{str(j): 1.0 for j in np.flatnonzero(row)} for row in relevance]
    pred = [[str(j) for j in np.argsort(-row)] for row in scores]
    public = _public(rng, n)
    got = METRICS["ndcg_at_10"].compute(truth, pred, public)
    want = _both(sk.ndcg_score, public, relevance, scores, k=k)
    assert got == pytest.approx(want, abs=1e-12)


def test_ndcg_uses_the_exponential_gain_for_graded_relevance():
    truth = [{"a": 3.0, "b": 1.0}, {"a": 1.0}]
    pred = [["b", "a"], ["a"]]
    public = np.array([True, False])
    ideal = 7 + 1 / math.log2(3)
    got = METRICS["ndcg_at_5"].compute(truth, pred, public)
    assert got == pytest.approx(((1 + 7 / math.log2(3)) / ideal, 1.0))
