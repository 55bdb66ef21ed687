"""Retention: how long data people stay at their organisation, for those who took part in the
club and those who did not. Plain arrays in, plain dicts out (no ORM): `retention.py` builds
the arrays from the database, the demo's synthetic history and the benchmark build their own.

The design, so that "took part" is not credited with time people had to survive to get it
(immortal-time bias): each person enters at a *landmark*, one year after the start of their
observed time at the organisation (joining it, or the organisation joining the club, whichever
is later). "Took part" means taking part in the club during that first year. Durations count
from the landmark; people who left before it are not in the analysis. "Seniority" is the years
already spent at the organisation at the landmark.

Three estimates, from the most descriptive to the most careful:
- Kaplan-Meier curves per group, with 95 % bands and the numbers at risk;
- a Cox model of leaving, adjusted for role and seniority and stratified by organisation
  (each organisation keeps its own baseline): the hazard ratio of taking part;
- a matched comparison: each participant with the non-participant closest in propensity to
  take part (logistic model on role, seniority and organisation size), then the hazard ratio
  in the matched sample, with a robust interval.

All three are associations. People who choose to take part may differ in ways no column holds
(motivation, a manager who lets them go), so none of them is proof that the club causes people
to stay.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

K_MIN = 5  # see selectors.figure_visible: the one rule, repeated here for the curves' tails
HORIZON_YEARS = 2.0  # retention compared at this many years after the landmark


@dataclass
class TenureArrays:
    """One row per person: years followed after the landmark, whether they left, and covariates."""

    duration: np.ndarray  # years from the landmark to leaving or to today
    left: np.ndarray  # 1 = left the organisation, 0 = still there (censored)
    took_part: np.ndarray  # 1 = took part in the club during the first year
    role: np.ndarray  # role family (str)
    seniority: np.ndarray  # years at the organisation at the landmark
    organisation: np.ndarray  # organisation id (int)

    def __len__(self) -> int:
        return len(self.duration)

    def frame(self) -> pd.DataFrame:
        frame = pd.DataFrame(
            {
                "duration": np.maximum(np.asarray(self.duration, dtype=float), 1e-3),
                "left": np.asarray(self.left, dtype=int),
                "took_part": np.asarray(self.took_part, dtype=int),
                "role": np.asarray(self.role, dtype=object),
                "seniority": np.asarray(self.seniority, dtype=float),
                "organisation": np.asarray(self.organisation, dtype=int),
            }
        )
        sizes = frame.groupby("organisation")["duration"].transform("size")
        frame["log_org_size"] = np.log(sizes.astype(float))
        return frame

    def subset(self, mask: np.ndarray) -> TenureArrays:
        return TenureArrays(
            duration=self.duration[mask],
            left=self.left[mask],
            took_part=self.took_part[mask],
            role=self.role[mask],
            seniority=self.seniority[mask],
            organisation=self.organisation[mask],
        )


def _clean(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else round(float(value), 4)


# --- Kaplan-Meier ------------------------------------------------------------------------------


def km_curve(duration: np.ndarray, left: np.ndarray, *, step: float = 0.25) -> dict[str, Any]:
    """The survival curve on a regular grid, with its 95 % band and the numbers at risk.

    The curve stops where fewer than K_MIN people remain at risk: past that point each step
    would be one or two identifiable departures.
    """
    from lifelines import KaplanMeierFitter

    duration = np.maximum(np.asarray(duration, dtype=float), 1e-3)
    left = np.asarray(left, dtype=int)
    n = len(duration)
    if n == 0:
        return {"n": 0, "events": 0, "points": [], "at_risk": []}
    fitter = KaplanMeierFitter().fit(duration, left)
    last = float(np.sort(duration)[-K_MIN]) if n >= K_MIN else 0.0
    grid = np.arange(0.0, last + 1e-9, step)
    survival = fitter.survival_function_at_times(grid).to_numpy()
    band = fitter.confidence_interval_survival_function_
    # The band is a step function on the event times: read it at each grid point.
    times = band.index.to_numpy()
    positions = np.searchsorted(times, grid, side="right") - 1
    lower = band.iloc[:, 0].to_numpy()[np.clip(positions, 0, None)]
    upper = band.iloc[:, 1].to_numpy()[np.clip(positions, 0, None)]
    sorted_durations = np.sort(duration)
    points = [
        {
            "t": round(float(t), 3),
            "s": _clean(s),
            "low": _clean(lo),
            "high": _clean(hi),
        }
        for t, s, lo, hi in zip(grid, survival, lower, upper, strict=True)
    ]
    ticks = np.arange(0.0, math.floor(last) + 1)
    at_risk = [
        {"t": int(t), "n": int(n - np.searchsorted(sorted_durations, t, side="left"))}
        for t in ticks
    ]
    return {"n": int(n), "events": int(left.sum()), "points": points, "at_risk": at_risk}


def retention_at(curve: dict[str, Any], years: float = HORIZON_YEARS) -> float | None:
    """The share still there `years` after the landmark, read on the curve (None past its end)."""
    value = None
    for point in curve["points"]:
        if point["t"] <= years + 1e-9:
            value = point["s"]
        else:
            break
    if not curve["points"] or curve["points"][-1]["t"] < years - 1e-9:
        return None
    return value


# --- Cox model ---------------------------------------------------------------------------------


def _design(frame: pd.DataFrame, *, min_per_role: int = 10) -> pd.DataFrame:
    """took_part, seniority and role dummies (rare roles lumped with "other")."""
    counts = frame["role"].value_counts()
    role = frame["role"].where(frame["role"].map(counts) >= min_per_role, "other")
    dummies = pd.get_dummies(role, prefix="role", drop_first=True, dtype=float)
    design = pd.concat(
        [frame[["duration", "left", "took_part", "seniority", "organisation"]], dummies], axis=1
    )
    # A column that never varies (one role in a small organisation) cannot be estimated.
    constant = [c for c in dummies.columns if design[c].nunique() < 2]
    return design.drop(columns=constant)


def _exp(value: float) -> float:
    """exp that says "undefined" (inf, then None) instead of overflowing: a fit on a handful of
    people can put a bound of the interval at ±1 000 on the log scale."""
    return math.exp(value) if value < 700 else math.inf


def _hazard_ratio(fitter: Any, name: str = "took_part") -> dict[str, Any]:
    summary = fitter.summary
    row = summary.loc[name]
    return {
        "hr": _clean(_exp(row["coef"])),
        "low": _clean(_exp(row["coef lower 95%"])),
        "high": _clean(_exp(row["coef upper 95%"])),
        "log_hr": _clean(row["coef"]),
        "log_low": _clean(row["coef lower 95%"]),
        "log_high": _clean(row["coef upper 95%"]),
        "p": _clean(row["p"]),
    }


def _cox_fit(design: pd.DataFrame, **options: Any) -> Any:
    from lifelines import CoxPHFitter

    for penalizer in (0.0, 0.01, 0.1):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return CoxPHFitter(penalizer=penalizer).fit(
                    design, duration_col="duration", event_col="left", **options
                )
        except Exception:
            continue
    return None


def cox_took_part(arrays: TenureArrays, *, stratify: bool = True) -> dict[str, Any] | None:
    """Hazard ratio of leaving for those who took part, adjusted for role and seniority, with
    each organisation its own stratum (None when the data cannot support a model)."""
    frame = arrays.frame()
    groups = frame.groupby("took_part")["left"].agg(["size", "sum"])
    if len(groups) < 2 or (groups["size"] < K_MIN).any() or (groups["sum"] < 1).any():
        return None
    design = _design(frame)
    multiple = design["organisation"].nunique() > 1
    if stratify and multiple:
        fitter = _cox_fit(design, strata=["organisation"])
    else:
        fitter = _cox_fit(design.drop(columns=["organisation"]))
    if fitter is None:
        return None
    result = _hazard_ratio(fitter)
    result["n"] = len(design)
    result["events"] = int(design["left"].sum())
    result["adjusted_for"] = ["role", "seniority"] + (
        ["organisation"] if stratify and multiple else []
    )
    return result


# --- Matched comparison ------------------------------------------------------------------------


def propensity(frame: pd.DataFrame) -> np.ndarray:
    """The probability of taking part given role, seniority and organisation size."""
    from sklearn.linear_model import LogisticRegression

    design = pd.concat(
        [
            frame[["seniority", "log_org_size"]],
            pd.get_dummies(frame["role"], prefix="role", drop_first=True, dtype=float),
        ],
        axis=1,
    ).to_numpy(dtype=float)
    model = LogisticRegression(max_iter=1000)
    model.fit(design, frame["took_part"].to_numpy())
    return model.predict_proba(design)[:, 1]


def matched_comparison(arrays: TenureArrays, *, caliper_sd: float = 0.2) -> dict[str, Any] | None:
    """1:1 nearest-neighbour matching on the logit of the propensity, without replacement,
    within `caliper_sd` standard deviations; then the hazard ratio in the matched pairs."""
    frame = arrays.frame()
    treated = np.flatnonzero(frame["took_part"].to_numpy() == 1)
    controls = np.flatnonzero(frame["took_part"].to_numpy() == 0)
    if len(treated) < K_MIN or len(controls) < K_MIN:
        return None
    score = np.clip(propensity(frame), 1e-6, 1 - 1e-6)
    logit = np.log(score / (1 - score))
    caliper = caliper_sd * float(np.std(logit))
    order = np.argsort(logit[controls], kind="stable")
    control_logits = logit[controls][order]
    control_ids = controls[order]
    used = np.zeros(len(control_ids), dtype=bool)
    pairs: list[tuple[int, int]] = []
    # Hardest to match first: the treated with the highest propensity have the fewest controls.
    for index in treated[np.argsort(-logit[treated], kind="stable")]:
        position = int(np.searchsorted(control_logits, logit[index]))
        best, best_distance = -1, caliper
        left_position, right_position = position - 1, position
        # Walk outwards past controls already used; stop once beyond the caliper on a side.
        while left_position >= 0:
            if not used[left_position]:
                distance = logit[index] - control_logits[left_position]
                if distance <= best_distance:
                    best, best_distance = left_position, distance
                break
            left_position -= 1
        while right_position < len(control_logits):
            if not used[right_position]:
                distance = control_logits[right_position] - logit[index]
                if distance <= best_distance:
                    best, best_distance = right_position, distance
                break
            right_position += 1
        if best >= 0:
            used[best] = True
            pairs.append((int(index), int(control_ids[best])))
    if len(pairs) < K_MIN:
        return None
    rows = np.array([i for pair in pairs for i in pair])
    matched = frame.iloc[rows][["duration", "left", "took_part"]].reset_index(drop=True)
    matched["pair"] = np.repeat(np.arange(len(pairs)), 2)
    fitter = _cox_fit(matched, cluster_col="pair", robust=True)
    if fitter is None or matched["left"].sum() < 1:
        return None
    result = _hazard_ratio(fitter)
    result["pairs"] = len(pairs)
    result["treated_unmatched"] = int(len(treated) - len(pairs))
    result["n"] = len(matched)
    took = matched["took_part"].to_numpy() == 1
    result["retention_took_part"] = retention_at(
        km_curve(matched["duration"].to_numpy()[took], matched["left"].to_numpy()[took])
    )
    result["retention_other"] = retention_at(
        km_curve(matched["duration"].to_numpy()[~took], matched["left"].to_numpy()[~took])
    )
    return result


# --- All of it ---------------------------------------------------------------------------------


def retention_analysis(
    arrays: TenureArrays,
    *,
    matched: bool = True,
    stints: TenureStints | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Curves for both groups, the adjusted Cox model, the time-varying one (given the stints)
    and (optionally) the matched comparison. `progress` is told each step as it starts."""

    def step(name: str) -> None:
        if progress is not None:
            progress(name)

    step("curves")
    took = np.asarray(arrays.took_part, dtype=int) == 1
    curves = {
        "took_part": km_curve(arrays.duration[took], arrays.left[took]),
        "other": km_curve(arrays.duration[~took], arrays.left[~took]),
    }
    step("cox")
    cox = cox_took_part(arrays) if len(arrays) else None
    step("cox_time_varying")
    time_varying = cox_time_varying(stints) if stints is not None else None
    step("matched")
    return {
        "n": len(arrays),
        "curves": curves,
        "retention_at_horizon": {name: retention_at(curve) for name, curve in curves.items()},
        "horizon_years": HORIZON_YEARS,
        "cox": cox,
        "cox_time_varying": time_varying,
        "matched": matched_comparison(arrays) if matched and len(arrays) else None,
    }


