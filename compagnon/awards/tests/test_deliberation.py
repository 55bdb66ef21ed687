"""The board's arithmetic against an example worked by hand."""

import math

import pytest

from compagnon.awards.deliberation import ReviewScores, board_rank, weighted_unit

WEIGHTS = (1.0, 3.0)  # originality x1, impact x3
SCALE = (0.0, 10.0)


def _review(application, juror, scores, category=1):
    return ReviewScores(
        application_id=application,
        category_id=category,
        juror_id=juror,
        scores=scores,
        weights=WEIGHTS,
        scale=SCALE,
    )


def test_weighted_unit_puts_the_weighted_mean_on_zero_to_one():
    # (6 x 1 + 10 x 3) / 4 = 9 out of 10
    assert weighted_unit(_review(1, 1, (6, 10))) == pytest.approx(0.9)


def test_hand_computed_board_corrects_a_harsh_juror_and_flags_the_tie():
    """Juror 1 is lenient, juror 2 harsh.

    Weighted, on 0..1:   A     B     C
      juror 1 (lenient) 0.9   0.8   0.7   mean 0.8, sd 0.08165 -> z  1.2247  0      -1.2247
      juror 2 (harsh)   0.3   0.5   0.1   mean 0.3, sd 0.16330 -> z  0       1.2247 -1.2247
    Raw means: A 0.60, B 0.65, C 0.40 (B would lead); normalised: A 0.6124 = B 0.6124,
    C -1.2247: A and B tie for first, C is third.
    """
    reviews = [
        _review(1, 1, (6, 10)),  # A by juror 1: (6 + 30) / 40 = 0.9
        _review(2, 1, (8, 8)),  # B: 0.8
        _review(3, 1, (7, 7)),  # C: 0.7
        _review(1, 2, (3, 3)),  # A by juror 2: 0.3
        _review(2, 2, (2, 6)),  # B: (2 + 18) / 40 = 0.5
        _review(3, 2, (1, 1)),  # C: 0.1
    ]
    ranked = board_rank(reviews)
    by_id = {r.application_id: r for r in ranked}
    z = math.sqrt(1.5)  # 0.1 / sqrt(0.02 / 3) = 1.2247
    assert by_id[1].raw_mean == pytest.approx(0.60)
    assert by_id[2].raw_mean == pytest.approx(0.65)
    assert by_id[1].z_by_juror == pytest.approx({1: z, 2: 0.0})
    assert by_id[2].z_by_juror == pytest.approx({1: 0.0, 2: z})
    assert by_id[1].z_mean == pytest.approx(z / 2)
    assert by_id[3].z_mean == pytest.approx(-z)
    assert [(r.application_id, r.rank, r.tied) for r in ranked] == [
        (1, 1, True),
        (2, 1, True),
        (3, 3, False),
    ]


def test_a_juror_without_spread_counts_as_neutral_and_categories_rank_apart():
    reviews = [
        _review(1, 1, (5, 5)),
        _review(2, 1, (5, 5)),  # juror 1 gave the same to everything: z 0, not a division by 0
        _review(1, 2, (9, 9)),
        _review(2, 2, (4, 4)),
        _review(7, 2, (2, 2), category=2),
        _review(7, 3, (2, 2), category=2),  # juror 3's single review: z 0
    ]
    ranked = board_rank(reviews)
    assert [(r.category_id, r.application_id, r.rank) for r in ranked] == [
        (1, 1, 1),
        (1, 2, 2),
        (2, 7, 1),
    ]
    assert all(not r.tied for r in ranked)
    assert ranked[0].z_by_juror[1] == 0.0
