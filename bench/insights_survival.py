"""Retention analysis benchmark: Kaplan-Meier, Cox and the matched comparison over a generated
club of 20 000 data people (100 organisations), each against a floor on the same arrays.

Run: uv run python bench/insights_survival.py            (20 000 people)
     uv run python bench/insights_survival.py --people 50000

The data come from the demo's generator (`site/demo/tenure.py`, seeded, with the planted
effect). Floors:
- km: a bare numpy Kaplan-Meier (sort, counts at each time, cumulative product) for both
  groups, no band, no grid, no numbers at risk;
- cox: a bare `lifelines.CoxPHFitter().fit` on the design frame built beforehand (same
  columns, same strata), without our design step, fallbacks or summary;
- analysis: the bare KM floor plus the bare Cox floor, against `retention_analysis()` (two
  curves with bands and numbers at risk, the adjusted Cox model and the matched comparison).
Each line prints `name: value (ratio x floor)`; the Cox estimates of both are checked equal.

With `--dashboard`, it also loads one organisation's share of that history (its people's
tenure records) into a throwaway database, computes its snapshot, and times the manager's
dashboard read from the cache against `/healthz` (the issue's budget: under 100 ms).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from compagnon.insights.survival import _design, cox_took_part, km_curve, retention_analysis  # noqa: E402
from compagnon.site.demo.tenure import PLANTED_HAZARD_RATIO, tenure_arrays, tenure_history  # noqa: E402

TODAY = date(2026, 6, 1)


def timed(call, runs: int) -> tuple[float, object]:
    durations, result = [], None
    call()  # warm-up: imports, caches
    for _ in range(runs):
        started = time.perf_counter()
        result = call()
        durations.append((time.perf_counter() - started) * 1000)
    return statistics.median(durations), result


def numpy_km(duration: np.ndarray, left: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(duration, kind="stable")
    times, events = duration[order], left[order]
    unique, first = np.unique(times, return_index=True)
    deaths = np.add.reduceat(events, first)
    at_risk = len(times) - first
    return unique, np.cumprod(1 - deaths / at_risk)


def report(name: str, value_ms: float, floor_ms: float, floor_name: str) -> None:
    print(
        f"{name}: {value_ms:.1f} ms ({value_ms / floor_ms:.2f}x floor {floor_name} {floor_ms:.1f} ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dashboard", action="store_true")
    args = parser.parse_args()
    organisations = 100
    sizes = [(f"org-{index}", args.people // organisations) for index in range(organisations)]
    arrays = tenure_arrays(tenure_history(sizes, today=TODAY), today=TODAY)
    took = arrays.took_part == 1
    print(
        f"club: {len(arrays)} people, {organisations} organisations, "
        f"{arrays.left.mean():.0%} left, {took.mean():.0%} took part"
    )

    def km_ours():
        return [km_curve(arrays.duration[m], arrays.left[m]) for m in (took, ~took)]

    def km_floor():
        return [numpy_km(arrays.duration[m], arrays.left[m]) for m in (took, ~took)]

    ours, _ = timed(km_ours, args.runs)
    floor, _ = timed(km_floor, args.runs)
    report("insights_km_two_groups", ours, floor, "numpy_km")

    from lifelines import CoxPHFitter

    design = _design(arrays.frame())

    def cox_floor():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return CoxPHFitter().fit(
                design, duration_col="duration", event_col="left", strata=["organisation"]
            )

    ours_cox, ours_result = timed(lambda: cox_took_part(arrays), args.runs)
    floor_cox, floor_fit = timed(cox_floor, args.runs)
    report("insights_cox_adjusted", ours_cox, floor_cox, "bare_lifelines_cox")
    bare_hr = float(np.exp(floor_fit.params_["took_part"]))
    assert abs(ours_result["hr"] - bare_hr) < 1e-3, (ours_result["hr"], bare_hr)

    full, result = timed(lambda: retention_analysis(arrays), args.runs)
    report("insights_retention_analysis", full, floor + floor_cox, "numpy_km+bare_cox")
    cox, matched = result["cox"], result["matched"]
    print(
        f"planted hazard ratio {PLANTED_HAZARD_RATIO}: cox {cox['hr']} [{cox['low']}, {cox['high']}], "
        f"matched {matched['hr']} [{matched['low']}, {matched['high']}] over {matched['pairs']} pairs"
    )
    if args.dashboard:
        dashboard(args.people // organisations)


def dashboard(size: int) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    from _common import bench_client, measure, setup_django
    from _common import report as report_http

    setup_django()
    from compagnon.insights.models import TenureRecord
    from compagnon.insights.services import snapshot_compute
    from compagnon.members.tests.factories import OrganisationFactory, PersonFactory, UserFactory

    organisation = OrganisationFactory(name="Bench Org")
    manager = PersonFactory(
        organisation=organisation, is_org_manager=True, user=UserFactory(email="m@bench.example")
    )
    TenureRecord.objects.bulk_create(
        TenureRecord(
            organisation=organisation,
            role_family=spec.role_family,
            seniority_years=spec.seniority_years,
            took_part=spec.took_part,
            landmark_on=spec.landmark_on,
            left_on=spec.left_on,
        )
        for spec in tenure_history([(organisation.slug, size)], today=TODAY)
    )
    started = time.perf_counter()
    snapshot_compute(organisation=organisation)
    print(f"insights_snapshot_one_organisation: {(time.perf_counter() - started) * 1000:.1f} ms")
    client = bench_client(manager.user)
    floor = measure(lambda: client.get("/healthz"))
    url = f"/insights/organisations/{organisation.slug}/"
    report_http("insights_dashboard_from_cache", measure(lambda: client.get(url)), floor)


if __name__ == "__main__":
    main()
