"""The engine's fast paths give the plain computation's results to the last bit.

No database, no Django. `bench/matching_speed.py --dump` compares whole engines on the dev
clubs; these tests pin the two shortcuts it relies on.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import replace

import numpy as np
import pytest

from compagnon.matching.engine import CaseQuery, PersonDoc, Ranker, Taxonomy
from compagnon.matching.engine.selection import _Group

TEXTS = [
    "Prévision des ventes en retail, séries temporelles et ARIMA",
    "Demand forecasting with Prophet; seasonality",
    "NLP, text mining, chatbots and topic models",
    "Inférence causale, uplift et tests A/B",
    "Vision par ordinateur, détection d'objets",
    "Tableaux de bord et dataviz pour la direction",
    "RGPD, conformité, contrats de données",
    "Pipelines ETL, Airflow, entrepôt de données",
    "Curieuse de tout, j'aimerais apprendre la causalité",
]


def _people(n: int, seed: int) -> list[PersonDoc]:
    rng = random.Random(seed)
    slugs = Taxonomy.default().slugs
    people = []
    for i in range(n):
        text = " ".join(rng.sample(TEXTS, rng.randint(1, 3)))
        skills = {rng.choice(slugs): rng.randint(1, 4) for _ in range(rng.randint(0, 3))}
        people.append(
            PersonDoc(
                id=i,
                text=text,
                skills=skills,
                interests=frozenset(rng.sample(slugs, rng.randint(0, 2))),
                organisation=f"O{rng.randint(0, 9)}",
                base=rng.choice(["Paris", "Lyon", None]),
                languages=frozenset(rng.sample(["fr", "en"], rng.randint(0, 2))),
                kind=rng.choice(["member", "member", "researcher"]),
            )
        )
    return people


QUERIES = [
    CaseQuery("prévision des ventes", {"forecasting"}),
    CaseQuery("séries temporelles saisonnières", {"time-series"}, organisation="O1"),
    CaseQuery("text mining et chatbots", {"nlp", "causality"}, exclude_organisations={"O2"}),
    CaseQuery("un mot inconnu: zyxwvut", set()),
    CaseQuery("", {"dataviz"}),
]


def _assert_raw_is_the_matvec(ranker: Ranker) -> None:
    matrix = ranker.feature_matrix()
    columns = matrix.tocsc()
    bounds = [0, ranker._G, ranker._off_concepts, ranker._off_words, ranker._off_raw]
    for query in QUERIES:
        q = ranker.query_vector(query)
        raw, blocks = ranker._raw_and_blocks(q)
        plain = matrix @ q[: matrix.shape[1]]
        assert raw.dtype == plain.dtype == np.float32
        assert np.array_equal(raw.view(np.int32), plain.view(np.int32))  # every bit
        # each part: float64 sums of the float32 products, column after column
        parts = np.zeros((4, matrix.shape[0]))
        for part in range(4):
            for j in range(bounds[part], bounds[part + 1]):
                if q[j]:
                    at = slice(columns.indptr[j], columns.indptr[j + 1])
                    rows = columns.indices[at]
                    parts[part, rows] += (columns.data[at] * q[j]).astype(np.float64)
        assert np.array_equal(blocks, parts)


def test_raw_base_and_parts_are_the_plain_sums_to_the_last_bit_after_fit_upsert_remove_compact():
    people = _people(300, seed=1)
    ranker = Ranker.fit(people)
    _assert_raw_is_the_matvec(ranker)
    changed = [
        replace(doc, text=doc.text + " Nouveau : apprentissage par renforcement, zyxwvut.")
        for doc in people[:20]
    ]
    added = [replace(doc, id=1000 + doc.id) for doc in _people(30, seed=2)]
    ranker.upsert(changed + added)
    _assert_raw_is_the_matvec(ranker)
    ranker.remove([doc.id for doc in people[100:140]])
    _assert_raw_is_the_matvec(ranker)
    ranker.compact()
    _assert_raw_is_the_matvec(ranker)


# --- the invitation set's greedy choice -------------------------------------------------------


class _LoopGroup:
    """The greedy choice as it was written before numpy (session 24): the reference."""

    DIVERSITY = 0.85

    def __init__(self, scores, organisations, cap):
        self.scores, self.organisations, self.cap = scores, organisations, cap
        self.taken: list[int] = []
        self.per_org: Counter[int] = Counter()

    def allowed(self, i):
        org = int(self.organisations[i])
        return i not in self.taken and (org < 0 or self.per_org[org] < self.cap)

    def take(self, i):
        self.taken.append(i)
        org = int(self.organisations[i])
        if org >= 0:
            self.per_org[org] += 1

    def take_first(self, candidates):
        for i in candidates:
            if self.allowed(i):
                self.take(i)
                return

    def cover(self, strength, strong, size):
        n_tags = strength.shape[1]
        covered = {j for j in range(n_tags) for i in self.taken if strength[i, j] >= strong}
        covers = {}
        while len(self.taken) < size:
            open_tags = [j for j in range(n_tags) if j not in covered]
            choice = self._scarcest(strength, open_tags, strong) if open_tags else None
            if choice is None:
                break
            j, i = choice
            self.take(i)
            newly = [j] + [o for o in open_tags if o != j and strength[i, o] >= strong]
            covered.update(newly)
            covers[i] = newly
        return covers

    def _scarcest(self, strength, open_tags, strong):
        for threshold in (strong, 1e-6):
            options = {
                j: [i for i in range(len(self.scores)) if strength[i, j] >= threshold]
                for j in open_tags
            }
            options = {j: [i for i in c if self.allowed(i)] for j, c in options.items()}
            options = {j: c for j, c in options.items() if c}
            if options:
                j = min(options, key=lambda j: (len(options[j]), j))
                return j, max(options[j], key=lambda i: (self.scores[i], -i))
        return None

    def fill(self, size):
        while len(self.taken) < size:
            best, best_value = None, 0.0
            for i in range(len(self.scores)):
                if not self.allowed(i):
                    continue
                org = int(self.organisations[i])
                value = self.scores[i] * self.DIVERSITY ** (self.per_org[org] if org >= 0 else 0)
                if value > best_value:
                    best, best_value = i, value
            if best is None:
                return
            self.take(best)


def _run(group_class, scores, organisations, cap, strength, strong, size, researchers):
    group = group_class(scores, organisations, cap)
    if researchers is not None:
        group.take_first(researchers)
    covers = group.cover(strength, strong, size)
    group.fill(size)
    return group.taken, covers


@pytest.mark.parametrize("seed", range(60))
def test_the_numpy_group_makes_the_loops_choices(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 120))
    # few distinct scores and strengths: ties everywhere, the order rules decide
    scores = np.sort(rng.choice([0.2, 0.5, 0.5, 0.8, 1.0, 1.3], n).astype(np.float32))[::-1]
    scores = scores * rng.choice([1.0, 0.999], n).astype(np.float32)
    organisations = rng.integers(-1, max(2, n // 6), n).astype(np.int32)
    n_tags = int(rng.integers(0, 5))
    strength = rng.choice([0.0, 0.0, 0.3, 0.7, 1.0], (n, n_tags)).astype(np.float32)
    cap = int(rng.integers(0, 4))
    size = int(rng.integers(1, 12))
    researchers = np.flatnonzero(rng.random(n) < 0.2) if seed % 2 else None
    want = _run(_LoopGroup, scores, organisations, cap, strength, 0.7, size, researchers)
    got = _run(_Group, scores, organisations, cap, strength, 0.7, size, researchers)
    assert got == want
