"""Matching quality benchmark: a seeded synthetic club, graded truth, the ranker vs baselines.

Run: uv run python bench/matching_quality.py

The generator gives each person a HIDDEN truth (tags with true levels, tags they
want to learn) and WRITES a profile from it with noise: declared skills are a
noisy subset (missing, levels off by one, spurious), the text is French or
English, names tags by their label, a synonym or a related word the taxonomy
does not know, with typos and inflections; ~30% of people never write a
tag's label (synonyms and related words only) and ~15% declare no skill at
all. Cases have 1-3 true tags, a text that often uses only a synonym or a
related word, a bringing organisation and sometimes excluded competitors.

Relevance of a person to a case: 3 = true level >= 3 on a case tag; 2 = true
level 2 on a case tag, or level >= 3 on its parent or a child; 1 = wants to
learn a case tag; 0 otherwise, and always 0 for excluded organisations. The
ranker and the baselines only see what PersonDoc / CaseQuery carry.

Prints:
    matching_ndcg@10: 0.712 (ranker) vs 0.431 best baseline (tfidf) → +0.281 (target +0.15)
    matching_recall@20: …
    matching_invitation_orgs: …
    matching_method[<name>]: ndcg@10 …, recall@20 …, orgs in 8 …
"""

from __future__ import annotations

import math
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from compagnon.matching.engine import (
    CaseQuery,
    PersonDoc,
    Ranker,
    Taxonomy,
    Weights,
)

SEED = 20240917
PEOPLE = 2000
ORGANISATIONS = 60
LABS = 8
CASES = 200

# Words about a tag that the taxonomy does not list: only text similarity can use them.
RELATED: dict[str, list[str]] = {
    "data-engineering": ["flux de données", "Airflow", "dbt", "orchestration de jobs", "ingestion"],
    "data-governance": ["référentiel de données", "master data", "lineage", "dictionnaire"],
    "data-analytics": ["reporting", "KPI", "tableaux croisés", "analyses ad hoc", "Power BI"],
    "data-infrastructure": ["Hadoop", "entrepôt de données", "data warehouse", "Snowflake"],
    "mlops": ["monitoring de modèles", "MLflow", "model registry", "industrialisation"],
    "devops": ["Terraform", "intégration continue", "GitLab CI", "conteneurs"],
    "web": ["Django", "React", "API REST", "applications web"],
    "machine-learning": ["gradient boosting", "XGBoost", "random forest", "réseaux de neurones"],
    "time-series": ["ARIMA", "saisonnalité", "données horodatées", "LSTM", "signaux temporels"],
    "nlp": ["analyse de sentiment", "BERT", "embeddings", "entités nommées", "transformers"],
    "computer-vision": ["détection d'objets", "segmentation d'images", "OCR", "YOLO", "CNN"],
    "frugal-ai": ["distillation", "quantization", "modèles légers", "empreinte carbone"],
    "ethical-green-ai": ["charte éthique", "impact environnemental", "sobriété numérique"],
    "explicability": ["valeurs de Shapley", "contrefactuels", "boîte noire", "feature importance"],
    "privacy-safety": ["pseudonymisation", "données personnelles", "chiffrement", "fuites"],
    "genai-images": ["Midjourney", "DALL-E", "images synthétiques", "GAN"],
    "genai-text": ["prompt engineering", "Mistral", "chatbot", "agents conversationnels"],
    "causality": ["contrefactuel", "A/B test", "différence de différences", "effet du traitement"],
    "forecasting": ["prévoir la demande", "demand planning", "projections", "Prophet"],
    "recommender-systems": ["filtrage collaboratif", "moteur de suggestions", "personnalisation"],
    "bias-fairness": ["parité", "groupes protégés", "disparate impact", "audit algorithmique"],
    "statistics": ["tests d'hypothèses", "régression", "intervalles de confiance", "inférence"],
    "optimisation": ["programmation linéaire", "solveur", "ordonnancement", "tournées"],
    "dataviz": ["D3.js", "Tableau", "graphiques interactifs", "storytelling"],
    "sport-analytics": ["athlètes", "entraînement", "GPS de match", "blessures"],
    "health-data": ["dossiers patients", "essais cliniques", "hôpital", "SNDS"],
    "law-regulation": ["juristes", "DPO", "contrats", "obligations légales"],
    "data-strategy": ["feuille de route data", "gouvernance", "transformation data", "comité"],
}

