"""A synthetic club history where taking part changes the hazard of leaving *from the day a
person first takes part* (nothing here writes). It checks the time-varying Cox model
(`survival.cox_time_varying`) against a known truth, and feeds the benchmark.

- Each person is followed from the start of their observed time for up to `years` years.
- They first take part after an exponential wait whose rate grows with seniority, some roles
  and the organisation's size (confounding: the same people also leave less), or never.
- Leaving is an exponential hazard from role, seniority and an organisation frailty, multiplied
  by `hazard_ratio` from the day they first took part (memoryless: the wait left over after
  the switch is drawn again at the new rate).
"""

from __future__ import annotations

import math

import numpy as np

from compagnon.insights.survival import TenureStints
from compagnon.site.demo.tenure import (
    BASE_HAZARD,
    PLANTED_HAZARD_RATIO,
    ROLE_EFFECTS,
    ROLE_WEIGHTS,
    SENIORITY_EFFECT,
)

TIME_VARYING_SEED = 1717
PARTICIPATION_RATE = 0.25  # per year, for the reference person: about half take part in 3 years


def time_varying_history(
    organisations: list[int],
    *,
    seed: int = TIME_VARYING_SEED,
    hazard_ratio: float = PLANTED_HAZARD_RATIO,
    years: float = 9.0,
) -> TenureStints:
    """`size` people for each size in `organisations`; organisation ids are their positions."""
    rng = np.random.default_rng(seed)
    roles = np.array(list(ROLE_EFFECTS), dtype=object)
    weights = np.array(ROLE_WEIGHTS, dtype=float) / sum(ROLE_WEIGHTS)
    sizes = np.asarray(organisations, dtype=int)
    organisation = np.repeat(np.arange(len(sizes)), sizes)
    n = len(organisation)
    frailty = rng.normal(0.0, 0.3, len(sizes))[organisation]
    size_effect = 0.35 * np.log(np.maximum(sizes, 1))[organisation] - 1.5
    role_index = rng.choice(len(roles), size=n, p=weights)
    hazard_role = np.array([ROLE_EFFECTS[r][0] for r in roles])[role_index]
    participation_role = np.array([ROLE_EFFECTS[r][1] for r in roles])[role_index]
    seniority = np.round(rng.uniform(0.0, 6.0, n), 2)
    followed = rng.uniform(0.1, years, n)
    rate = PARTICIPATION_RATE * np.exp(
        participation_role + SENIORITY_EFFECT[1] * seniority + size_effect
    )
    switch = rng.exponential(1 / rate)
    hazard = BASE_HAZARD * np.exp(hazard_role + SENIORITY_EFFECT[0] * seniority + frailty)
    before = rng.exponential(1 / hazard)
    after = rng.exponential(1 / (hazard * hazard_ratio))
    leave = np.where(before < switch, before, switch + after)
    left = (leave < followed).astype(int)
    exit_ = np.where(left == 1, leave, followed)
    switch = np.where(switch < exit_, switch, math.nan)
    return TenureStints(
        entry=np.zeros(n),
        exit=exit_,
        left=left,
        switch=switch,
        role=roles[role_index],
        seniority=seniority,
        organisation=organisation,
    )
