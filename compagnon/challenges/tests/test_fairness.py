"""Group-fairness metrics against their definitions, computed by hand on small cases."""

from __future__ import annotations

import numpy as np
import pytest

from compagnon.challenges.fairness import (
    GroupCounts,
    Ranking,
    demographic_parity_difference,
    disparate_impact_ratio,
    equal_opportunity_difference,
    equalised_odds_difference,
    pareto_front,
    ranked,
)
from compagnon.challenges.metrics import MetricUndefinedError

TRUTH = np.array([1, 1, 0, 0, 1, 1, 0, 0, 1, 0])
PREDICTED = np.array([1, 0, 1, 0, 1, 1, 1, 1, 0, 0])
GROUP = np.array([0, 0, 0, 0, 1, 1, 1, 1, 1, 1])


def _counts(chunks: int = 1) -> GroupCounts:
    counts = GroupCounts(groups=2)
    for part in np.array_split(np.arange(len(TRUTH)), chunks):
        counts.update(TRUTH[part], PREDICTED[part], GROUP[part])
    return counts


@pytest.mark.parametrize("chunks", [1, 3, 10])
def test_the_four_metrics_match_their_definitions_chunk_by_chunk(chunks):
    counts = _counts(chunks)
    # Group 0: selection 2/4, TPR 1/2, FPR 1/2. Group 1: selection 4/6, TPR 2/3, FPR 2/3.
    assert demographic_parity_difference(counts) == pytest.approx(4 / 6 - 2 / 4, abs=1e-12)
    assert equal_opportunity_difference(counts) == pytest.approx(2 / 3 - 1 / 2, abs=1e-12)
    assert equalised_odds_difference(counts) == pytest.approx(2 / 3 - 1 / 2, abs=1e-12)
    assert disparate_impact_ratio(counts) == pytest.approx((2 / 4) / (4 / 6), abs=1e-12)


def test_a_group_without_positives_makes_the_tpr_undefined():
    counts = GroupCounts(groups=2)
    counts.update(np.array([0, 0, 1]), np.array([1, 0, 1]), np.array([0, 0, 1]))
    assert demographic_parity_difference(counts) == pytest.approx(0.5)
    with pytest.raises(MetricUndefinedError):
        equal_opportunity_difference(counts)


def test_one_group_only_is_undefined():
    counts = GroupCounts(groups=2)
    counts.update(np.array([1, 0]), np.array([1, 0]), np.array([0, 0]))
    with pytest.raises(MetricUndefinedError, match="two groups"):
        demographic_parity_difference(counts)


SCORES = [
    {"accuracy": 0.90, "dpd": 0.30},
    {"accuracy": 0.85, "dpd": 0.05},
    {"accuracy": 0.80, "dpd": 0.10},  # beaten by the second on both
    {"accuracy": 0.92, "dpd": 0.40},
]
HIGHER = {"accuracy": True, "dpd": False}


def test_pareto_front_keeps_the_entries_no_other_beats_on_every_metric():
    assert pareto_front(SCORES, HIGHER) == [0, 1, 3]
    assert pareto_front([], HIGHER) == []


def test_rankings_one_metric_weighted_sum_and_constraint():
    assert ranked(SCORES, HIGHER, Ranking(metric="accuracy")) == [3, 0, 1, 2]
    assert ranked(SCORES, HIGHER, Ranking(weights={"accuracy": 1, "dpd": 1})) == [1, 2, 0, 3]
    constrained = Ranking(metric="accuracy", constraint_metric="dpd", constraint_bound=0.1)
    assert ranked(SCORES, HIGHER, constrained) == [1, 2, 0, 3]


# --- against fairlearn, through the scorer ------------------------------------------------

FAIRLEARN = {
    "demographic_parity_difference": "demographic_parity_difference",
    "equal_opportunity_difference": "equal_opportunity_difference",
    "equalised_odds_difference": "equalized_odds_difference",
    "disparate_impact_ratio": "demographic_parity_ratio",
}
FOUR = list(FAIRLEARN)


def _fairlearn(name, truth, decision, group):
    import fairlearn.metrics as fm

    return getattr(fm, FAIRLEARN[name])(truth, decision, sensitive_features=group)