CLUSTERS = [
    ["machine-learning", "time-series", "forecasting", "statistics", "optimisation"],
    ["machine-learning", "nlp", "genai-text", "explicability", "computer-vision"],
    ["data-engineering", "data-infrastructure", "mlops", "devops", "web"],
    ["data-governance", "law-regulation", "privacy-safety", "data-strategy", "ethical-green-ai"],
    ["data-analytics", "dataviz", "statistics", "data-strategy", "sport-analytics"],
    ["statistics", "causality", "health-data", "bias-fairness", "machine-learning"],
    ["ethical-green-ai", "bias-fairness", "explicability", "frugal-ai", "genai-images"],
    ["recommender-systems", "machine-learning", "data-analytics", "nlp", "genai-images"],
]

LEVEL_TEMPLATES = {
    "fr": {
        4: [
            "Expert en {x} depuis plus de dix ans.",
            "Je dirige l'équipe {x} et j'enseigne le sujet.",
            "Référente {x}, thèse sur le sujet.",
        ],
        3: [
            "Plusieurs années d'expérience en {x}.",
            "J'ai conçu et déployé des projets de {x} en production.",
            "Spécialisée en {x}.",
        ],
        2: [
            "J'utilise régulièrement {x} dans mes projets.",
            "Je travaille sur {x} au quotidien.",
            "Quelques projets autour de {x}.",
        ],
        1: ["Quelques notions de {x}.", "J'ai suivi une formation sur {x}."],
    },
    "en": {
        4: [
            "Expert in {x} for more than ten years.",
            "I lead the {x} team and teach it.",
            "PhD thesis on {x}, now principal data scientist.",
        ],
        3: [
            "Several years of experience with {x}.",
            "Designed and deployed {x} projects in production.",
            "Specialised in {x}.",
        ],
        2: [
            "I regularly use {x} in my projects.",
            "Working on {x} day to day.",
            "A few projects around {x}.",
        ],
        1: ["Some notions of {x}.", "Took a course on {x}."],
    },
}
INTEREST_TEMPLATES = {
    "fr": [
        "J'aimerais apprendre {x}.",
        "Curieuse de découvrir {x}.",
        "Envie de progresser en {x}.",
    ],
    "en": ["I would like to learn {x}.", "Keen to explore {x}.", "Curious about {x}."],
}
FILLER = {
    "fr": [
        "Data scientist dans le secteur {s}.",
        "Je travaille avec Python, SQL et Excel.",
        "Passionnée de course à pied et de cuisine.",
        "Nos équipes produisent des modèles pour les clients et les ventes.",
        "J'aime partager mes connaissances avec les autres membres.",
        "Ancien consultant, je m'intéresse aux données du secteur {s}.",
        "Je participe aux ateliers du club depuis deux ans.",
    ],
    "en": [
        "Data scientist in the {s} sector.",
        "I work with Python, SQL and Excel.",
        "Keen runner and amateur cook.",
        "Our teams build models for customers and sales.",
        "I enjoy sharing knowledge with other members.",
        "Former consultant, interested in {s} data.",
        "Attending club workshops for two years.",
    ],
}
# Sector words are no tag synonyms ("santé" would be Health Data and blur the truth).
SECTORS = ["bancaire", "retail", "énergie", "assurance", "transport", "public", "pharma", "luxe"]
CASE_TEMPLATES = {
    "fr": [
        "Notre équipe rencontre un problème de {x} sur des données {s}.",
        "Nous cherchons des pairs pour travailler sur {x}.",
        "Comment aborder {x} dans notre contexte {s} ?",
        "Atelier souhaité : {x}, avec de vraies données.",
    ],
    "en": [
        "Our team struggles with {x} on {s} data.",
        "We are looking for peers to work on {x}.",
        "How should we approach {x} in a {s} setting?",
        "Workshop wanted: {x}, on real data.",
    ],
}
BASES = ["Paris", "Casablanca", "New York", "Lyon"]