# --- Time-varying participation ----------------------------------------------------------------
#
# The landmark design above asks "did they take part in their first year?" and says nothing of
# people who started later, nor of the first year itself. The time-varying model uses every
# person from the start of their observed time, and counts them as having taken part only from
# the day they first did: before that day the same person is in the "not yet" group. Time a
# person had to survive before taking part is thus credited to "not yet", never to "took part"
# (no immortal-time bias), without a landmark.


@dataclass
class TenureStints:
    """One row per person, in years since the start of their observed time."""

    entry: (
        np.ndarray
    )  # when they enter the analysis (0, or later for a record known from a landmark)
    exit: np.ndarray  # when they left or today
    left: np.ndarray  # 1 = left, 0 = still there
    switch: np.ndarray  # when they first took part (nan = never, <= entry = from the start)
    role: np.ndarray
    seniority: np.ndarray  # years at the organisation at the start of observed time
    organisation: np.ndarray

    def __len__(self) -> int:
        return len(self.exit)


def spells_long(stints: TenureStints) -> pd.DataFrame:
    """The long format CoxTimeVaryingFitter reads: a person is split in two rows at the day they
    first took part (not yet, then took part), the event on the last row only."""
    entry = np.asarray(stints.entry, dtype=float)
    exit_ = np.maximum(np.asarray(stints.exit, dtype=float), entry + 1e-3)
    switch = np.asarray(stints.switch, dtype=float)
    left = np.asarray(stints.left, dtype=int)
    ids = np.arange(len(entry))
    from_start = ~np.isnan(switch) & (switch <= entry)
    split = ~np.isnan(switch) & (switch > entry) & (switch < exit_)
    # Row 1: every person, to the switch (split) or to the end.
    first_stop = np.where(split, switch, exit_)
    first = pd.DataFrame(
        {
            "id": ids,
            "start": entry,
            "stop": first_stop,
            "left": np.where(split, 0, left),
            "took_part": from_start.astype(int),
        }
    )
    # Row 2: those who took part during their observed time, from that day to the end.
    second = pd.DataFrame(
        {
            "id": ids[split],
            "start": switch[split],
            "stop": exit_[split],
            "left": left[split],
            "took_part": 1,
        }
    )
    long = pd.concat([first, second], ignore_index=True)
    for name in ("role", "seniority", "organisation"):
        long[name] = np.asarray(getattr(stints, name))[long["id"].to_numpy()]
    return long.sort_values(["id", "start"], kind="stable").reset_index(drop=True)


