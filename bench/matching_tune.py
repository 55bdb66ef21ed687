"""Fit the weights of the score's parts on the dev set ("atelier") only.

Run: uv run python bench/matching_tune.py

For each way of scoring the words part (TF-IDF cosine, or Okapi BM25), coordinate
ascent over the weights of `PARTS` (tags, interests, words, chars,
concepts), each tried at x0, x0.5, x0.7, x1.4, x2 and x3 of its current value
(x0 only kept when it helps by more than 0.002, and interests never below 0.05 x the
largest weight: learners stay in the ranking, a product rule), objective = the mean nDCG@10
over the dev set's five slices (all, no tags, no skills, French case/English
bios, rare topic), so that no slice is sacrificed, each computed three times:
with the full vocabulary, with half of its terms, and with none (only tag
labels and synonyms): the dev set's writer knew the vocabulary, a real club's
members do not, so the weights must not lean on concepts alone. Prints the weights to copy
into `Weights` (compagnon/matching/engine/data.py), with the word scoring that
reached the higher dev objective (BM25 only if better by more than 0.002). Never reads the held-out sets.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import os
import random

import numpy as np
from matching_clubs import DEV, GENERATORS
from matching_quality import populations

from compagnon.matching.engine import PARTS, Ranker, Taxonomy, Weights
from compagnon.matching.vocabulary import vocabulary_rows
from compagnon.members.taxonomy import TAXONOMY

K = 10
# Product rule, not data: people who want to learn a case's topic stay in the ranking (the
# club is for peer learning), so their part may shrink but not vanish.
FLOOR = {"interests": 0.05}


def ndcg_scores(scores: np.ndarray, gains: np.ndarray, idcg: float) -> float:
    top = np.argsort(-scores, kind="stable")[:K]
    top = top[scores[top] > 0]
    dcg = float((gains[top] / np.log2(np.arange(2, top.size + 2))).sum())
    return dcg / idcg


def prepare(club, ranker):
    """Per slice: a list of (parts (n, P), factors (n,), gains (n,), idcg)."""
    ids = [d.id for d in club.docs]
    position = {pid: i for i, pid in enumerate(ids)}
    cached = {}
    for i, case in enumerate(club.cases):
        found, parts, factors = ranker.features(case.query, ids)
        assert found == ids
        if os.environ.get("NORM"):
            top = parts.max(axis=0)
            parts = parts / np.where(top > 0, top, 1.0)
        cached[i] = (parts, factors)
    slices = {}
    for name, (cases, allowed) in populations(club).items():
        items = []
        for i in cases:
            gains = np.zeros(len(ids))
            for pid, rel in club.cases[i].relevance.items():
                if allowed[position[pid]]:
                    gains[position[pid]] = 2**rel - 1
            if not (gains >= 3).any():
                continue
            ideal = np.sort(gains)[::-1][:K]
            idcg = float((ideal / np.log2(np.arange(2, ideal.size + 2))).sum())
            parts, factors = cached[i]
            items.append((parts, factors * allowed, gains, idcg))
        slices[name] = items
    return slices


def objective(slices, w: np.ndarray, min_score: float) -> float:
    values = []
    for items in slices.values():
        if not items:
            continue
        scores = []
        for parts, factors, gains, idcg in items:
            base = parts @ w
            final = np.where(base >= min_score, base * factors, 0.0)
            scores.append(ndcg_scores(final, gains, idcg))
        values.append(float(np.mean(scores)))
    return float(np.mean(values))


def tune(slices, start: Weights) -> tuple[np.ndarray, float, float]:
    w = np.array([getattr(start, p) for p in PARTS], float)
    first = best = objective(slices, w, start.min_score)
    for _ in range(4):
        improved = False
        for j in range(len(PARTS)):
            for factor in (0.0, 0.5, 0.7, 1.4, 2.0, 3.0):
                trial = w.copy()
                trial[j] = trial[j] * factor if w[j] > 0 else 0.1 * factor
                for i, part in enumerate(PARTS):  # floors hold after any part grows
                    trial[i] = max(trial[i], FLOOR.get(part, 0.0) * trial.max())
                value = objective(slices, trial, start.min_score)
                margin = 0.002 if factor == 0.0 else 1e-4
                if value > best + margin:
                    best, w, improved = value, trial, True
        if not improved:
            break
    return w / w.max(), first, best


def thinned_taxonomy(keep: float, seed: int) -> Taxonomy:
    """The taxonomy with only a share of each vocabulary entry's terms: a club whose words the
    vocabulary partly lacks (the dev set was written by someone who knew the vocabulary)."""
    rng = random.Random(seed)
    rows = []
    for slug, sub, french, english in vocabulary_rows():
        kept = [[t for t in terms.split(",") if rng.random() < keep] for terms in (french, english)]
        rows.append((slug, sub, ",".join(kept[0]), ",".join(kept[1])))
    return Taxonomy(TAXONOMY, rows)


def main() -> None:
    club = GENERATORS[DEV]()
    found = []
    for scoring in ("tfidf", "bm25"):  # the words part: cosine of TF-IDF, or Okapi BM25
        start = replace(Weights(word_scoring=scoring), **{p: 1.0 for p in PARTS})
        slices: dict = {}
        for name, taxonomy in (
            ("full", Taxonomy.default()),
            ("half", thinned_taxonomy(0.5, 1)),
            ("none", Taxonomy(TAXONOMY)),
        ):
            ranker = Ranker.fit(club.docs, weights=start, taxonomy=taxonomy)
            for slice_name, items in prepare(club, ranker).items():
                slices[f"{name}/{slice_name}"] = items
        w, first, best = tune(slices, start)
        print(
            f"words as {scoring}: dev objective (mean nDCG@10 over slices) {first:.4f} all "
            f"parts at 1 -> {best:.4f}; weights "
            + ", ".join(f"{p}={v:.3f}" for p, v in zip(PARTS, w, strict=True))
        )
        found.append((best, scoring, w))
    # BM25 replaces TF-IDF only when clearly better (the same 0.002 margin as dropping a part)
    best, scoring, w = found[1] if found[1][0] > found[0][0] + 0.002 else found[0]
    print(
        f"fitted: word_scoring={scoring!r}, "
        + ", ".join(f"{p}={v:.3f}" for p, v in zip(PARTS, w, strict=True))
    )


if __name__ == "__main__":
    main()
