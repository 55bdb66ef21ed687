"""Matching quality benchmark: eight clubs the engine was not written against, and baselines.

Run: uv run python bench/matching_quality.py [--sets atelier,conseil] [--no-curve]

The clubs come from bench/matching_clubs.py: `atelier`, `fratrie`, `souche`, `verger` and `glane` are
the dev set (the only ones the engine's weights were fitted on, see
bench/matching_tune.py), `conseil`, `tableur` and `demo` are held out. Every set is scored with the engine and three baselines:

- blend: the naive blend of issue 11, character 3-5-gram TF-IDF (`char_wb`)
  cosine over the bio + 0.1 x declared level on the case's tags + 0.05 x
  declared interest in them;
- tfidf: word TF-IDF cosine (scikit-learn defaults, accents stripped);
- bm25: Okapi BM25 (k1 = 1.2, b = 0.75) over the same words.

Slices: cases without tags; people without declared skills (ranked among
themselves); French cases against the people whose bio is in English; cases
on a rare sub-topic (the quarter of sub-topics with the fewest people).
Metrics: nDCG@10 with gains 2^rel - 1, recall@20 of relevance >= 2 (capped).

Prints one table per set, then the learning curve (see `learning_curve`).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
import scipy.sparse as sp
from matching_clubs import DEV, DEV_EXTRA, GENERATORS, Club
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

from compagnon.matching.engine import CaseQuery, Ranker, Taxonomy

K = 10
METHODS = ("engine", "blend", "tfidf", "bm25")
SLICES = ("all", "no tags", "no skills", "fr case/en bios", "rare topic")


def setup_django() -> None:
    """The demo set reads compagnon/site/demo/, which imports models."""
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compagnon.settings")
    os.environ.setdefault("DATABASE_URL", "sqlite:///:memory:")
    django.setup()


# --- metrics -----------------------------------------------------------------------------------


def ndcg_at(ranked: list, relevance: dict, k: int = K) -> float:
    dcg = sum((2 ** relevance.get(p, 0) - 1) / math.log2(i + 2) for i, p in enumerate(ranked[:k]))
    ideal = sorted((2**r - 1 for r in relevance.values()), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall_at(ranked: list, relevance: dict, k: int = 20) -> float:
    wanted = {p for p, r in relevance.items() if r >= 2}
    if not wanted:
        return 0.0
    return len(wanted & set(ranked[:k])) / min(k, len(wanted))


# --- baselines ---------------------------------------------------------------------------------


class Baselines:
    """Scores over every person of the club, for one case."""

    def __init__(self, club: Club):
        docs = club.docs
        self.docs = docs
        texts = [d.text for d in docs]
        self.chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
        self.char_rows = self.chars.fit_transform(texts)
        self.words = TfidfVectorizer(strip_accents="unicode", sublinear_tf=True)
        self.word_rows = self.words.fit_transform(texts)
        self.counts = CountVectorizer(strip_accents="unicode")
        tf = self.counts.fit_transform(texts).tocsr().astype(np.float64)
        n = tf.shape[0]
        df = np.bincount(tf.indices, minlength=tf.shape[1])
        self.bm25_idf = np.log(1 + (n - df + 0.5) / (df + 0.5))
        length = np.asarray(tf.sum(axis=1)).ravel()
        k1, b = 1.2, 0.75
        norm = k1 * (1 - b + b * length / max(length.mean(), 1e-9))
        rows = np.repeat(np.arange(n), np.diff(tf.indptr))
        tf.data = tf.data * (k1 + 1) / (tf.data + norm[rows])
        self.bm25_rows = tf

    def blend(self, query: CaseQuery) -> np.ndarray:
        text = (self.char_rows @ self.chars.transform([query.text]).T).toarray().ravel()
        tags = set(query.tags)
        declared = np.array([sum(d.skills.get(t, 0) for t in tags) for d in self.docs], float)
        interest = np.array([len(tags & set(d.interests)) for d in self.docs], float)
        return text + 0.1 * declared + 0.05 * interest

    def tfidf(self, query: CaseQuery) -> np.ndarray:
        return (self.word_rows @ self.words.transform([query.text]).T).toarray().ravel()

    def bm25(self, query: CaseQuery) -> np.ndarray:
        q = self.counts.transform([query.text])
        weights = sp.csr_matrix(
            (self.bm25_idf[q.indices], q.indices, [0, q.indices.size]), shape=q.shape
        )
        return (self.bm25_rows @ weights.T).toarray().ravel()


def top_from_scores(scores: np.ndarray, allowed: np.ndarray, ids: list, k: int) -> list:
    scores = np.where(allowed, scores, -np.inf)
    order = np.lexsort((np.arange(len(scores)), -scores))[:k]
    return [ids[i] for i in order if np.isfinite(scores[i])]


# --- evaluation --------------------------------------------------------------------------------


def populations(club: Club) -> dict[str, tuple[list[int], np.ndarray]]:
    """slice -> (case indices, allowed people mask)."""
    n = len(club.docs)
    everyone = np.ones(n, bool)
    silent = np.array([not d.skills for d in club.docs])
    english = np.array([club.language[d.id] == "en" for d in club.docs])
    rare = club.rare_topics()
    all_cases = list(range(len(club.cases)))
    return {
        "all": (all_cases, everyone),
        "no tags": ([i for i, c in enumerate(club.cases) if not c.query.tags], everyone),
        "no skills": (all_cases, silent),
        "fr case/en bios": (
            [i for i, c in enumerate(club.cases) if c.language == "fr"] if english.any() else [],
            english,
        ),
        "rare topic": ([i for i, c in enumerate(club.cases) if rare & set(c.topics)], everyone),
    }


def rankers_for(club: Club, ranker: Ranker) -> dict[str, Callable]:
    """method -> rank(query, allowed mask) -> ids."""
    base = Baselines(club)
    ids = [d.id for d in club.docs]
    orgs = np.array([d.organisation for d in club.docs], dtype=object)

    def baseline(score: Callable[[CaseQuery], np.ndarray]) -> Callable:
        def rank(query: CaseQuery, allowed: np.ndarray) -> list:
            ok = allowed & ~np.isin(orgs, list(query.exclude_organisations))
            return top_from_scores(score(query), ok, ids, 20)

        return rank

    def engine(query: CaseQuery, allowed: np.ndarray) -> list:
        hidden = [ids[i] for i in np.flatnonzero(~allowed)]
        return [m.person_id for m in ranker.rank(query, k=20, unavailable=hidden)]

    return {
        "engine": engine,
        "blend": baseline(base.blend),
        "tfidf": baseline(base.tfidf),
        "bm25": baseline(base.bm25),
    }


def evaluate(club: Club, ranker: Ranker) -> dict[str, dict[str, tuple[float, float, int]]]:
    """slice -> method -> (nDCG@10, recall@20, cases)."""
    methods = rankers_for(club, ranker)
    out: dict[str, dict[str, tuple[float, float, int]]] = {}
    ids = np.array([d.id for d in club.docs])
    for name, (cases, allowed) in populations(club).items():
        members = set(ids[allowed].tolist())
        scored = []
        for i in cases:
            truth = {p: r for p, r in club.cases[i].relevance.items() if p in members}
            if any(r >= 2 for r in truth.values()):
                scored.append((club.cases[i].query, truth))
        out[name] = {}
        for method, rank in methods.items():
            ndcgs, recalls = [], []
            for query, truth in scored:
                ranked = rank(query, allowed)
                ndcgs.append(ndcg_at(ranked, truth))
                recalls.append(recall_at(ranked, truth))
            out[name][method] = (
                float(np.mean(ndcgs)) if ndcgs else float("nan"),
                float(np.mean(recalls)) if recalls else float("nan"),
                len(scored),
            )
    return out


def guards(club: Club, ranker: Ranker) -> str:
    """Exclusions and organisation diversity, on every case of the set."""
    base = Baselines(club)
    orgs = {d.id: d.organisation or f"independent {d.id}" for d in club.docs}
    leaks, ours, theirs = 0, [], []
    ids = [d.id for d in club.docs]
    everyone = np.ones(len(ids), bool)
    organisation = np.array([d.organisation for d in club.docs], dtype=object)
    for case in club.cases:
        excluded = case.query.exclude_organisations
        ranked = [m.person_id for m in ranker.rank(case.query, k=20)]
        invited = [m.person_id for m in ranker.invitation_set(case.query, size=8)]
        leaks += sum(orgs[p] in excluded for p in ranked + invited)
        ours.append(len({orgs[p] for p in invited}))
        allowed = everyone & ~np.isin(organisation, list(excluded))
        blend_top = top_from_scores(base.blend(case.query), allowed, ids, 8)
        theirs.append(len({orgs[p] for p in blend_top}))
    return (
        f"excluded organisations returned: {leaks} (target 0); distinct organisations in 8: "
        f"{np.mean(ours):.2f} (engine invitation_set) vs {np.mean(theirs):.2f} (blend top 8)"
    )


def vocabulary_coverage(club: Club, taxonomy: Taxonomy) -> str:
    """Share of the set's case texts in which the engine's vocabulary finds the case's tag
    (a measure of how much of the set's wording the vocabulary knows, not a target)."""
    from compagnon.matching.text import ConceptMatcher, analyse

    matcher = ConceptMatcher(taxonomy.concept_names())
    found = 0
    for case in club.cases:
        wanted = {topic.split("/", 1)[0] for topic in case.topics}
        slugs = {m.slug for m in matcher.mentions(analyse(case.query.text))}
        found += bool(wanted & slugs)
    return f"vocabulary finds the case's tag in {found / len(club.cases):.0%} of case texts"


def print_table(club: Club, results: dict, held_out: bool) -> list[str]:
    """The set's table; returns the failed targets."""
    role = "held-out" if held_out else "dev"
    relevant = [sum(1 for r in c.relevance.values() if r >= 2) for c in club.cases]
    print(
        f"\n[{club.name}] ({role}) {len(club.docs)} people, {len(club.cases)} cases, "
        f"median {int(np.median(relevant))} people of relevance >= 2 per case"
    )
    head = f"{'slice':<17}{'cases':>6}" + "".join(f"{m:>15}" for m in METHODS)
    print(head + f"{'engine-blend':>14}")
    failures = []
    for name in SLICES:
        row = results[name]
        n = row["engine"][2]
        if not n:
            print(f"{name:<17}{n:>6}   n/a: no case of this kind in this set")
            continue
        cells = "".join(f"{row[m][0]:>8.3f} ({row[m][1]:.2f})" for m in METHODS)
        gap = row["engine"][0] - row["blend"][0]
        print(f"{name:<17}{n:>6}{cells}{gap:>+14.3f}")
        if held_out and n:
            if name == "all" and gap < 0.05:
                failures.append(f"{club.name}: nDCG@10 {gap:+.3f} over the blend (target +0.05)")
            elif gap < 0:
                failures.append(f"{club.name}/{name}: {gap:+.3f} below the blend")
    return failures


def main() -> None:
    parser = argparse.ArgumentParser()
    # the dev set's parts (atelier and DEV_EXTRA), then the held-out sets
    sets = {DEV: GENERATORS[DEV], **DEV_EXTRA, **GENERATORS}
    parser.add_argument("--sets", default=",".join(sets))
    parser.add_argument("--no-curve", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    names = [n for n in args.sets.split(",") if n]
    if "demo" in names:
        setup_django()
    print("nDCG@10 (recall@20) per set, slice and method; engine-blend is the nDCG gap")
    failures = []
    for name in names:
        club = sets[name]()
        ranker = Ranker.fit(club.docs)
        dev = name == DEV or name in DEV_EXTRA
        failures += print_table(club, evaluate(club, ranker), held_out=not dev)
        print(f"# {guards(club, ranker)}; {vocabulary_coverage(club, ranker.taxonomy)}")
        sys.stdout.flush()
    print()
    if failures:
        for failure in failures:
            print(f"matching_quality_target: MISSED {failure}")
    else:
        print("matching_quality_target: met on every held-out set and slice")
    if not args.no_curve:
        from matching_learning import learning_curve

        learning_curve()
    print(f"# {time.perf_counter() - started:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