@dataclass
class Person:
    doc: PersonDoc
    truth: dict[str, int]  # hidden: tag -> true level
    wants: set[str]  # hidden: tags they want to learn


@dataclass
class Case:
    query: CaseQuery
    truth: list[str]
    relevance: dict[object, int] = field(default_factory=dict)


class Club:
    """A seeded synthetic club. Only `.docs` and the cases' `.query` go to the rankers."""

    def __init__(
        self, n_people: int, n_orgs: int, n_labs: int, n_cases: int, seed: int, *, truth=True
    ):
        self.rng = random.Random(seed)
        self.taxonomy = Taxonomy.default()
        self.orgs = [f"Org {i:03d}" for i in range(n_orgs - n_labs)] + [
            f"Lab {i:02d}" for i in range(n_labs)
        ]
        self.labs = set(self.orgs[n_orgs - n_labs :])
        weights = [1 / (1 + i) ** 0.6 for i in range(n_orgs)]
        self.rng.shuffle(weights)
        self.org_weights = weights
        self.people = [self._person(i) for i in range(n_people)]
        self.docs = [p.doc for p in self.people]
        self.cases = [self._case(i) for i in range(n_cases)]
        for case in self.cases if truth else ():
            case.relevance = self.relevance(case)

    # --- writing ---------------------------------------------------------------------------------

    def _typo(self, word: str) -> str:
        rng = self.rng
        if len(word) < 6:
            return word
        i = rng.randrange(1, len(word) - 2)
        op = rng.random()
        if op < 0.33:
            return word[:i] + word[i + 1 :]
        if op < 0.66:
            return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        return word[:i] + rng.choice("aeinrst") + word[i + 1 :]

    def _inflect(self, phrase: str, lang: str) -> str:
        rng = self.rng
        if rng.random() < 0.25:
            words = phrase.split()
            last = words[-1]
            if last.isalpha() and last.islower() and not last.endswith(("s", "x")):
                words[-1] = last + "s"
            phrase = " ".join(words)
        if rng.random() < 0.12:
            words = phrase.split()
            j = rng.randrange(len(words))
            words[j] = self._typo(words[j])
            phrase = " ".join(words)
        return phrase

    def _name(self, slug: str, lang: str, label_allowed: bool) -> str:
        """A way to write the tag: label, synonym, or a related word the taxonomy lacks."""
        rng = self.rng
        tag = self.taxonomy.tags[slug]
        roll = rng.random()
        if label_allowed and roll < 0.4:
            phrase = tag.label_fr if lang == "fr" else tag.label_en
        elif roll < 0.72 and tag.synonyms:
            phrase = rng.choice(tag.synonyms)
        else:
            phrase = rng.choice(RELATED[slug])
        if phrase.isupper() or any(c.isupper() for c in phrase[1:]):
            return phrase  # acronyms and product names stay as they are
        return self._inflect(phrase.lower() if phrase[1:].islower() else phrase, lang)

    def _person(self, i: int) -> Person:
        rng = self.rng
        resident = rng.random() < 0.04
        org = "" if resident else rng.choices(self.orgs, self.org_weights)[0]
        kind = "resident" if resident else ("researcher" if org in self.labs else "member")
        cluster = rng.choice(CLUSTERS)
        n_true = rng.choice([1, 1, 2, 2, 3, 3, 4])
        tags = rng.sample(cluster, min(n_true, len(cluster)))
        if rng.random() < 0.2:
            tags.append(rng.choice(self.taxonomy.slugs))
        truth = {t: rng.choices([1, 2, 3, 4], [0.25, 0.4, 0.22, 0.13])[0] for t in tags}
        if kind == "researcher":
            truth = {t: min(4, lvl + 1) for t, lvl in truth.items()}
        pool = [s for s in self.taxonomy.slugs if truth.get(s, 0) <= 1]
        wants = set(rng.sample(pool, rng.choice([0, 1, 1, 2, 3])))
        lang = "fr" if rng.random() < 0.6 else "en"
        spoken = rng.choices([{"fr", "en"}, {"fr"}, {"en"}], [0.7, 0.2, 0.1])[0] | {lang}
        no_skills = rng.random() < 0.15
        synonyms_only = rng.random() < 0.3
        skills: dict[str, int] = {}
        if not no_skills:
            for t, lvl in truth.items():
                if rng.random() < 0.75:
                    noisy = lvl + (rng.choice([-1, 1, 1]) if rng.random() < 0.25 else 0)
                    skills[t] = min(4, max(1, noisy))
            if rng.random() < 0.2:
                skills.setdefault(rng.choice(self.taxonomy.slugs), rng.choice([1, 2, 3]))
        teaches = {t for t, lvl in skills.items() if lvl >= 3 and rng.random() < 0.3 + 0.15 * lvl}
        interests = {t for t in sorted(wants) if rng.random() < 0.8}
        if rng.random() < 0.1:
            interests.add(rng.choice(self.taxonomy.slugs))
        sentences = []
        sector = rng.choice(SECTORS)
        sentences.append(rng.choice(FILLER[lang]).format(s=sector))
        for t, lvl in truth.items():
            if rng.random() < 0.8:
                x = self._name(t, lang, label_allowed=not synonyms_only)
                sentences.append(rng.choice(LEVEL_TEMPLATES[lang][lvl]).format(x=x))
        for t in sorted(wants):  # sets iterate in hash order; the draws must not
            if rng.random() < 0.6:
                x = self._name(t, lang, label_allowed=not synonyms_only)
                sentences.append(rng.choice(INTEREST_TEMPLATES[lang]).format(x=x))
        sentences += [rng.choice(FILLER[lang]).format(s=sector) for _ in range(rng.randint(0, 2))]
        rng.shuffle(sentences)
        doc = PersonDoc(
            id=i,
            text=" ".join(sentences),
            skills=skills,
            interests=frozenset(interests),
            organisation=org,
            base=rng.choices([*BASES, None], [0.55, 0.15, 0.1, 0.1, 0.1])[0],
            languages=frozenset(spoken),
            teaches=frozenset(teaches),
            kind=kind,
            remote_ok=rng.random() < 0.8,
        )
        return Person(doc, truth, wants)

    def _case(self, i: int) -> Case:
        rng = self.rng
        cluster = rng.choice(CLUSTERS)
        truth = rng.sample(cluster, rng.choice([1, 1, 2, 2, 3]))
        lang = "fr" if rng.random() < 0.6 else "en"
        sector = rng.choice(SECTORS)
        parts = []
        for t in truth:
            x = self._name(t, lang, label_allowed=rng.random() < 0.5)
            parts.append(rng.choice(CASE_TEMPLATES[lang]).format(x=x, s=sector))
        roll = rng.random()
        if roll < 0.8:
            tags = set(truth)
        elif roll < 0.93:
            tags = set(truth[:-1]) if len(truth) > 1 else set()
        else:
            tags = set()
        companies = [o for o in self.orgs if o not in self.labs]
        org = rng.choice(companies)
        excluded = set()
        if rng.random() < 0.3:
            excluded = set(rng.sample([o for o in companies if o != org], rng.choice([1, 2])))
        query = CaseQuery(
            text=" ".join(parts),
            tags=frozenset(tags),
            organisation=org,
            base=rng.choice([None, None, "Paris"]),
            language=lang,
            exclude_organisations=frozenset(excluded),
            wants_research=rng.random() < 0.3,
        )
        return Case(query, truth)

    def relevance(self, case: Case) -> dict[object, int]:
        taxonomy, found = self.taxonomy, {}
        for person in self.people:
            if person.doc.organisation in case.query.exclude_organisations:
                continue
            best = 0
            for t in case.truth:
                level = person.truth.get(t, 0)
                related = [taxonomy.parent[t], *taxonomy.children[t]]
                if level >= 3:
                    best = 3
                elif level == 2 or any(person.truth.get(r, 0) >= 3 for r in related if r):
                    best = max(best, 2)
                elif t in person.wants:
                    best = max(best, 1)
            if best:
                found[person.doc.id] = best
        return found