def _solution_csv(truth, group, public, labels=("femme", "homme", "autre", "nb", "x")):
    lines = ["id,target,Usage,genre"]
    for i, (t, g, p) in enumerate(zip(truth, group, public, strict=True)):
        lines.append(f"{i + 1},{t},{'Public' if p else 'Private'},{labels[g]}")
    return ("\n".join(lines) + "\n").encode()


def _submission_csv(values, fmt="{}"):
    return (
        "id,target\n" + "".join(f"{i + 1},{fmt.format(v)}\n" for i, v in enumerate(values))
    ).encode()


def _solution(truth, group, public, metric="accuracy", metrics=FOUR):
    from compagnon.challenges.scoring import Solution

    return Solution.from_csv(
        _solution_csv(truth, group, public),
        sensitive_column="genre",
        metric=metric,
        metrics=metrics,
    )


def _random(seed, n, groups):
    rng = np.random.default_rng(seed)
    while True:
        group = rng.integers(0, groups, n)
        truth = (rng.random(n) < 0.3 + 0.1 * group).astype(int)
        public = rng.random(n) < 0.4
        ok = True
        for mask in (public, ~public):
            for g in range(groups):
                cell = truth[mask & (group == g)]
                ok &= cell.size > 0 and 0 < cell.sum() < cell.size
        if ok:
            return truth, group, public, rng


@pytest.mark.parametrize(("seed", "n", "groups"), [(1, 60, 2), (2, 500, 3), (3, 2000, 5)])
def test_the_four_metrics_agree_with_fairlearn_on_random_data(seed, n, groups):
    from compagnon.challenges.scoring import score_submission

    truth, group, public, rng = _random(seed, n, groups)
    solution = _solution(truth, group, public)
    decision = (rng.random(n) < 0.2 + 0.15 * group).astype(int)
    result = score_submission(solution, _submission_csv(decision), metric="accuracy", metrics=FOUR)
    for name in FOUR:
        for mask, got in ((public, result.public_metrics), (~public, result.private_metrics)):
            expected = _fairlearn(name, truth[mask], decision[mask], group[mask])
            assert abs(got[name] - expected) <= 1e-12, (name, got[name], expected)
    assert result.public == pytest.approx(float(np.mean(truth[public] == decision[public])))


def test_probabilities_are_decisions_at_one_half():
    from compagnon.challenges.scoring import score_submission

    truth, group, public, rng = _random(7, 400, 2)
    solution = _solution(truth, group, public, metric="roc_auc")
    probability = rng.random(400)
    result = score_submission(
        solution, _submission_csv(probability, "{:.6f}"), metric="roc_auc", metrics=FOUR
    )
    decision = (np.round(probability, 6) >= 0.5).astype(int)
    for name in FOUR:
        expected = _fairlearn(name, truth[~public], decision[~public], group[~public])
        assert abs(result.private_metrics[name] - expected) <= 1e-12


def test_a_group_missing_from_one_split_is_compared_over_the_groups_present():
    """fairlearn on the split sees only its groups; so do we."""
    from compagnon.challenges.scoring import score_submission

    truth = np.array([1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0])
    group = np.array([0, 0, 1, 1, 2, 2, 0, 0, 1, 1, 1, 0])
    public = np.array([1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0], dtype=bool)  # group 2: public only
    decision = np.array([1, 1, 0, 1, 1, 0, 1, 0, 0, 0, 1, 1])
    solution = _solution(truth, group, public)
    result = score_submission(solution, _submission_csv(decision), metric="accuracy", metrics=FOUR)
    for name in FOUR:
        for mask, got in ((public, result.public_metrics), (~public, result.private_metrics)):
            expected = _fairlearn(name, truth[mask], decision[mask], group[mask])
            assert abs(got[name] - expected) <= 1e-12


def test_no_favourable_decision_gives_parity_where_fairlearn_gives_nan():
    from compagnon.challenges.scoring import score_submission

    truth, group, public, _rng = _random(11, 100, 2)
    solution = _solution(truth, group, public)
    zeros = np.zeros(100, dtype=int)
    result = score_submission(solution, _submission_csv(zeros), metric="accuracy", metrics=FOUR)
    assert result.private_metrics["disparate_impact_ratio"] == 1.0
    with np.errstate(all="ignore"):
        assert np.isnan(_fairlearn("disparate_impact_ratio", truth, zeros, group))
    assert result.private_metrics["demographic_parity_difference"] == 0.0
    assert _fairlearn("demographic_parity_difference", truth, zeros, group) == 0.0