def cox_time_varying(stints: TenureStints, *, stratify: bool = True) -> dict[str, Any] | None:
    """Hazard ratio of leaving once a person has taken part, against the same and other people
    before they did (lifelines' CoxTimeVaryingFitter), adjusted for role and seniority and
    stratified by organisation. None when the data cannot support a model."""
    from lifelines import CoxTimeVaryingFitter

    if len(stints) == 0:
        return None
    long = spells_long(stints)
    # Enough people who ever took part and who never did, and departures in both states.
    ever = long.groupby("id")["took_part"].max()
    if (ever == 1).sum() < K_MIN or (ever == 0).sum() < K_MIN:
        return None
    if long.groupby("took_part")["left"].sum().reindex([0, 1], fill_value=0).min() < 1:
        return None
    counts = long.drop_duplicates("id")["role"].value_counts()
    role = long["role"].where(long["role"].map(counts) >= 10, "other")
    dummies = pd.get_dummies(role, prefix="role", drop_first=True, dtype=float)
    dummies = dummies[[c for c in dummies.columns if dummies[c].nunique() > 1]]
    design = pd.concat(
        [long[["id", "start", "stop", "left", "took_part", "seniority", "organisation"]], dummies],
        axis=1,
    )
    multiple = stratify and design["organisation"].nunique() > 1
    if not multiple:
        design = design.drop(columns=["organisation"])
    fitter = None
    for penalizer in (0.0, 0.01, 0.1):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fitter = CoxTimeVaryingFitter(penalizer=penalizer).fit(
                    design,
                    id_col="id",
                    event_col="left",
                    start_col="start",
                    stop_col="stop",
                    strata=["organisation"] if multiple else None,
                )
            break
        except Exception:
            fitter = None
    if fitter is None:
        return None
    result = _hazard_ratio(fitter)
    result["n"] = len(stints)
    result["events"] = int(design["left"].sum())
    result["took_part_people"] = int((ever == 1).sum())
    result["adjusted_for"] = ["role", "seniority"] + (["organisation"] if multiple else [])
    return result
