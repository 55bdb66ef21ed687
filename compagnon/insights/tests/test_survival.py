"""The retention analysis recovers the effect planted in the demo's synthetic history."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from compagnon.insights.survival import K_MIN, km_curve, retention_analysis
from compagnon.site.demo.data import ORGANISATIONS
from compagnon.site.demo.tenure import PLANTED_HAZARD_RATIO, tenure_arrays, tenure_history

TODAY = dt.date(2026, 6, 1)
PLANTED = math.log(PLANTED_HAZARD_RATIO)


@pytest.fixture(scope="module")
def demo_history():
    from compagnon.insights.demo import HISTORY_SCALE

    sizes = [(spec.slug, spec.size * HISTORY_SCALE) for spec in ORGANISATIONS]
    return tenure_arrays(tenure_history(sizes, today=TODAY), today=TODAY)


@pytest.fixture(scope="module")
def analysis(demo_history):
    return retention_analysis(demo_history)


def test_the_history_is_confounded_as_planned(demo_history):
    took = demo_history.took_part == 1
    # Participants are more senior: a naive comparison would flatter the club.
    assert demo_history.seniority[took].mean() > demo_history.seniority[~took].mean() + 0.5
    assert 0.2 < took.mean() < 0.8


def test_the_cox_model_recovers_the_planted_effect(analysis):
    cox = analysis["cox"]
    assert cox["log_low"] <= PLANTED <= cox["log_high"]
    assert cox["high"] < 1  # and it is told apart from no effect
    assert cox["adjusted_for"] == ["role", "seniority", "organisation"]


def test_the_matched_comparison_recovers_it_too(analysis):
    matched = analysis["matched"]
    assert matched["log_low"] <= PLANTED <= matched["log_high"]
    assert matched["pairs"] >= 100


def test_the_curves_have_bands_and_numbers_at_risk(analysis):
    for curve in analysis["curves"].values():
        assert curve["points"][0] == {"t": 0.0, "s": 1.0, "low": 1.0, "high": 1.0}
        assert all(p["low"] <= p["s"] <= p["high"] for p in curve["points"])
        at_risk = [row["n"] for row in curve["at_risk"]]
        assert at_risk[0] == curve["n"] and at_risk == sorted(at_risk, reverse=True)
    stays = analysis["retention_at_horizon"]
    assert stays["took_part"] > stays["other"]


def test_a_curve_stops_before_fewer_than_five_people_remain():
    duration = np.array([0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0])
    curve = km_curve(duration, np.ones_like(duration, dtype=int))
    last = curve["points"][-1]["t"]
    assert (duration >= last).sum() >= K_MIN
    assert km_curve(np.array([]), np.array([]))["points"] == []


def test_too_few_people_give_no_model():
    arrays = tenure_arrays(tenure_history([("tiny", 6)], today=TODAY), today=TODAY)
    result = retention_analysis(arrays)
    assert result["cox"] is None
    assert result["matched"] is None


@pytest.mark.django_db
def test_the_demo_records_in_the_database_recover_it(org_a, org_b):
    """The same history through the database: TenureRecord rows, read by tenure_rows()."""
    from compagnon.insights.models import TenureRecord
    from compagnon.insights.retention import tenure_rows

    specs = tenure_history([(org_a.slug, 700), (org_b.slug, 500)], today=TODAY)
    by_slug = {org_a.slug: org_a, org_b.slug: org_b}
    TenureRecord.objects.bulk_create(
        TenureRecord(
            organisation=by_slug[s.organisation],
            role_family=s.role_family,
            seniority_years=s.seniority_years,
            took_part=s.took_part,
            landmark_on=s.landmark_on,
            left_on=s.left_on,
            is_demo=True,
        )
        for s in specs
    )

    arrays, _skipped = tenure_rows(today=TODAY)
    cox = retention_analysis(arrays, matched=False)["cox"]

    assert len(arrays) == len(specs)
    assert cox["log_low"] <= PLANTED <= cox["log_high"]