def test_a_solution_with_a_group_without_positives_is_refused_for_the_organiser():
    """fairlearn would count the empty group's TPR as 0; the organiser is told instead."""
    from compagnon.challenges.scoring import SolutionError

    truth = np.array([0, 0, 1, 0, 0, 0, 1, 0])
    group = np.array([0, 0, 1, 1, 0, 0, 1, 1])
    public = np.array([1, 1, 1, 1, 0, 0, 0, 0], dtype=bool)
    with pytest.raises(SolutionError, match="femme"):
        _solution(truth, group, public, metrics=["equal_opportunity_difference"])
    # Demographic parity needs no positive: the same solution is fine for it.
    _solution(truth, group, public, metrics=["demographic_parity_difference"])


def test_a_solution_with_a_group_without_negatives_is_refused_for_equalised_odds():
    from compagnon.challenges.scoring import SolutionError

    truth = np.array([1, 1, 1, 0, 1, 1, 1, 0])
    group = np.array([0, 0, 1, 1, 0, 0, 1, 1])
    public = np.array([1, 1, 1, 1, 0, 0, 0, 0], dtype=bool)
    with pytest.raises(SolutionError, match="negative"):
        _solution(truth, group, public, metrics=["equalised_odds_difference"])
    _solution(truth, group, public, metrics=["equal_opportunity_difference"])


def test_a_split_with_a_single_group_is_refused():
    from compagnon.challenges.scoring import SolutionError

    truth = np.array([1, 0, 1, 0, 1, 0])
    group = np.array([0, 0, 0, 0, 1, 1])
    public = np.array([1, 1, 1, 0, 0, 0], dtype=bool)  # public: group 0 only
    with pytest.raises(SolutionError, match="single group"):
        _solution(truth, group, public, metrics=["demographic_parity_difference"])


def test_fairness_needs_the_sensitive_column_and_a_zero_one_target():
    from compagnon.challenges.scoring import Solution, SolutionError

    plain = b"id,target,Usage\n1,1,Public\n2,0,Private\n"
    with pytest.raises(SolutionError, match="sensitive attribute"):
        Solution.from_csv(plain, metric="accuracy", metrics=["demographic_parity_difference"])
    with pytest.raises(SolutionError, match="no column named 'genre'"):
        Solution.from_csv(plain, sensitive_column="genre")
    three = b"id,target,Usage,g\n1,2,Public,a\n2,0,Public,b\n3,1,Private,a\n4,0,Private,b\n"
    with pytest.raises(SolutionError, match="0 or 1"):
        Solution.from_csv(three, sensitive_column="g", metrics=["demographic_parity_difference"])
    blank = b"id,target,Usage,g\n1,1,Public,a\n2,0,Private, \n"
    with pytest.raises(SolutionError, match="Line 3 has no value for the sensitive"):
        Solution.from_csv(blank, sensitive_column="g")


def test_the_sensitive_attribute_survives_save_and_load_as_codes_only(tmp_path):
    from compagnon.challenges.scoring import Solution, score_submission

    truth, group, public, rng = _random(5, 200, 3)
    solution = _solution(truth, group, public)
    path = tmp_path / "solution.parsed"
    solution.save(path)
    assert b"femme" not in path.read_bytes()  # the values never reach the parsed file
    loaded = Solution.load(path)
    decision = (rng.random(200) < 0.5).astype(int)
    a = score_submission(solution, _submission_csv(decision), metric="accuracy", metrics=FOUR)
    b = score_submission(loaded, _submission_csv(decision), metric="accuracy", metrics=FOUR)
    assert a.private_metrics == b.private_metrics


def test_a_value_metric_cannot_carry_fairness_metrics():
    from compagnon.challenges.scoring import SolutionError, score_submission

    truth, group, public, _rng = _random(9, 100, 2)
    solution = _solution(truth, group, public, metric="rmse", metrics=[])
    with pytest.raises(SolutionError, match="yes/no decisions"):
        score_submission(
            solution, _submission_csv(truth), metric="rmse", metrics=["disparate_impact_ratio"]
        )