# --- metrics -------------------------------------------------------------------------------------


def ndcg_at(ranked: list, relevance: dict, k: int = 10) -> float:
    gains = [2 ** relevance.get(pid, 0) - 1 for pid in ranked[:k]]
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
    ideal = sorted((2**r - 1 for r in relevance.values()), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall_at(ranked: list, relevance: dict, k: int = 20) -> float:
    """Share of relevance >= 2 people found in the top k, out of at most k (capped recall)."""
    wanted = {pid for pid, r in relevance.items() if r >= 2}
    if not wanted:
        return 0.0
    return len(wanted & set(ranked[:k])) / min(k, len(wanted))


class Baselines:
    def __init__(self, docs: list[PersonDoc], seed: int):
        self.rng = np.random.default_rng(seed)
        self.docs = docs
        self.org = np.array([d.organisation for d in self.docs], dtype=object)
        self.vectorizer = TfidfVectorizer(strip_accents="unicode", sublinear_tf=True)
        self.profiles = self.vectorizer.fit_transform([d.text for d in self.docs])

    def _order(self, scores: np.ndarray, query: CaseQuery, k: int) -> list:
        allowed = ~np.isin(self.org, list(query.exclude_organisations))
        noise = self.rng.random(len(scores))  # random tie-break
        order = np.lexsort((noise, -scores))
        return [self.docs[i].id for i in order if allowed[i]][:k]

    def random(self, query: CaseQuery, k: int) -> list:
        return self._order(np.zeros(len(self.docs)), query, k)

    def tag_overlap(self, query: CaseQuery, k: int) -> list:
        scores = np.array([len(set(query.tags) & set(d.skills)) for d in self.docs], float)
        return self._order(scores, query, k)

    def tfidf(self, query: CaseQuery, k: int) -> list:
        scores = (self.profiles @ self.vectorizer.transform([query.text]).T).toarray().ravel()
        return self._order(scores, query, k)


def organisations_in(ids: list, club: Club) -> int:
    return len({club.docs[i].organisation or f"resident {i}" for i in ids})


def evaluate(name, rank, invite, club: Club, results: dict, relevance=None) -> None:
    """Score one method over every case; `relevance` overrides the cases' (a sub-population)."""
    ndcgs, recalls, orgs, leaks = [], [], [], 0
    for case in club.cases:
        truth = case.relevance if relevance is None else relevance(case)
        ranked = rank(case.query)
        ndcgs.append(ndcg_at(ranked, truth))
        recalls.append(recall_at(ranked, truth))
        invited = invite(case.query, ranked)
        orgs.append(organisations_in(invited, club))
        excluded = case.query.exclude_organisations
        leaks += sum(club.docs[i].organisation in excluded for i in ranked + invited)
    results[name] = {
        "ndcg": float(np.mean(ndcgs)),
        "recall": float(np.mean(recalls)),
        "orgs": float(np.mean(orgs)),
        "leaks": leaks,
        "per_case": ndcgs,
    }


def run_methods(club: Club, docs: list[PersonDoc], ablations: dict, relevance=None) -> dict:
    """The ranker (and its ablations) and the three baselines, all on `docs`."""
    results: dict[str, dict] = {}
    baselines = Baselines(docs, SEED)

    def with_ranker(name: str, weights: Weights | None) -> None:
        ranker = Ranker.fit(docs, weights=weights)
        evaluate(
            name,
            lambda q: [m.person_id for m in ranker.rank(q, k=20)],
            lambda q, ranked: [m.person_id for m in ranker.invitation_set(q, size=8)],
            club,
            results,
            relevance,
        )

    with_ranker("ranker", None)
    for name, method in (
        ("random", baselines.random),
        ("tag_overlap", baselines.tag_overlap),
        ("tfidf", baselines.tfidf),
    ):
        evaluate(
            name,
            lambda q, m=method: m(q, 20),
            lambda q, ranked: ranked[:8],
            club,
            results,
            relevance,
        )
    for name, weights in ablations.items():
        with_ranker(name, weights)
    return results


BASELINES = ("random", "tag_overlap", "tfidf")


def slice_line(label: str, results: dict, cases: list[int] | None = None) -> str:
    def ndcg(name: str) -> float:
        values = results[name]["per_case"]
        return float(np.mean([values[i] for i in cases] if cases is not None else values))

    best = max(BASELINES, key=ndcg)
    return (
        f"matching_slice[{label}]: ndcg@10 {ndcg('ranker'):.3f} (ranker) vs {ndcg(best):.3f} "
        f"best baseline ({best}) → {ndcg('ranker') - ndcg(best):+.3f}"
    )


def main() -> None:
    started = time.perf_counter()
    club = Club(PEOPLE, ORGANISATIONS, LABS, CASES, SEED)
    results = run_methods(
        club,
        club.docs,
        {
            "ranker_no_text": Weights(words=0.0, chars=0.0),
            "ranker_no_chars": Weights(chars=0.0),
            "ranker_no_interests": Weights(interests=0.0),
            "ranker_no_profile_concepts": Weights(
                text_expert=0.0, text_mention=0.0, text_interest=0.0
            ),
        },
    )
    # The people who declared no skill, ranked among themselves: text is all there is.
    silent = [d for d in club.docs if not d.skills]
    silent_ids = {d.id for d in silent}
    text_only = run_methods(
        club,
        silent,
        {},
        relevance=lambda case: {p: r for p, r in case.relevance.items() if p in silent_ids},
    )

    ours = results["ranker"]
    best = max(BASELINES, key=lambda n: results[n]["ndcg"])
    gain = ours["ndcg"] - results[best]["ndcg"]
    print(
        f"matching_ndcg@10: {ours['ndcg']:.3f} (ranker) vs {results[best]['ndcg']:.3f} "
        f"best baseline ({best}) → {gain:+.3f} (target +0.15)"
    )
    best_recall = max(BASELINES, key=lambda n: results[n]["recall"])
    print(
        f"matching_recall@20: {ours['recall']:.3f} (ranker) vs {results[best_recall]['recall']:.3f} "
        f"best baseline ({best_recall}) → {ours['recall'] - results[best_recall]['recall']:+.3f}"
    )
    print(
        f"matching_invitation_orgs: {ours['orgs']:.2f} distinct organisations in 8 "
        f"(ranker invitation_set) vs {results[best]['orgs']:.2f} ({best} top 8)"
    )
    print(f"matching_excluded_returned: {sum(r['leaks'] for r in results.values())} (target 0)")
    for name, r in results.items():
        print(
            f"matching_method[{name}]: ndcg@10 {r['ndcg']:.3f}, recall@20 {r['recall']:.3f}, "
            f"orgs in 8 {r['orgs']:.2f}"
        )
    untagged = [i for i, c in enumerate(club.cases) if not c.query.tags]
    print(slice_line(f"{len(untagged)} cases without tags", results, untagged))
    print(slice_line(f"{len(silent)} people without declared skills", text_only))
    sys.stdout.flush()
    relevant = [sum(1 for v in c.relevance.values() if v >= 2) for c in club.cases]
    experts = [sum(1 for v in c.relevance.values() if v == 3) for c in club.cases]
    print(
        f"# {PEOPLE} people, {ORGANISATIONS} organisations ({LABS} labs), {CASES} cases; "
        f"median {int(np.median(relevant))} people of relevance >= 2 per case, "
        f"{int(np.median(experts))} of relevance 3; "
        f"{time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
