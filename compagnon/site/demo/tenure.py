"""The demo club's synthetic retention history, with a planted effect (nothing here writes).

The insights pages need years of comings and goings that a fresh platform does not have; a
club would import them from its spreadsheets (`insights.TenureRecord`). The demo draws them:
data people at the demo organisations, each observed from a landmark (one year after they
or their organisation joined the club) until they left or today.

The effect is planted so that the analysis can be checked against a known truth:
- leaving is an exponential hazard that depends on role, seniority and organisation, and is
  multiplied by PLANTED_HAZARD_RATIO for people who took part in the club;
- taking part is *confounded*: seniors, some roles and people in large organisations take
  part more, and they also leave less. A naive comparison overstates the effect; the Cox
  model adjusted for role and seniority, stratified by organisation, recovers it
  (insights/tests/test_survival.py checks it lies in the model's 95 % interval).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

PLANTED_HAZARD_RATIO = 0.6
TENURE_SEED = 1702

ROLE_EFFECTS = {  # log-hazard of leaving, and log-odds of taking part
    "data_scientist": (0.0, 0.3),
    "data_engineer": (0.15, -0.2),
    "data_analyst": (0.3, -0.4),
    "ml_engineer": (-0.1, 0.4),
    "manager": (-0.4, 0.2),
}
ROLE_WEIGHTS = (35, 20, 20, 15, 10)
BASE_HAZARD = 0.2  # per year: a median tenure of about 3.5 years for the reference group
SENIORITY_EFFECT = (-0.08, 0.15)  # per year already at the organisation: hazard, participation


@dataclass(frozen=True)
class TenureSpec:
    organisation: str  # an organisation slug (or a generated name for the benchmark)
    role_family: str
    seniority_years: float
    took_part: bool
    landmark_on: date
    left_on: date | None


def _size_effect(size: int) -> float:
    return 0.35 * math.log(max(size, 1)) - 2.2


def tenure_history(
    organisations: list[tuple[str, int]],
    *,
    today: date,
    seed: int = TENURE_SEED,
    hazard_ratio: float = PLANTED_HAZARD_RATIO,
    years: int = 9,
) -> list[TenureSpec]:
    """`size` people for each (slug, size), observed over the last `years` years."""
    rng = random.Random(seed)
    roles = list(ROLE_EFFECTS)
    specs: list[TenureSpec] = []
    for slug, size in organisations:
        organisation_effect = rng.gauss(0.0, 0.3)
        for _ in range(size):
            role = rng.choices(roles, weights=ROLE_WEIGHTS)[0]
            hazard_role, participation_role = ROLE_EFFECTS[role]
            seniority = round(rng.uniform(0.0, 8.0), 2)
            participation = (
                participation_role + SENIORITY_EFFECT[1] * seniority + _size_effect(size)
            )
            took_part = rng.random() < 1 / (1 + math.exp(-participation))
            hazard = BASE_HAZARD * math.exp(
                hazard_role
                + SENIORITY_EFFECT[0] * seniority
                + organisation_effect
                + (math.log(hazard_ratio) if took_part else 0.0)
            )
            stay_years = rng.expovariate(hazard)
            landmark = today - timedelta(days=rng.randint(30, years * 365))
            followed = (today - landmark).days / 365.25
            left = (
                landmark + timedelta(days=round(stay_years * 365.25))
                if stay_years < followed
                else None
            )
            specs.append(
                TenureSpec(
                    organisation=slug,
                    role_family=role,
                    seniority_years=seniority,
                    took_part=took_part,
                    landmark_on=landmark,
                    left_on=left,
                )
            )
    return specs


def tenure_arrays(specs: list[TenureSpec], *, today: date):
    """The specs as the analysis's arrays (`insights.survival.TenureArrays`)."""
    from compagnon.insights.survival import TenureArrays

    ids = {slug: index for index, slug in enumerate(dict.fromkeys(s.organisation for s in specs))}
    return TenureArrays(
        duration=np.array(
            [((s.left_on or today) - s.landmark_on).days / 365.25 for s in specs], dtype=float
        ),
        left=np.array([s.left_on is not None for s in specs], dtype=int),
        took_part=np.array([s.took_part for s in specs], dtype=int),
        role=np.array([s.role_family for s in specs], dtype=object),
        seniority=np.array([s.seniority_years for s in specs], dtype=float),
        organisation=np.array([ids[s.organisation] for s in specs], dtype=int),
    )
