"""Learning curve: a synthetic club answers invitations with noise; does learning help?

Run: uv run python bench/matching_learning.py (also run at the end of matching_quality.py)

The club is the `conseil` generator with its own seed (not the held-out set's):
900 people and 700 cases with a hidden graded truth. The first 500 cases are
staffed one after the other by the prior (the dev-fitted weights): the top 8
are invited, plus 4 people drawn from ranks 9-40 (staff look further down the
list). Each invited person answers from their hidden relevance with noise:

    relevance 3: expert 50 %, interested 25 %, not this time 10 %, no answer 15 %
    relevance 2: expert 15 %, interested 40 %, not this time 25 %, no answer 20 %
    relevance 1: interested 30 %, not this time 40 %, no answer 30 %
    relevance 0: interested 5 %, not this time 60 %, no answer 35 %

and the labels are those of `engine.learn` (expert 3, interested 2, else 0).
After 50, 200 and 500 answered cases the weights are fitted on those answers
(`weights_fit`, the same function the nightly task runs), and both the prior and
the learned weights rank the last 200 cases, scored on the hidden truth.

`--club atelier|fratrie|souche` runs the same curve on a club from a dev generator
(its own seed, 700 people): the learner (engine/learn.py) was chosen on those
curves; the `conseil` curve above is the one reported (docs/matching.md).
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
from matching_clubs import atelier, conseil, fratrie, souche

from compagnon.matching.engine import Ranker, Weights
from compagnon.matching.engine.learn import LabelledCase, weights_apply, weights_fit

ANSWERS = {  # relevance -> (expert, interested, declined, no answer)
    3: (0.50, 0.25, 0.10, 0.15),
    2: (0.15, 0.40, 0.25, 0.20),
    1: (0.00, 0.30, 0.40, 0.30),
    0: (0.00, 0.05, 0.60, 0.35),
}
from compagnon.matching.engine.learn import NOT_INVITED, NOT_INVITED_LABEL  # noqa: E402

LABELS = (3, 2, 0, 0)
TRAIN, TEST = 500, 200
STEPS = (50, 200, 500)


def ndcg_at(ranked: list, relevance: dict, k: int = 10) -> float:
    dcg = sum((2 ** relevance.get(p, 0) - 1) / np.log2(i + 2) for i, p in enumerate(ranked[:k]))
    ideal = sorted((2**r - 1 for r in relevance.values()), reverse=True)[:k]
    idcg = sum(g / np.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def held_out_ndcg(ranker: Ranker, cases) -> float:
    return float(
        np.mean(
            [ndcg_at([m.person_id for m in ranker.rank(c.query, k=10)], c.relevance) for c in cases]
        )
    )


# the reported club, then the dev generators' clubs the learner was chosen on
CLUBS = {
    "conseil": lambda: conseil(seed=909, n_people=900, n_cases=TRAIN + TEST),
    "atelier": lambda: atelier(seed=929, n_people=700, n_cases=TRAIN + TEST),
    "fratrie": lambda: fratrie(seed=919, n_people=700, n_cases=TRAIN + TEST),
    "souche": lambda: souche(seed=939, n_people=700, n_cases=TRAIN + TEST),
}
SEEDS = {"conseil": 909, "atelier": 929, "fratrie": 919, "souche": 939}


def learning_curve(name: str = "conseil") -> None:
    club = CLUBS[name]()
    train, test = club.cases[:TRAIN], club.cases[TRAIN:]
    prior = Weights()
    ranker = Ranker.fit(club.docs, weights=prior)
    rng = random.Random(7)
    answered: list[LabelledCase] = []
    for case in train:
        ranked = [m.person_id for m in ranker.rank(case.query, k=40)]
        invited = ranked[:8] + rng.sample(ranked[8:], min(4, len(ranked[8:])))
        labels = [
            LABELS[rng.choices(range(4), ANSWERS[case.relevance.get(pid, 0)])[0]] for pid in invited
        ]
        others = [d.id for d in rng.sample(club.docs, NOT_INVITED + len(invited))]
        others = [pid for pid in others if pid not in invited][:NOT_INVITED]
        ids, parts, factors = ranker.features(case.query, invited + others)
        assert ids == invited + others
        labels += [NOT_INVITED_LABEL] * len(others)
        answered.append(LabelledCase(parts, factors, np.array(labels, float)))
    prior_ndcg = held_out_ndcg(ranker, test)
    print(
        f"\nlearning curve ({club.name} club, seed {SEEDS[name]}: {len(club.docs)} people; "
        f"held-out nDCG@10 on the last {TEST} cases, hidden truth)"
    )
    print(f"{'answered cases':>15}{'prior':>8}{'learned':>9}{'gain':>8}  weights")
    for n in STEPS:
        fit = weights_fit(answered[:n], prior)
        ranker.weights = weights_apply(prior, fit.weights)
        learned = held_out_ndcg(ranker, test)
        ranker.weights = prior
        shown = ", ".join(f"{p}={v:.3f}" for p, v in fit.weights.items())
        print(f"{n:>15}{prior_ndcg:>8.3f}{learned:>9.3f}{learned - prior_ndcg:>+8.3f}  {shown}")
        sys.stdout.flush()


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--club", default="conseil", choices=sorted(CLUBS))
    learning_curve(parser.parse_args().club)
