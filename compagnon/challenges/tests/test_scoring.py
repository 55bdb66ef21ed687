"""The scorer on real files: solution checks, submission errors that leak nothing, scores."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn import metrics as sk

from compagnon.challenges.scoring import (
    Solution,
    SolutionError,
    SubmissionError,
    score_submission,
)

SECRET = 987.654321  # a target value no message may ever show


def csv_bytes(header, rows, *, bom=False, newline="\n") -> bytes:
    text = newline.join([",".join(header), *(",".join(str(v) for v in r) for r in rows)])
    return (b"\xef\xbb\xbf" if bom else b"") + (text + newline).encode()


def regression_solution(n=20, *, ids=None):
    ids = ids if ids is not None else list(range(1, n + 1))
    rows = [(i, SECRET + k, "Public" if k % 2 else "private") for k, i in enumerate(ids)]
    return Solution.from_csv(
        csv_bytes(["id", "target", "Usage"], rows), id_column="id", target_columns=["target"]
    ), rows


def submission_for(rows, offset=1.0):
    return csv_bytes(["id", "target"], [(i, t + offset) for i, t, _u in rows])


# --- solutions -----------------------------------------------------------------------


def test_a_solution_round_trips_through_its_columnar_file(tmp_path):
    solution, rows = regression_solution()
    path = tmp_path / "solution.arrow"
    solution.save(path)
    loaded = Solution.load(path)
    assert (loaded.n_rows, loaded.n_public, loaded.n_private) == (20, 10, 10)
    assert loaded.integer_ids
    result = score_submission(loaded, submission_for(rows, 2.0), metric="rmse")
    assert (result.public, result.private) == pytest.approx((2.0, 2.0))


def test_solution_from_a_path_with_usage_in_any_case(tmp_path):
    path = tmp_path / "solution.csv"
    path.write_bytes(
        csv_bytes(["Id", "y", "usage"], [("a", 1, "PUBLIC"), ("b", 2, " private ")], bom=True)
    )
    solution = Solution.from_csv(path, id_column="Id", target_columns=["y"], usage_column="Usage")
    assert not solution.integer_ids
    assert (solution.n_public, solution.n_private) == (1, 1)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"id,target,Usage\n", "no rows"),
        (b"id,target\n1,2\n", "no 'Usage' column"),
        (b"id,Usage\n1,Public\n", "no column named 'target'"),
        (b"id,target,Usage\n1,2,Public\n2,3,Private\n1,4,Private\n", "(lines 2 and 4)"),
        (b"id,target,Usage\n1,2,Public\n2,3,Ignored\n", "Public or Private, not 'Ignored'"),
        (b"id,target,Usage\n1,2,Public\n2,3,Public\n", "one Private row"),
        (b"id;target;Usage\n1;2;Public\n", "use commas"),
        (b"id,target,Usage\n1,2,Public\n2,3\n", "Line 3 has 2 values"),
        (b"id,target,Usage\n1,nan,Public\n2,3,Private\n", "not a finite number"),
    ],
)
def test_a_bad_solution_is_refused_with_a_clear_message(content, message):
    with pytest.raises(SolutionError) as caught:
        Solution.from_csv(content, id_column="id", target_columns=["target"])
    assert message in str(caught.value)


def test_a_single_class_public_split_is_refused_for_auc_at_upload_and_at_scoring():
    content = csv_bytes(
        ["id", "target", "Usage"],
        [(1, 1, "Public"), (2, 1, "Public"), (3, 0, "Private"), (4, 1, "Private")],
    )
    with pytest.raises(SolutionError, match="single class"):
        Solution.from_csv(content, id_column="id", target_columns=["target"], metric="roc_auc")
    solution = Solution.from_csv(content, id_column="id", target_columns=["target"])
    submission = csv_bytes(["id", "target"], [(1, 0.5), (2, 0.5), (3, 0.5), (4, 0.5)])
    with pytest.raises(SolutionError, match="single class"):
        score_submission(solution, submission, metric="roc_auc")
    # Log loss is defined with one class: it scores.
    result = score_submission(solution, submission, metric="log_loss")
    assert result.public == pytest.approx(math.log(2))


def test_mape_on_a_solution_with_a_zero_is_refused():
    content = csv_bytes(["id", "target", "Usage"], [(1, 0, "Public"), (2, 1, "Private")])
    with pytest.raises(SolutionError, match="SMAPE"):
        Solution.from_csv(content, id_column="id", target_columns=["target"], metric="mape")


# --- submissions: what a participant sees --------------------------------------------


def _error(solution, content, metric="rmse") -> str:
    with pytest.raises(SubmissionError) as caught:
        score_submission(solution, content, metric=metric)
    message = str(caught.value)
    assert "987" not in message  # never a solution value
    return message


def test_a_good_file_scores_with_or_without_bom_crlf_and_any_column_order():
    solution, rows = regression_solution()
    plain = score_submission(solution, submission_for(rows), metric="rmse")
    reordered = csv_bytes(["target", "id"], [(t + 1.0, i) for i, t, _u in reversed(rows)])
    for content in (
        csv_bytes(["id", "target"], [(i, t + 1.0) for i, t, _u in rows], bom=True, newline="\r\n"),
        reordered,
    ):
        result = score_submission(solution, content, metric="rmse")
        assert (result.public, result.private) == pytest.approx((plain.public, plain.private))


def test_the_ids_must_be_a_permutation_missing_are_counted_not_listed():
    solution, rows = regression_solution(20)
    kept = rows[3:]  # ids 1, 2, 3 missing
    content = csv_bytes(
        ["id", "target"],
        [(i, 0.0) for i, _t, _u in kept] + [(5, 0.0), (5, 0.0), (7, 1.0), (9999, 1.0)],
    )
    message = _error(solution, content)
    assert "3 ids are missing" in message
    assert "2 ids appear more than once, for example: 5, 7" in message
    assert "1 id is not one of this challenge's, for example: 9999" in message
    assert " 1," not in message and ": 1." not in message  # missing ids are never named


def test_ids_from_another_challenge_with_string_ids():
    solution, rows = regression_solution(ids=[f"row-{k}" for k in range(12)])
    content = csv_bytes(["id", "target"], [(f"other-{k}", 1.0) for k in range(12)])
    message = _error(solution, content)
    assert "12 ids are missing" in message
    assert "12 ids are not this challenge's, for example: 'other-0', 'other-1'" in message
    good = csv_bytes(["id", "target"], [(i, t) for i, t, _u in reversed(rows)])
    assert score_submission(solution, good, metric="mae").public == 0.0


def test_sparse_integer_ids_use_the_sorted_lookup():
    ids = [10**12 + 7 * k for k in range(30)]
    solution, rows = regression_solution(ids=ids)
    shuffled = [rows[k] for k in np.random.default_rng(1).permutation(30)]
    assert score_submission(solution, submission_for(shuffled, 3.0), metric="mae").public == 3.0
    message = _error(solution, csv_bytes(["id", "target"], [(i, 1) for i in ids[:-1]] + [(1, 1)]))
    assert "1 id is missing" in message and "for example: 1." in message


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"\xef\xbb\xbf\n\n", "The file is empty."),
        (b"id,target\n", "a header but no rows"),
        (b"id;target\n1;2.5\n", "separated by semicolons: use commas"),
        (b"id\ttarget\n1\t2.5\n", "separated by tabs"),
        (b"id,prediction\n1,2\n", "Missing: target. Unexpected: 'prediction'."),
        (b"id,target,extra\n1,2,3\n", "Unexpected: 'extra'."),
        (b"id\n1\n", "Missing: target."),
        (b"id,target,target\n1,2,3\n", "Named twice: 'target'"),
        (b"id,target\n1,2\n2,3,4\n", "Line 3 has 3 values; the header has 2 columns."),
        (b"id,target\n1,2\n2,abc\n", "Column 'target', line 3: 'abc' is not a number."),
        (b"id,target\n1,2\nx7,3\n", "Column 'id', line 3: 'x7' is not a whole number"),
        (b"id,target\n1,2\n2,\n", "Column 'target', line 3 is empty."),
        (b"id,target\n1,\xff\xfe\n", "not UTF-8"),
    ],
)
def test_bad_files_get_a_message_a_person_can_act_on(content, message):
    solution, _rows = regression_solution(2)
    assert message in _error(solution, content)


@pytest.mark.parametrize("bad", ["nan", "inf", "-Infinity", "NaN"])
def test_nan_and_infinity_are_refused(bad):
    solution, _rows = regression_solution(3)
    content = csv_bytes(["id", "target"], [(1, 1.0), (2, bad), (3, 1.0)])
    message = _error(solution, content)
    assert "line 3" in message
    assert "finite number" in message or "not a number" in message


def _binary_solution(n=40, seed=0):
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 2, n)
    truth[:4] = [0, 1, 0, 1]
    usage = ["Public" if k % 3 == 0 or k < 2 else "Private" for k in range(n)]
    content = csv_bytes(["id", "target", "Usage"], [(k, truth[k], usage[k]) for k in range(n)])
    solution = Solution.from_csv(content, id_column="id", target_columns=["target"])
    return solution, truth, np.array([u == "Public" for u in usage])


def test_probabilities_above_one_are_refused():
    solution, _truth, _public = _binary_solution()
    content = csv_bytes(["id", "target"], [(k, 1.2 if k == 5 else 0.5) for k in range(40)])
    message = _error(solution, content, metric="log_loss")
    assert "line 7: 1.2 is not a probability" in message


def test_binary_auc_and_log_loss_through_files_agree_with_sklearn():
    solution, truth, public = _binary_solution(200, seed=3)
    rng = np.random.default_rng(4)
    pred = np.round(rng.random(200) * 0.6 + truth * 0.3, 3)
    order = rng.permutation(200)
    content = csv_bytes(["id", "target"], [(k, pred[k]) for k in order])
    auc = score_submission(solution, content, metric="roc_auc")
    assert auc.public == pytest.approx(sk.roc_auc_score(truth[public], pred[public]), abs=1e-12)
    assert auc.private == pytest.approx(sk.roc_auc_score(truth[~public], pred[~public]), abs=1e-12)
    loss = score_submission(solution, content, metric="log_loss")
    assert loss.private == pytest.approx(sk.log_loss(truth[~public], pred[~public]), rel=1e-12)


def test_multiclass_probabilities_one_column_per_class():
    rows = [(1, 1, 0, 0, "Public"), (2, 0, 1, 0, "Public"), (3, 0, 0, 1, "Private")]
    rows += [(4, 1, 0, 0, "Private")]
    solution = Solution.from_csv(
        csv_bytes(["id", "a", "b", "c", "Usage"], rows),
        id_column="id",
        target_columns=["a", "b", "c"],
    )
    content = csv_bytes(
        ["id", "c", "b", "a"],
        [(1, 0.25, 0.25, 0.5), (2, 0.0, 1.0, 0.0), (3, 0.5, 0.5, 0.0), (4, 0.2, 0.2, 0.2)],
    )
    result = score_submission(solution, content, metric="log_loss")
    assert result.public == pytest.approx((-math.log(0.5) - math.log(1 - 1e-15)) / 2)
    assert result.private == pytest.approx((-math.log(0.5) - math.log(1 / 3)) / 2)


def test_labels_as_strings_unknown_labels_count_as_wrong():
    rows = [(k, ["cat", "dog", "bird"][k % 3], "Public" if k < 6 else "Private") for k in range(12)]
    solution = Solution.from_csv(
        csv_bytes(["id", "animal", "Usage"], rows), id_column="id", target_columns=["animal"]
    )
    predicted = [(k, label if k % 4 else "lion") for k, label, _u in rows]
    result = score_submission(solution, csv_bytes(["id", "animal"], predicted), metric="accuracy")
    assert (result.public, result.private) == pytest.approx((4 / 6, 5 / 6))
    macro = score_submission(solution, csv_bytes(["id", "animal"], predicted), metric="f1_macro")
    truth = [r[1] for r in rows]
    pred = [p[1] for p in predicted]
    want = sk.f1_score(truth[:6], pred[:6], labels=["bird", "cat", "dog"], average="macro")
    assert macro.public == pytest.approx(want, abs=1e-12)


def test_numeric_labels_accept_1_and_1_point_0():
    rows = [(k, k % 2, "Public" if k < 4 else "Private") for k in range(8)]
    solution = Solution.from_csv(
        csv_bytes(["id", "target", "Usage"], rows), id_column="id", target_columns=["target"]
    )
    content = csv_bytes(["id", "target"], [(k, f"{k % 2}.0") for k in range(8)])
    assert score_submission(solution, content, metric="balanced_accuracy").public == 1.0


def test_a_ranking_challenge_scores_map_and_ndcg():
    rows = [(1, "a b", "Public"), (2, "x", "Public"), (3, "q:3 r:1", "Private")]
    solution = Solution.from_csv(
        csv_bytes(["query", "items", "Usage"], rows), id_column="query", target_columns=["items"]
    )
    content = csv_bytes(["query", "items"], [(3, "r q"), (1, "a z b"), (2, "")])
    result = score_submission(solution, content, metric="map_at_5")
    assert result.public == pytest.approx(((1 + 2 / 3) / 2 + 0) / 2)
    ndcg = score_submission(solution, content, metric="ndcg_at_10")
    assert ndcg.private == pytest.approx((1 + 7 / math.log2(3)) / (7 + 1 / math.log2(3)))


def test_a_path_and_bytes_give_the_same_score(tmp_path):
    solution, rows = regression_solution()
    content = submission_for(rows, 0.5)
    path = tmp_path / "submission.csv"
    path.write_bytes(content)
    from_path = score_submission(solution, str(path), metric="rmse")
    from_bytes = score_submission(solution, content, metric="rmse")
    assert (from_path.public, from_path.private) == (from_bytes.public, from_bytes.private)


def test_two_hundred_thousand_shuffled_rows_match_numpy(tmp_path):
    n = 200_000
    rng = np.random.default_rng(7)
    truth = rng.normal(size=n)
    public = rng.random(n) < 0.3
    usage = np.where(public, "Public", "Private")
    solution_path = tmp_path / "solution.csv"
    solution_path.write_text(
        "id,target,Usage\n" + "".join(f"{k},{truth[k]:.17g},{usage[k]}\n" for k in range(n))
    )
    solution = Solution.from_csv(solution_path, id_column="id", target_columns=["target"])
    solution.save(tmp_path / "solution.arrow")
    solution = Solution.load(tmp_path / "solution.arrow")
    pred = truth + rng.normal(size=n)
    order = rng.permutation(n)
    submission = tmp_path / "submission.csv"
    submission.write_text("id,target\n" + "".join(f"{k},{pred[k]:.17g}\n" for k in order))
    result = score_submission(solution, submission, metric="rmse")
    error = (pred - truth) ** 2
    assert result.public == pytest.approx(math.sqrt(error[public].mean()), rel=1e-12)
    assert result.private == pytest.approx(math.sqrt(error[~public].mean()), rel=1e-12)


@pytest.mark.parametrize(
    "ids",
    [
        [f"id-{k}" for k in range(40)],  # varying lengths: hashed keys, checked exactly
        [f"k{k:04d}" for k in range(40)],  # same length, at most 8 bytes: exact keys
        [f"550e8400-e29b-41d4-a716-{k:012d}" for k in range(40)],  # long ids
    ],
)
def test_string_ids_of_every_shape_map_exactly(ids):
    solution, rows = regression_solution(ids=ids)
    shuffled = [rows[k] for k in np.random.default_rng(2).permutation(len(rows))]
    assert score_submission(solution, submission_for(shuffled, 1.5), metric="mae").private == 1.5
    swapped = [(i + "x" if k == 3 else i, t, u) for k, (i, t, u) in enumerate(shuffled)]
    message = _error(solution, submission_for(swapped))
    assert "1 id is missing" in message and "x'" in message


def test_a_hash_collision_in_the_solution_falls_back_to_sorting_strings(monkeypatch):
    from compagnon.challenges import scoring

    monkeypatch.setattr(
        scoring, "string_keys", lambda array: (np.zeros(len(array), dtype=np.uint64), False)
    )
    solution, rows = regression_solution(ids=[f"id-{k}" for k in range(30)])
    shuffled = [rows[k] for k in np.random.default_rng(3).permutation(30)]
    assert score_submission(solution, submission_for(shuffled, 2.0), metric="mae").public == 2.0
    message = _error(solution, submission_for(shuffled[:-1]))
    assert "1 id is missing" in message


def test_an_open_file_is_accepted_for_the_solution_and_the_submission():
    import io

    _solution, rows = regression_solution()
    content = io.BytesIO(csv_bytes(["id", "target", "Usage"], rows))
    from_file = Solution.from_csv(content, id_column="id", target_columns=["target"])
    result = score_submission(from_file, io.BytesIO(submission_for(rows, 0.25)), metric="mae")
    assert (result.public, result.private) == (0.25, 0.25)
