"""Synthetic clubs for bench/matching_quality.py: three generators and a set from the demo club.

Each generator was written on its own, with its own word lists, language mix,
noise, sizes and relevance rule; none reads the engine's vocabulary
(compagnon/matching/vocabulary.py). Relevance is graded per sub-topic: a case
is about one or two sub-topics (Time Series / demand forecasting, Time Series /
anomalies...), people have a hidden level per sub-topic, and each generator
turns the two into a grade 0-3 with its own rule. What the rankers see is only
`PersonDoc` / `CaseQuery`, written from the truth with noise:

- declared skills are missing for 30 % of people, given at the parent-tag level
  only (a Time Series person declares Machine Learning) and off by a level;
- texts describe the work in domain vocabulary (methods, problems, data,
  tools) and rarely name a taxonomy tag.

Generators:
- `atelier` (the dev set, the only one weights are tuned on): sentences from
  level templates, 60 % French bios, 1-2 sub-topics per case;
- `conseil` (held-out): consultants' project narratives, 75 % English bios and
  65 % French cases, level = number of projects, always parent-level skills;
- `tableur` (held-out): the club's spreadsheet, terse cells mixing French and
  English in one bio, abbreviations and typos, primary/secondary topics;
- `demo` (held-out): the demo club's people (their bios, from
  compagnon/site/demo/) against cases written from the demo's phrases;
- `fratrie` and `souche` (dev, tuned on with `atelier`): rare sibling sub-topics
  graded per sub-topic, and truth per tag with parent/child credit;
- `verger` (dev, since the sixth change): its own wording, not atelier's lists: paraphrases,
  jargon, abbreviations, cases written as the requester's problem, rare sub-topics;
- `glane` (dev, since the seventh change): members who write little (a spreadsheet's few
  words a cell), truth per tag, most members without declared skills.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from compagnon.matching.engine import CaseQuery, PersonDoc, Taxonomy

TAXONOMY = Taxonomy.default()


@dataclass
class Case:
    query: CaseQuery
    relevance: dict[int, int]
    topics: tuple[str, ...]  # "tag/sub" keys
    language: str


@dataclass
class Club:
    name: str
    docs: list[PersonDoc]
    cases: list[Case]
    language: dict[int, str]  # person id -> language of the bio ("fr", "en", "mix")
    topic_people: dict[str, int] = field(default_factory=dict)  # people with truth per topic

    def rare_topics(self, share: float = 0.25) -> set[str]:
        ranked = sorted(self.topic_people, key=lambda t: (self.topic_people[t], t))
        return set(ranked[: max(1, int(len(ranked) * share))])


def typo(rng: random.Random, word: str) -> str:
    if len(word) < 6 or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 2)
    op = rng.random()
    if op < 0.4:
        return word[:i] + word[i + 1 :]
    if op < 0.7:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + rng.choice("aeinrst") + word[i + 1 :]


def noisy(rng: random.Random, text: str, rate: float) -> str:
    return " ".join(typo(rng, w) if rng.random() < rate else w for w in text.split())


def declare(
    rng: random.Random,
    truth_tags: dict[str, int],
    *,
    missing: float,
    parent_only: float,
    off_by_one: float,
    spurious: float,
) -> dict[str, int]:
    """Declared skills from the true per-tag levels: missing, parent-level only, noisy."""
    if rng.random() < missing:
        return {}
    skills: dict[str, int] = {}
    for tag, level in truth_tags.items():
        if rng.random() < 0.2:
            continue
        parent = TAXONOMY.parent.get(tag)
        if parent is not None and rng.random() < parent_only:
            tag = parent
        if rng.random() < off_by_one:
            level += rng.choice([-1, 1])
        skills[tag] = max(skills.get(tag, 0), min(4, max(1, level)))
    if rng.random() < spurious:
        skills.setdefault(rng.choice(TAXONOMY.slugs), rng.choice([1, 2, 3]))
    return skills


def organisations(rng: random.Random, n: int, prefix: str) -> tuple[list[str], list[float]]:
    names = [f"{prefix} {i:03d}" for i in range(n)]
    weights = [1 / (1 + i) ** 0.7 for i in range(n)]
    rng.shuffle(weights)
    return names, weights


def case_query(
    rng: random.Random,
    text: str,
    tags: set[str],
    language: str,
    orgs: list[str],
    *,
    exclude_share: float = 0.25,
) -> CaseQuery:
    org = rng.choice(orgs)
    excluded = set()
    if rng.random() < exclude_share:
        excluded = set(rng.sample([o for o in orgs if o != org], 1))
    return CaseQuery(
        text=text,
        tags=frozenset(tags),
        organisation=org,
        base=rng.choice([None, None, "Paris"]),
        language=language,
        exclude_organisations=frozenset(excluded),
        wants_research=rng.random() < 0.2,
    )


def person_doc(
    pid: int,
    rng: random.Random,
    text: str,
    skills: dict[str, int],
    interests: set[str],
    org: str,
    languages: set[str],
) -> PersonDoc:
    return PersonDoc(
        id=pid,
        text=text,
        skills=skills,
        interests=frozenset(interests),
        organisation=org,
        base=rng.choice(["Paris", "Paris", "Lyon", "Casablanca", None]),
        languages=frozenset(languages),
        teaches=frozenset(t for t, lvl in skills.items() if lvl >= 3 and rng.random() < 0.4),
        kind="member",
        remote_ok=rng.random() < 0.8,
    )


def tag_of(topic: str) -> str:
    return topic.split("/", 1)[0]


# =================================================================================================
# Generator 1: "atelier" (dev set)
# =================================================================================================

# tag/sub -> (French phrases, English phrases)
ATELIER_WORDS: dict[str, tuple[list[str], list[str]]] = {
    "time-series/demand": (
        [
            "la prévision des ventes hebdomadaires",
            "des modèles ARIMA saisonniers",
            "l'anticipation des pics de fréquentation",
        ],
        ["weekly sales forecasts", "seasonal ARIMA models", "anticipating footfall peaks"],
    ),
    "time-series/anomalies": (
        [
            "la détection de ruptures dans des capteurs",
            "des alertes sur signaux de compteurs",
            "les anomalies dans des relevés horaires",
        ],
        [
            "change-point detection on sensor streams",
            "alerting on meter signals",
            "anomalies in hourly readings",
        ],
    ),
    "nlp/extraction": (
        [
            "l'extraction d'entités dans des contrats",
            "la reconnaissance d'entités nommées",
            "le classement automatique de courriels",
        ],
        [
            "named entity extraction from contracts",
            "entity recognition in clinical notes",
            "automatic e-mail triage",
        ],
    ),
    "nlp/search": (
        [
            "un moteur de recherche sémantique",
            "la recherche par similarité de documents",
            "des plongements de phrases pour la recherche",
        ],
        [
            "a semantic search engine",
            "document similarity search",
            "sentence embeddings for retrieval",
        ],
    ),
    "computer-vision/inspection": (
        [
            "le contrôle qualité par caméra sur la ligne",
            "la détection de défauts sur photos",
            "la segmentation d'images industrielles",
        ],
        [
            "camera-based quality control on the line",
            "defect detection in photos",
            "industrial image segmentation",
        ],
    ),
    "computer-vision/documents": (
        ["la lecture automatique de factures scannées", "l'OCR de formulaires manuscrits"],
        ["reading scanned invoices automatically", "OCR of handwritten forms"],
    ),
    "causality/experiments": (
        [
            "l'analyse de tests A/B",
            "la mesure de l'effet d'une campagne",
            "les expériences randomisées en ligne",
        ],
        [
            "A/B test analysis",
            "measuring the uplift of a campaign",
            "online randomised experiments",
        ],
    ),
    "causality/observational": (
        [
            "les doubles différences sur données observationnelles",
            "l'appariement par score de propension",
            "les variables instrumentales",
        ],
        [
            "difference-in-differences on observational data",
            "propensity score matching",
            "instrumental variables",
        ],
    ),
    "optimisation/routing": (
        [
            "l'optimisation des tournées de livraison",
            "la planification des chauffeurs",
            "un solveur de tournées de véhicules",
        ],
        ["delivery route optimisation", "driver scheduling", "a vehicle routing solver"],
    ),
    "optimisation/planning": (
        [
            "l'ordonnancement d'atelier en programmation linéaire",
            "la planification de production",
            "l'affectation des équipes sous contraintes",
        ],
        [
            "job-shop scheduling with linear programming",
            "production planning",
            "constrained staff rostering",
        ],
    ),
    "recommender-systems/retail": (
        [
            "les recommandations de produits en ligne",
            "le filtrage collaboratif pour un catalogue",
            "la personnalisation de la page d'accueil",
        ],
        [
            "online product recommendations",
            "collaborative filtering for a catalogue",
            "home page personalisation",
        ],
    ),
    "data-engineering/pipelines": (
        [
            "l'orchestration de chargements nocturnes avec Airflow",
            "des flux d'ingestion en continu",
            "la transformation SQL avec dbt",
        ],
        [
            "orchestrating nightly loads with Airflow",
            "streaming ingestion jobs",
            "SQL transformations with dbt",
        ],
    ),
    "mlops/monitoring": (
        [
            "la surveillance de la dérive des modèles",
            "le suivi des modèles en production avec MLflow",
            "le réentraînement automatique",
        ],
        [
            "monitoring model drift",
            "tracking production models with MLflow",
            "automated retraining",
        ],
    ),
    "privacy-safety/anonymisation": (
        [
            "la pseudonymisation des données clients",
            "la confidentialité différentielle",
            "l'anonymisation de fichiers médicaux",
        ],
        ["pseudonymising customer data", "differential privacy", "anonymising medical files"],
    ),
    "genai-text/assistants": (
        [
            "un assistant conversationnel sur la base documentaire",
            "la génération augmentée par recherche",
            "l'évaluation des réponses d'un grand modèle de langage",
        ],
        [
            "a chat assistant over the document base",
            "retrieval-augmented generation",
            "evaluating a large language model's answers",
        ],
    ),
    "bias-fairness/audit": (
        [
            "l'audit des discriminations d'un score de crédit",
            "la parité entre groupes dans un modèle",
            "la mesure de l'impact disproportionné",
        ],
        [
            "auditing a credit score for discrimination",
            "group parity in a model",
            "measuring disparate impact",
        ],
    ),
    "dataviz/dashboards": (
        ["des tableaux de bord interactifs", "la visualisation de données géographiques"],
        ["interactive dashboards", "geographic data visualisation"],
    ),
    "health-data/clinical": (
        ["l'analyse d'essais cliniques", "les parcours de soins des patients"],
        ["clinical trial analysis", "patient care pathways"],
    ),
}
ATELIER_POPULARITY = {t: 1.0 for t in ATELIER_WORDS} | {
    "time-series/demand": 3.0,
    "nlp/search": 2.0,
    "data-engineering/pipelines": 2.5,
    "dataviz/dashboards": 2.0,
    "health-data/clinical": 0.4,
    "computer-vision/documents": 0.4,
    "bias-fairness/audit": 0.5,
}
ATELIER_LEVELS = {
    "fr": {
        4: [
            "Référente reconnue sur {x}, j'ai encadré plusieurs thèses.",
            "Dix ans à travailler sur {x}.",
        ],
        3: ["J'ai mené en production des projets sur {x}.", "Plusieurs années sur {x}."],
        2: ["Je m'occupe régulièrement de {x}.", "Au quotidien : {x}."],
        1: ["J'ai touché à {x} lors d'une formation.", "Premiers pas sur {x}."],
    },
    "en": {
        4: ["Recognised lead on {x}, supervised several PhDs.", "Ten years working on {x}."],
        3: ["Shipped production projects on {x}.", "Several years on {x}."],
        2: ["I regularly handle {x}.", "Day to day: {x}."],
        1: ["Touched {x} in a training course.", "First steps with {x}."],
    },
}
ATELIER_WISH = {
    "fr": ["J'aimerais m'initier à {x}.", "Curieux de découvrir {x}."],
    "en": ["I'd like to get into {x}.", "Curious to discover {x}."],
}
ATELIER_FILLER = {
    "fr": [
        "Data scientist chez un acteur de la distribution.",
        "Passionné de vélo.",
        "Je code surtout en Python et SQL.",
        "Ancienne consultante.",
    ],
    "en": [
        "Data scientist at a retailer.",
        "Keen cyclist.",
        "I mostly code in Python and SQL.",
        "Former consultant.",
    ],
}
# Share of bios and cases written tersely (bare phrases, French and English mixed in one bio,
# more typos, no level cue), as the issue describes a club's spreadsheet.
ATELIER_TERSE = 0.35
ATELIER_CASE = {
    "fr": [
        "Nous avons besoin d'aide sur {x}.",
        "Notre équipe bloque sur {x} : qui a de l'expérience ?",
        "Comment démarrer avec {x} ?",
    ],
    "en": [
        "We need help with {x}.",
        "Our team is stuck on {x}: who has experience?",
        "How do we get started with {x}?",
    ],
}


def atelier(
    seed: int = 101,
    n_people: int = 600,
    n_cases: int = 200,
    *,
    n_orgs: int = 40,
    with_truth: bool = True,
) -> Club:
    rng = random.Random(seed)
    topics = list(ATELIER_WORDS)
    popularity = [ATELIER_POPULARITY[t] for t in topics]
    orgs, org_weights = organisations(rng, n_orgs, "Atelier")
    docs, truths, wishes, languages = [], [], [], {}
    for pid in range(n_people):
        lang = "fr" if rng.random() < 0.6 else "en"
        count = rng.choice([1, 2, 2, 3])
        chosen = set()
        while len(chosen) < count:
            chosen.add(rng.choices(topics, popularity)[0])
        truth = {t: rng.choices([1, 2, 3, 4], [0.25, 0.4, 0.22, 0.13])[0] for t in sorted(chosen)}
        wish = {rng.choice(topics)} - set(truth) if rng.random() < 0.5 else set()
        if rng.random() < ATELIER_TERSE:
            # a spreadsheet cell: bare phrases, each in either language, no level cue
            lang = "mix"
            cells = [rng.choice(ATELIER_WORDS[t][rng.random() < 0.5]) for t in truth]
            cells += [
                rng.choice(["cherche des pairs sur ", "curious about "])
                + rng.choice(ATELIER_WORDS[t][rng.random() < 0.5])
                for t in sorted(wish)
            ]
            rng.shuffle(cells)
            text = noisy(rng, "; ".join(cells), 0.06)
        else:
            sentences = [rng.choice(ATELIER_FILLER[lang])]
            for t, level in truth.items():
                x = rng.choice(ATELIER_WORDS[t][0 if lang == "fr" else 1])
                sentences.append(rng.choice(ATELIER_LEVELS[lang][level]).format(x=x))
            for t in sorted(wish):
                x = rng.choice(ATELIER_WORDS[t][0 if lang == "fr" else 1])
                sentences.append(rng.choice(ATELIER_WISH[lang]).format(x=x))
            rng.shuffle(sentences)
            text = noisy(rng, " ".join(sentences), 0.03)
        tag_levels: dict[str, int] = {}
        for t, level in truth.items():
            tag_levels[tag_of(t)] = max(tag_levels.get(tag_of(t), 0), level)
        skills = declare(rng, tag_levels, missing=0.3, parent_only=1.0, off_by_one=0.3,
                         spurious=0.15)  # fmt: skip
        interests = {tag_of(t) for t in wish if rng.random() < 0.7}
        org = rng.choices(orgs, org_weights)[0]
        spoken = ({lang} if lang != "mix" else {"fr", "en"}) | (
            {"fr", "en"} if rng.random() < 0.6 else set()
        )
        docs.append(person_doc(pid, rng, text, skills, interests, org, spoken))
        truths.append(truth)
        wishes.append(wish)
        languages[pid] = lang
    cases = []
    for _ in range(n_cases):
        lang = "fr" if rng.random() < 0.55 else "en"
        first = rng.choices(topics, popularity)[0]
        case_topics = [first]
        if rng.random() < 0.35:
            sibling = [t for t in topics if tag_of(t) == tag_of(first) and t != first]
            case_topics.append(rng.choice(sibling or topics))
            case_topics = list(dict.fromkeys(case_topics))
        phrases = [rng.choice(ATELIER_WORDS[t][0 if lang == "fr" else 1]) for t in case_topics]
        if rng.random() < ATELIER_TERSE:  # a one-line request: the phrases alone
            text = noisy(rng, "; ".join(phrases), 0.06)
        else:
            text = " ".join(rng.choice(ATELIER_CASE[lang]).format(x=x) for x in phrases)
        tags = {tag_of(t) for t in case_topics} if rng.random() < 0.75 else set()
        query = case_query(rng, text, tags, lang, orgs)
        relevance = {}
        for doc, truth, wish in zip(docs, truths, wishes, strict=True) if with_truth else ():
            if doc.organisation in query.exclude_organisations:
                continue
            # Graded truth per sub-topic (issue 11): only work in one of the case's own
            # sub-topics counts; sharing the parent tag or a sibling sub-topic earns nothing.
            grade = 0
            for t in case_topics:
                level = truth.get(t, 0)
                if level >= 3:
                    grade = 3
                elif level == 2:
                    grade = max(grade, 2)
                elif level == 1 or t in wish:
                    grade = max(grade, 1)
            if grade:
                relevance[doc.id] = grade
        cases.append(Case(query, relevance, tuple(case_topics), lang))
    club = Club("atelier", docs, cases, languages)
    for truth in truths:
        for t in truth:
            club.topic_people[t] = club.topic_people.get(t, 0) + 1
    return club


# =================================================================================================
# Generator 2: "conseil" (held-out): consultants' project narratives
# =================================================================================================

CONSEIL_WORDS: dict[str, tuple[list[str], list[str]]] = {
    "forecasting/energy": (
        ["prévoir la consommation électrique à J+1", "projeter la charge du réseau"],
        [
            "day-ahead electricity load prediction",
            "projecting grid load with Prophet",
            "short-term power demand projections",
        ],
    ),
    "forecasting/supply": (
        ["dimensionner les stocks des entrepôts", "estimer les volumes de commandes à venir"],
        [
            "inventory planning for warehouses",
            "estimating upcoming order volumes",
            "replenishment planning under uncertainty",
        ],
    ),
    "nlp/voice-of-customer": (
        ["analyser le sentiment des avis clients", "classer les verbatims des enquêtes"],
        [
            "sentiment analysis of customer reviews",
            "topic modelling of survey comments",
            "classifying support tickets",
        ],
    ),
    "nlp/legal-text": (
        ["repérer les clauses à risque dans les contrats", "résumer des décisions de justice"],
        [
            "spotting risky clauses in contracts",
            "summarising court rulings",
            "parsing regulatory documents",
        ],
    ),
    "machine-learning/churn": (
        ["prédire la résiliation des abonnés", "scorer l'attrition avec du gradient boosting"],
        [
            "predicting subscriber churn",
            "churn scoring with XGBoost",
            "customer attrition models with gradient boosting",
        ],
    ),
    "machine-learning/fraud": (
        ["détecter la fraude à la carte bancaire", "repérer des transactions suspectes"],
        [
            "card fraud detection",
            "flagging suspicious transactions",
            "imbalanced classification for fraud",
        ],
    ),
    "explicability/models": (
        [
            "expliquer les décisions d'un modèle avec SHAP",
            "rendre un score compréhensible aux conseillers",
        ],
        [
            "explaining model decisions with SHAP values",
            "making a score understandable to advisers",
            "counterfactual explanations for credit decisions",
        ],
    ),
    "data-governance/quality": (
        ["fiabiliser le référentiel client", "dédoublonner des fichiers fournisseurs"],
        [
            "cleaning up the customer master data",
            "deduplicating supplier records",
            "data quality rules and lineage",
        ],
    ),
    "data-infrastructure/cloud": (
        ["migrer l'entrepôt vers Snowflake", "monter un lac de données sur S3"],
        [
            "migrating the warehouse to Snowflake",
            "setting up a lakehouse on Databricks",
            "sizing Spark clusters",
        ],
    ),
    "statistics/surveys": (
        ["redresser un échantillon de sondage", "calculer des intervalles de confiance"],
        [
            "weighting survey samples",
            "confidence intervals for panel data",
            "hypothesis testing for market studies",
        ],
    ),
    "sport-analytics/performance": (
        ["suivre la charge d'entraînement des athlètes", "analyser les données GPS des matchs"],
        [
            "monitoring athletes' training load",
            "analysing match GPS tracking data",
            "injury risk from wearable data",
        ],
    ),
    "frugal-ai/compression": (
        ["réduire la taille des modèles par distillation", "quantifier un réseau pour l'embarqué"],
        [
            "shrinking models with knowledge distillation",
            "quantising a network for edge devices",
            "cutting inference energy use",
        ],
    ),
    "law-regulation/compliance": (
        ["préparer la conformité à l'AI Act", "rédiger l'analyse d'impact RGPD"],
        [
            "getting ready for the AI Act",
            "writing the GDPR impact assessment",
            "regulatory compliance of scoring models",
        ],
    ),
    "web/apps": (
        ["développer une application React", "exposer les modèles via une API"],
        ["building a React front end", "serving models behind a REST API", "a Django back office"],
    ),
}
CONSEIL_POPULARITY = {t: 1.0 for t in CONSEIL_WORDS} | {
    "machine-learning/churn": 2.5,
    "data-infrastructure/cloud": 2.0,
    "sport-analytics/performance": 0.35,
    "frugal-ai/compression": 0.4,
    "nlp/legal-text": 0.5,
}
CONSEIL_SECTORS = [
    "a bank",
    "an insurer",
    "a utility",
    "a retailer",
    "a telecom operator",
    "a hospital group",
    "a sports federation",
    "a logistics firm",
]
CONSEIL_PROJECT = {
    "en": [
        "For {s}, I worked on {x}.",
        "Engagement with {s}: {x}.",
        "Led a mission on {x} for {s}.",
        "Delivered {x} for {s}.",
    ],
    "fr": [
        "Pour {s}, j'ai travaillé sur {x}.",
        "Mission chez {s} : {x}.",
        "J'ai piloté {x} pour {s}.",
    ],
}
CONSEIL_SECTORS_FR = [
    "une banque",
    "un assureur",
    "un énergéticien",
    "un distributeur",
    "un opérateur télécom",
    "un groupe hospitalier",
    "une fédération sportive",
]
CONSEIL_CASE = {
    "fr": [
        "Nous cherchons quelqu'un qui sait {x}.",
        "Projet en cours : {x}. Qui peut nous aider ?",
        "Retour d'expérience souhaité pour {x}.",
    ],
    "en": ["Looking for someone experienced in {x}.", "Current project: {x}. Who can help?"],
}
CONSEIL_VERBS_FR = {}  # phrases are already infinitive/noun forms


def conseil(seed: int = 202, n_people: int = 900, n_cases: int = 150) -> Club:
    rng = random.Random(seed)
    topics = list(CONSEIL_WORDS)
    popularity = [CONSEIL_POPULARITY[t] for t in topics]
    orgs, org_weights = organisations(rng, 25, "Cabinet")
    docs, projects_of, languages = [], [], {}
    for pid in range(n_people):
        lang = "en" if rng.random() < 0.75 else "fr"
        n_topics = rng.choice([1, 2, 2, 3])
        projects: dict[str, int] = {}
        for _ in range(n_topics):
            t = rng.choices(topics, popularity)[0]
            projects[t] = projects.get(t, 0) + rng.choice([1, 1, 2, 3, 4])
        sentences = []
        for t, n in projects.items():
            for _ in range(min(n, 2)):
                x = rng.choice(CONSEIL_WORDS[t][1 if lang == "en" else 0])
                sector = rng.choice(CONSEIL_SECTORS if lang == "en" else CONSEIL_SECTORS_FR)
                sentences.append(rng.choice(CONSEIL_PROJECT[lang]).format(x=x, s=sector))
            if n >= 3:
                sentences.append(
                    f"{n} engagements in that area."
                    if lang == "en"
                    else f"{n} missions sur le sujet."
                )
        rng.shuffle(sentences)
        text = ("Consultant. " if lang == "en" else "Consultante. ") + " ".join(sentences)
        text = noisy(rng, text, 0.02)
        tag_levels: dict[str, int] = {}
        for t, n in projects.items():
            tag_levels[tag_of(t)] = max(tag_levels.get(tag_of(t), 0), min(4, 1 + n))
        skills = declare(rng, tag_levels, missing=0.3, parent_only=1.0, off_by_one=0.4,
                         spurious=0.2)  # fmt: skip
        org = rng.choices(orgs, org_weights)[0]
        spoken = {lang, "en"} if rng.random() < 0.5 else {lang}
        docs.append(person_doc(pid, rng, text, skills, set(), org, spoken))
        projects_of.append(projects)
        languages[pid] = lang
    cases = []
    for _ in range(n_cases):
        lang = "fr" if rng.random() < 0.65 else "en"
        topic = rng.choices(topics, popularity)[0]
        x = rng.choice(CONSEIL_WORDS[topic][0 if lang == "fr" else 1])
        text = rng.choice(CONSEIL_CASE[lang]).format(x=x)
        if rng.random() < 0.5:
            x2 = rng.choice(CONSEIL_WORDS[topic][0 if lang == "fr" else 1])
            text += " " + (f"Aussi : {x2}." if lang == "fr" else f"Also: {x2}.")
        tags = {tag_of(topic)} if rng.random() < 0.7 else set()
        query = case_query(rng, text, tags, lang, orgs, exclude_share=0.4)
        relevance = {}
        for doc, projects in zip(docs, projects_of, strict=True):
            if doc.organisation in query.exclude_organisations:
                continue
            n = projects.get(topic, 0)
            sibling = max(
                (c for s, c in projects.items() if tag_of(s) == tag_of(topic) and s != topic),
                default=0,
            )
            grade = 3 if n >= 3 else 2 if n >= 1 else 1 if sibling >= 2 else 0
            if grade:
                relevance[doc.id] = grade
        cases.append(Case(query, relevance, (topic,), lang))
    club = Club("conseil", docs, cases, languages)
    for projects in projects_of:
        for t in projects:
            club.topic_people[t] = club.topic_people.get(t, 0) + 1
    return club


# =================================================================================================
# Generator 3: "tableur" (held-out): the club's spreadsheet, terse and code-mixed
# =================================================================================================

TABLEUR_WORDS: dict[str, list[str]] = {
    "time-series/tourism": [
        "prévisions demande hôtelière",
        "hotel occupancy forecast",
        "taux de remplissage saisonnier",
        "RevPAR forecasting",
    ],
    "time-series/industry": [
        "maintenance prédictive capteurs",
        "predictive maintenance IoT",
        "vibrations machines",
        "remaining useful life",
    ],
    "causality/marketing": [
        "causalité effets promo",
        "uplift modelling",
        "incrémentalité média",
        "marketing mix model",
    ],
    "causality/policy": [
        "évaluation de politiques publiques",
        "policy evaluation",
        "contrefactuel synthétique",
        "synthetic control",
    ],
    "computer-vision/retail": [
        "reconnaissance produits en rayon",
        "shelf image recognition",
        "comptage de visiteurs vidéo",
        "people counting",
    ],
    "genai-text/llm": [
        "LLM en interne",
        "fine-tuning Mistral",
        "RAG sur docs internes",
        "prompting GPT",
    ],
    "genai-images/creative": [
        "images générées pour le marketing",
        "Stable Diffusion",
        "génération de visuels",
        "diffusion models",
    ],
    "data-analytics/bi": [
        "reporting Power BI",
        "KPI commerciaux",
        "self-service BI",
        "tableaux de bord finance",
    ],
    "ethical-green-ai/carbon": [
        "bilan carbone des modèles",
        "green IT",
        "sobriété des calculs",
        "CodeCarbon",
    ],
    "devops/containers": ["Kubernetes en prod", "CI GitLab", "Terraform", "déploiement conteneurs"],
    "health-data/records": ["dossiers patients", "EHR data", "SNDS", "données hospitalières"],
    "data-strategy/roadmap": [
        "feuille de route data",
        "data roadmap",
        "acculturation data",
        "data office",
    ],
}
TABLEUR_POPULARITY = {t: 1.0 for t in TABLEUR_WORDS} | {
    "genai-text/llm": 3.0,
    "data-analytics/bi": 2.0,
    "causality/policy": 0.4,
    "genai-images/creative": 0.5,
    "health-data/records": 0.5,
}
ABBREVIATIONS = {"prévisions": "prév.", "maintenance": "maint.", "données": "data",
                 "évaluation": "éval.", "reconnaissance": "reco"}  # fmt: skip
TABLEUR_SEEK = [
    "cherche des pairs sur {x}",
    "looking for peers on {x}",
    "veut découvrir {x}",
    "curious about {x}",
]


def _cell(rng: random.Random, phrase: str) -> str:
    words = [ABBREVIATIONS.get(w, w) if rng.random() < 0.4 else w for w in phrase.split()]
    return noisy(rng, " ".join(words), 0.08)


def tableur(seed: int = 303, n_people: int = 400, n_cases: int = 250) -> Club:
    rng = random.Random(seed)
    topics = list(TABLEUR_WORDS)
    popularity = [TABLEUR_POPULARITY[t] for t in topics]
    orgs, org_weights = organisations(rng, 30, "Membre")
    docs, primaries, secondaries, seeks, languages = [], [], [], [], {}
    for pid in range(n_people):
        primary = rng.choices(topics, popularity)[0]
        secondary = rng.choices(topics, popularity)[0] if rng.random() < 0.6 else None
        if secondary == primary:
            secondary = None
        seek = rng.choice(topics) if rng.random() < 0.4 else None
        cells = [_cell(rng, rng.choice(TABLEUR_WORDS[primary]))]
        if rng.random() < 0.5:
            cells.append(_cell(rng, rng.choice(TABLEUR_WORDS[primary])))
        if secondary:
            cells.append(_cell(rng, rng.choice(TABLEUR_WORDS[secondary])))
        if seek:
            cells.append(rng.choice(TABLEUR_SEEK).format(x=rng.choice(TABLEUR_WORDS[seek])))
        text = "; ".join(cells)
        levels = {tag_of(primary): rng.choice([3, 4])}
        if secondary:
            levels[tag_of(secondary)] = max(levels.get(tag_of(secondary), 0), rng.choice([1, 2]))
        skills = declare(rng, levels, missing=0.3, parent_only=0.7, off_by_one=0.5, spurious=0.3)
        if skills and rng.random() < 0.3:  # levels typed at random in the spreadsheet
            skills = {t: rng.randint(1, 4) for t in skills}
        interests = {tag_of(seek)} if seek and rng.random() < 0.5 else set()
        org = rng.choices(orgs, org_weights)[0]
        docs.append(person_doc(pid, rng, text, skills, interests, org, {"fr", "en"}))
        primaries.append(primary)
        secondaries.append(secondary)
        seeks.append(seek)
        languages[pid] = "mix"
    cases = []
    for _ in range(n_cases):
        topic = rng.choices(topics, popularity)[0]
        lang = "fr" if rng.random() < 0.5 else "en"
        phrases = [p for p in TABLEUR_WORDS[topic]]
        x = rng.choice(phrases)
        text = (f"Sujet : {x}. Quelqu'un a déjà fait ça ?" if lang == "fr"
                else f"Topic: {x}. Anyone done this before?")  # fmt: skip
        tags = {tag_of(topic)} if rng.random() < 0.6 else set()
        query = case_query(rng, text, tags, lang, orgs)
        relevance = {}
        for doc, p, s, k in zip(docs, primaries, secondaries, seeks, strict=True):
            if doc.organisation in query.exclude_organisations:
                continue
            grade = 3 if p == topic else 2 if s == topic else 1 if k == topic else 0
            if grade:
                relevance[doc.id] = grade
        cases.append(Case(query, relevance, (topic,), lang))
    club = Club("tableur", docs, cases, languages)
    for p, s in zip(primaries, secondaries, strict=True):
        for t in {p, s} - {None}:
            club.topic_people[t] = club.topic_people.get(t, 0) + 1
    return club


# =================================================================================================
# The demo club's texts (held-out)
# =================================================================================================


def demo(seed: int = 404) -> Club:
    """The demo club's 300 people (bios from compagnon/site/demo/) against cases written
    from the demo's own work phrases, in the other language half the time.

    Truth: the person's demo skills (their levels), i.e. what the bio was written from; the
    sub-topic is the tag itself. Declared skills are redrawn with the same noise as the
    generators (missing for 30 %, parent level, off by one).
    """
    from datetime import date

    from compagnon.cases.demo import DEMO_CASES
    from compagnon.site.demo.data import WORK_PHRASES
    from compagnon.site.demo.generator import demo_people

    rng = random.Random(seed)
    specs = [s for s in demo_people(date(2026, 1, 1)) if s.membership_type != "staff"]
    docs, truths, languages = [], [], {}
    for pid, spec in enumerate(specs):
        truth = {slug: level for slug, level, _ in spec.skills}
        skills = declare(rng, truth, missing=0.3, parent_only=0.5, off_by_one=0.3, spurious=0.1)
        english = not any(c in spec.bio for c in "éèàçù") and " the " in f" {spec.bio} "
        text = f"{spec.job_title}\n{spec.bio}"
        doc = person_doc(pid, rng, text, skills, set(spec.interests), spec.organisation or "",
                         set(spec.languages))  # fmt: skip
        docs.append(doc)
        truths.append((truth, set(spec.interests)))
        languages[pid] = "en" if english else "fr"
    subjects = {"fr": "nos données", "en": "our data"}
    cases = []
    slugs = sorted(WORK_PHRASES)
    for _ in range(160):
        lang = "fr" if rng.random() < 0.5 else "en"
        slug = rng.choice(slugs)
        phrases = WORK_PHRASES[slug]
        wish = phrases[2] if lang == "fr" else phrases[3]
        action = (phrases[0] if lang == "fr" else phrases[1]).format(subject=subjects[lang])
        text = (f"Nous voulons {wish}. Quelqu'un qui {action} ?" if lang == "fr"
                else f"We want to {wish}. Anyone who {action}?")  # fmt: skip
        tags = {slug} if rng.random() < 0.6 else set()
        cases.append((text, tags, lang, (slug,)))
    for spec in DEMO_CASES:
        cases.append((f"{spec.title}\n{spec.description}", set(spec.tags), "fr", spec.tags))
    built = []
    orgs = sorted({d.organisation for d in docs if d.organisation})
    for text, tags, lang, topic_tags in cases:
        query = case_query(rng, text, tags, lang, orgs)
        relevance = {}
        for doc, (truth, interests) in zip(docs, truths, strict=True):
            if doc.organisation and doc.organisation in query.exclude_organisations:
                continue
            grade = 0
            for t in topic_tags:
                level = truth.get(t, 0)
                related = [TAXONOMY.parent.get(t), *TAXONOMY.children.get(t, [])]
                if level >= 3:
                    grade = 3
                elif level == 2 or any(truth.get(r, 0) >= 3 for r in related if r):
                    grade = max(grade, 2)
                elif level == 1 or t in interests:
                    grade = max(grade, 1)
            if grade:
                relevance[doc.id] = grade
        built.append(Case(query, relevance, tuple(topic_tags), lang))
    club = Club("demo", docs, built, languages)
    for truth, _ in truths:
        for t in truth:
            club.topic_people[t] = club.topic_people.get(t, 0) + 1
    return club


# =================================================================================================
# Generator 5: "fratrie" (dev set, second part, since 2026-12-05): sibling sub-topics
# =================================================================================================
# Written from issue 11's description of real clubs, not from the held-out generators: texts
# describe the work (methods, data, problems) in one sub-topic of a tag while many other
# members work on a sibling sub-topic of the same tag; declared skills name the parent tag
# only (or nothing, 30 %); truth is per sub-topic. Within a tag one sub-topic is common and
# its siblings are rare, and cases are drawn evenly over sub-topics: a case on a rare
# sub-topic meets many people whose text names a common sibling.

# tag/sub -> (French phrases, English phrases, popularity)
FRATRIE_WORDS: dict[str, tuple[list[str], list[str], float]] = {
    "time-series/demand-forecasting": (
        [
            "prévoir les ventes par magasin",
            "modèles saisonniers des ventes",
            "prévision de la demande hôtelière",
        ],
        ["store-level sales forecasting", "seasonal demand models", "predicting weekly demand"],
        4.0,
    ),
    "time-series/anomalies": (
        ["repérer les pannes dans les relevés de capteurs", "alertes sur des séries de mesures"],
        ["spotting faults in sensor readings", "alerting on drifting meter series"],
        0.5,
    ),
    "time-series/signal": (
        ["filtrage de signaux vibratoires", "analyse spectrale de mesures"],
        ["filtering vibration signals", "spectral analysis of measurements"],
        0.4,
    ),
    "nlp/extraction": (
        ["extraire des entités de comptes rendus", "classer automatiquement des courriels"],
        ["pulling named entities out of reports", "routing emails with text classifiers"],
        3.0,
    ),
    "nlp/sentiment": (
        ["mesurer la tonalité des avis clients", "analyse d'opinion sur les réseaux sociaux"],
        ["measuring the tone of customer reviews", "opinion mining on social media"],
        0.6,
    ),
    "nlp/legal": (
        ["relire des contrats avec des modèles de langue", "indexer la jurisprudence"],
        ["reviewing contracts with language models", "indexing case law"],
        0.4,
    ),
    "nlp/translation": (
        ["traduction automatique de notices techniques", "aligner des corpus bilingues"],
        ["machine translation of technical manuals", "aligning bilingual corpora"],
        0.4,
    ),
    "causality/experiments": (
        ["piloter des tests A/B sur le site", "plans d'expérience pour les campagnes"],
        ["running A/B tests on the website", "designing randomised experiments for campaigns"],
        3.0,
    ),
    "causality/observational": (
        [
            "évaluer une politique publique par doubles différences",
            "appariement sur score de propension",
        ],
        [
            "difference-in-differences for a policy evaluation",
            "propensity score matching on registry data",
        ],
        0.6,
    ),
    "causality/uplift": (
        ["modèles d'uplift pour cibler les relances", "effet hétérogène d'un traitement"],
        ["uplift models to target reminders", "heterogeneous treatment effects"],
        0.4,
    ),
    "forecasting/energy": (
        ["prévoir la consommation électrique du lendemain", "projeter la charge du réseau"],
        ["next-day electricity consumption forecasts", "projecting grid load"],
        3.0,
    ),
    "forecasting/supply": (
        ["dimensionner les stocks des entrepôts", "réapprovisionnement des magasins"],
        ["sizing warehouse stock", "store replenishment planning"],
        0.6,
    ),
    "forecasting/tourism": (
        ["anticiper le taux d'occupation des hôtels", "fréquentation des sites touristiques"],
        ["anticipating hotel occupancy", "visitor numbers at tourist sites"],
        0.4,
    ),
    "computer-vision/detection": (
        ["contrôle visuel des pièces sur la chaîne", "détecter des défauts sur des images"],
        ["visual inspection of parts on the line", "detecting defects in images"],
        3.0,
    ),
    "computer-vision/documents": (
        ["lire des factures scannées", "reconnaissance de caractères sur formulaires"],
        ["reading scanned invoices", "character recognition on forms"],
        0.5,
    ),
    "computer-vision/medical": (
        ["segmenter des IRM", "aide au diagnostic sur radiographies"],
        ["segmenting MRI scans", "diagnosis support on X-rays"],
        0.4,
    ),
    "optimisation/routing": (
        ["optimiser les tournées de livraison", "calcul d'itinéraires pour les techniciens"],
        ["optimising delivery rounds", "route planning for field technicians"],
        2.0,
    ),
    "optimisation/scheduling": (
        ["planifier les équipes d'un hôpital", "ordonnancement d'ateliers"],
        ["rostering hospital staff", "job-shop scheduling"],
        0.5,
    ),
}
FRATRIE_LEVELS = {
    "fr": {
        4: ["Je fais référence sur {x} depuis dix ans.", "Thèse puis dix ans sur {x}."],
        3: ["J'ai livré plusieurs projets de {x} en production.", "Des années sur {x}."],
        2: ["Je travaille régulièrement sur {x}.", "Mon quotidien : {x}."],
        1: ["Une première mission sur {x}.", "Je débute sur {x}."],
    },
    "en": {
        4: ["Go-to person for {x} for a decade.", "PhD and ten years on {x}."],
        3: ["Delivered several {x} projects to production.", "Years of {x}."],
        2: ["I work on {x} regularly.", "My day job: {x}."],
        1: ["One first assignment on {x}.", "Beginner at {x}."],
    },
}
FRATRIE_CASE = {
    "fr": ["Un partenaire cherche de l'aide pour {x}.", "Retour d'expérience souhaité : {x}."],
    "en": ["A partner is looking for help with {x}.", "Looking for hands-on experience: {x}."],
}


def fratrie(
    seed: int = 505, n_people: int = 500, n_cases: int = 180, *, with_truth: bool = True
) -> Club:
    rng = random.Random(seed)
    topics = list(FRATRIE_WORDS)
    popularity = [FRATRIE_WORDS[t][2] for t in topics]
    orgs, org_weights = organisations(rng, 30, "Fratrie")
    docs, truths, wishes, languages = [], [], [], {}
    for pid in range(n_people):
        lang = "fr" if rng.random() < 0.5 else "en"
        first = rng.choices(topics, popularity)[0]
        chosen = [first]
        if rng.random() < 0.4:  # a second topic, often a sibling of the first
            if rng.random() < 0.5:
                siblings = [t for t in topics if tag_of(t) == tag_of(first) and t != first]
                chosen.append(rng.choice(siblings))
            else:
                chosen.append(rng.choices(topics, popularity)[0])
        truth = {t: rng.choices([1, 2, 3, 4], [0.2, 0.4, 0.25, 0.15])[0] for t in chosen}
        wish = {rng.choice(topics)} - set(truth) if rng.random() < 0.3 else set()
        if rng.random() < 0.3:  # a spreadsheet cell
            lang = "mix"
            cells = [rng.choice(FRATRIE_WORDS[t][rng.random() < 0.5]) for t in truth]
            cells += ["envie d'apprendre : " + rng.choice(FRATRIE_WORDS[t][0]) for t in wish]
            text = noisy(rng, "; ".join(cells), 0.05)
        else:
            i = 0 if lang == "fr" else 1
            sentences = [rng.choice(ATELIER_FILLER[lang])]
            for t, level in truth.items():
                x = rng.choice(FRATRIE_WORDS[t][i])
                sentences.append(rng.choice(FRATRIE_LEVELS[lang][level]).format(x=x))
            for t in wish:
                x = rng.choice(FRATRIE_WORDS[t][i])
                sentences.append(rng.choice(ATELIER_WISH[lang]).format(x=x))
            rng.shuffle(sentences)
            text = noisy(rng, " ".join(sentences), 0.03)
        tag_levels: dict[str, int] = {}
        for t, level in truth.items():
            tag_levels[tag_of(t)] = max(tag_levels.get(tag_of(t), 0), level)
        skills = declare(rng, tag_levels, missing=0.3, parent_only=1.0, off_by_one=0.3,
                         spurious=0.1)  # fmt: skip
        interests = {tag_of(t) for t in wish if rng.random() < 0.6}
        org = rng.choices(orgs, org_weights)[0]
        spoken = ({lang} if lang != "mix" else {"fr", "en"}) | (
            {"fr", "en"} if rng.random() < 0.5 else set()
        )
        docs.append(person_doc(pid, rng, text, skills, interests, org, spoken))
        truths.append(truth)
        wishes.append(wish)
        languages[pid] = lang
    cases = []
    for _ in range(n_cases):
        lang = "fr" if rng.random() < 0.5 else "en"
        case_topics = [rng.choice(topics)]  # evenly over sub-topics, rare ones included
        i = 0 if lang == "fr" else 1
        x = rng.choice(FRATRIE_WORDS[case_topics[0]][i])
        if rng.random() < 0.3:
            text = noisy(rng, x, 0.05)
        else:
            text = rng.choice(FRATRIE_CASE[lang]).format(x=x)
        tags = {tag_of(case_topics[0])} if rng.random() < 0.7 else set()
        query = case_query(rng, text, tags, lang, orgs)
        relevance = {}
        for doc, truth, wish in zip(docs, truths, wishes, strict=True) if with_truth else ():
            if doc.organisation in query.exclude_organisations:
                continue
            level = truth.get(case_topics[0], 0)
            grade = (
                3
                if level >= 3
                else 2
                if level == 2
                else 1
                if level or case_topics[0] in wish
                else 0
            )
            if grade:
                relevance[doc.id] = grade
        cases.append(Case(query, relevance, tuple(case_topics), lang))
    club = Club("fratrie", docs, cases, languages)
    for truth in truths:
        for t in truth:
            club.topic_people[t] = club.topic_people.get(t, 0) + 1
    return club


# =================================================================================================
# Dev set, third part: "souche" (since 2026-12-05): truth per tag, not per sub-topic
# =================================================================================================
# Issue 11 describes clubs whose members declare little (many profiles without skills), a few
# generalists (machine learning or statistics "in general") and cases that ask for a tag
# broadly: anyone strong in the tag helps whatever sub-topic the case's text mentions, and a
# strong neighbour (the parent or a child tag) helps a notch lower. The dev set's other two
# parts grade per sub-topic only, so a prior tuned on them alone could learn to ignore
# everything but the case's own sub-topic. Written from that description and the atelier
# word lists (dev material); the held-out generators were not used for it.

# parent tag -> (French phrases, English phrases): a generalist's work, no sub-topic
SOUCHE_GENERAL: dict[str, tuple[list[str], list[str]]] = {
    "machine-learning": (
        ["des modèles supervisés de toutes sortes", "le choix et la validation de modèles"],
        ["supervised models of every kind", "choosing and validating models"],
    ),
    "statistics": (
        ["l'inférence et les tests d'hypothèses", "la modélisation statistique"],
        ["inference and hypothesis testing", "statistical modelling"],
    ),
    "data-analytics": (
        ["l'analyse de données pour les métiers", "les indicateurs de pilotage"],
        ["data analysis for business teams", "steering indicators"],
    ),
}


def souche(
    seed: int = 606, n_people: int = 500, n_cases: int = 180, *, with_truth: bool = True
) -> Club:
    rng = random.Random(seed)
    topics = list(ATELIER_WORDS)
    tags = sorted({tag_of(t) for t in topics})
    shares = [1 / (1 + i) ** 0.9 for i in range(len(tags))]  # a few popular tags, a long tail
    rng.shuffle(shares)
    tag_share = dict(zip(tags, shares, strict=True))
    popularity = [tag_share[tag_of(t)] for t in topics]
    orgs, org_weights = organisations(rng, 30, "Souche")
    docs, truths, wishes, languages = [], [], [], {}
    for pid in range(n_people):
        lang = "fr" if rng.random() < 0.55 else "en"
        count = rng.choice([1, 1, 2, 3])
        chosen: set[str] = set()
        while len(chosen) < count:
            chosen.add(rng.choices(topics, popularity)[0])
        truth = {t: rng.choices([1, 2, 3, 4], [0.25, 0.4, 0.22, 0.13])[0] for t in sorted(chosen)}
        general: dict[str, int] = {}
        if rng.random() < 0.2:  # a generalist: a level on a parent tag
            general[rng.choice(sorted(SOUCHE_GENERAL))] = rng.choice([2, 3, 3, 4])
        wish = {rng.choice(topics)} - set(truth) if rng.random() < 0.4 else set()
        phrases = [(ATELIER_WORDS[t], level) for t, level in truth.items()]
        phrases += [(SOUCHE_GENERAL[g], level) for g, level in general.items()]
        if rng.random() < 0.3:  # a spreadsheet cell
            lang = "mix"
            cells = [rng.choice(words[rng.random() < 0.5]) for words, _ in phrases]
            cells += ["à creuser : " + rng.choice(ATELIER_WORDS[t][0]) for t in sorted(wish)]
            rng.shuffle(cells)
            text = noisy(rng, "; ".join(cells), 0.05)
        else:
            i = 0 if lang == "fr" else 1
            sentences = [rng.choice(ATELIER_FILLER[lang])]
            for words, level in phrases:
                x = rng.choice(words[i])
                sentences.append(rng.choice(ATELIER_LEVELS[lang][level]).format(x=x))
            for t in sorted(wish):
                x = rng.choice(ATELIER_WORDS[t][i])
                sentences.append(rng.choice(ATELIER_WISH[lang]).format(x=x))
            rng.shuffle(sentences)
            text = noisy(rng, " ".join(sentences), 0.03)
        tag_levels = dict(general)
        for t, level in truth.items():
            tag_levels[tag_of(t)] = max(tag_levels.get(tag_of(t), 0), level)
        skills = declare(rng, tag_levels, missing=0.45, parent_only=0.3, off_by_one=0.3,
                         spurious=0.1)  # fmt: skip
        interests = {tag_of(t) for t in wish if rng.random() < 0.6}
        org = rng.choices(orgs, org_weights)[0]
        spoken = ({lang} if lang != "mix" else {"fr", "en"}) | (
            {"fr", "en"} if rng.random() < 0.5 else set()
        )
        docs.append(person_doc(pid, rng, text, skills, interests, org, spoken))
        truths.append(tag_levels)
        wishes.append({tag_of(t) for t in wish})
        languages[pid] = lang
    cases = []
    for _ in range(n_cases):
        lang = "fr" if rng.random() < 0.5 else "en"
        tag = rng.choice(tags)  # evenly over tags, rare ones included
        topic = rng.choice([t for t in topics if tag_of(t) == tag])
        phrase = rng.choice(ATELIER_WORDS[topic][0 if lang == "fr" else 1])
        if rng.random() < 0.35:
            text = noisy(rng, phrase, 0.05)
        else:
            text = rng.choice(ATELIER_CASE[lang]).format(x=phrase)
        query = case_query(rng, text, {tag} if rng.random() < 0.65 else set(), lang, orgs)
        near = {t for t, d in TAXONOMY.descendants(tag) if d == 1}
        if TAXONOMY.parent.get(tag):
            near.add(TAXONOMY.parent[tag])
        relevance = {}
        for doc, levels, wish in zip(docs, truths, wishes, strict=True) if with_truth else ():
            if doc.organisation in query.exclude_organisations:
                continue
            # Graded truth per tag: the tag itself, then a strong neighbour, then learners.
            level = levels.get(tag, 0)
            neighbour = max((levels.get(t, 0) for t in near), default=0)
            grade = (
                3
                if level >= 3
                else 2
                if level == 2 or neighbour >= 3
                else 1
                if level == 1 or tag in wish
                else 0
            )
            if grade:
                relevance[doc.id] = grade
        cases.append(Case(query, relevance, (tag,), lang))
    club = Club("souche", docs, cases, languages)
    for levels in truths:
        for t in levels.keys() & set(tags):  # the tags cases are about (not generalists')
            club.topic_people[t] = club.topic_people.get(t, 0) + 1
    return club


# =================================================================================================
# Dev set, fourth part: "verger" (since 2026-12-05, sixth change): its own wording
# =================================================================================================
# The other dev parts share atelier's phrase lists, which map one to one onto the vocabulary's
# sub-areas, so a prior tuned on them trusts vocabulary evidence more than a real club's texts
# deserve. Issue 11 describes real clubs: people describe their work in their own words
# (paraphrases, jargon, abbreviations, misspellings, French and English mixed, tools and
# problems the vocabulary does not list), requesters describe a problem rather than a method,
# a few sub-topics have only a handful of knowledgeable people, 30-50 % of profiles declare no
# skill and many declare the parent tag only. Written from that description alone: not from
# the held-out generators, not from atelier's lists, not from the vocabulary.

# "tag/sub-topic" -> (French ways of saying the work, English ones, French problems as a
# requester puts them, English ones, popularity). Sub-topics are this club's own cut, not the
# vocabulary's sub-areas.
VERGER_WORDS: dict[str, tuple[list[str], list[str], list[str], list[str], float]] = {
    "time-series/capteurs": (
        [
            "détection de dérives sur des signaux capteurs",
            "repérer les pannes dans les relevés vibratoires",
            "monitoring IoT indus avec seuils adaptatifs",
        ],
        [
            "spotting drift in sensor feeds",
            "vibration logs to catch failing pumps",
            "IIoT monitoring w/ adaptive thresholds",
        ],
        ["nos machines tombent en panne sans prévenir alors qu'on a des relevés chaque minute"],
        ["our machines break down without warning though we log readings every minute"],
        1.6,
    ),
    "forecasting/appro": (
        [
            "prévoir les volumes de commandes semaine par semaine",
            "prévi des ventes par magasin",
            "modèles de prév pour le réassort",
        ],
        [
            "weekly order volume projections",
            "store-level sales predictions",
            "replenishment forecasts with prophet and ETS",
        ],
        ["on jette trop de produits frais, les commandes se font au doigt mouillé"],
        ["we throw away too much fresh produce, ordering is pure guesswork"],
        1.8,
    ),
    "forecasting/energie": (
        ["prévision de charge électrique à J+1", "courbes de conso horaires du réseau"],
        ["day-ahead grid load projections", "hourly power draw curves"],
        ["anticiper le pic de consommation de notre réseau de chaleur l'hiver"],
        ["anticipate winter peak demand on our district heating network"],
        0.15,
    ),
    "nlp/extraction": (
        [
            "extraire des entités de contrats scannés",
            "NER sur des comptes rendus",
            "parser des PDF pourris pour sortir les montants",
        ],
        [
            "pulling entities out of scanned contracts",
            "named-entity tagging on reports",
            "info extraction from messy PDFs",
        ],
        ["des milliers de factures ressaisies à la main chaque mois"],
        ["thousands of invoices keyed in by hand every month"],
        1.2,
    ),
    "nlp/tickets": (
        [
            "tri automatique des tickets du support",
            "classer les verbatims clients par motif",
            "routage de mails par catégorie",
        ],
        [
            "auto-routing helpdesk tickets",
            "categorising customer verbatims",
            "email triage by topic",
        ],
        ["le service client croule sous des mails que personne ne trie"],
        ["the support inbox is drowning in unsorted emails"],
        1.3,
    ),
    "nlp/parole": (
        ["transcription automatique d'appels", "reco vocale en atelier bruyant"],
        ["speech-to-text on call recordings", "ASR for noisy shop floors"],
        ["on enregistre les appels mais personne ne les réécoute jamais"],
        ["we record every call but nobody ever listens back"],
        0.15,
    ),
    "genai-text/rag": (
        [
            "assistant conversationnel branché sur la doc interne",
            "RAG sur notre base de connaissances",
            "chatbot qui cite ses sources maison",
        ],
        [
            "retrieval-augmented assistant over internal wikis",
            "LLM answering from our knowledge base",
            "chatbot grounded in company docs",
        ],
        ["les nouveaux arrivants posent toujours les mêmes questions aux mêmes collègues"],
        ["new hires keep asking the same colleagues the same questions"],
        1.5,
    ),
    "genai-text/finetune": (
        [
            "affiner un petit modèle de langue sur nos textes",
            "adaptateurs LoRA sur un modèle open-weight",
        ],
        ["fine-tuning a small language model in-house", "LoRA adapters on open-weight checkpoints"],
        ["on veut un modèle qui parle notre jargon sans envoyer nos données dehors"],
        ["we want a model that speaks our jargon without sending data outside"],
        0.2,
    ),
    "computer-vision/controle": (
        [
            "contrôle qualité visuel en sortie de ligne",
            "repérer les défauts sur photos de pièces",
            "inspection auto par caméra",
        ],
        [
            "visual QC at the end of the line",
            "defect spotting on part photos",
            "camera-based automated inspection",
        ],
        ["des pièces rayées passent au travers du contrôle et reviennent en SAV"],
        ["scratched parts slip past inspection and come back as returns"],
        1.2,
    ),
    "computer-vision/satellite": (
        ["images satellite pour suivre les cultures", "télédétection et indices de végétation"],
        ["remote sensing for crop monitoring", "satellite imagery and NDVI stacks"],
        ["suivre l'état de nos parcelles sans faire des kilomètres"],
        ["keep an eye on our fields without driving out to them"],
        0.15,
    ),
    "recommender-systems/reco": (
        [
            "suggestions de produits sur le site",
            "filtrage collaboratif pour la boutique en ligne",
            "moteur de reco perso",
        ],
        [
            "product suggestions on the web shop",
            "collaborative filtering for the catalogue",
            "personalised recs engine",
        ],
        ["nos clients ne trouvent jamais les articles qui pourraient leur plaire"],
        ["customers never find the items they would actually like"],
        1.0,
    ),
    "causality/uplift": (
        [
            "mesurer l'effet réel d'une campagne, modèles d'uplift",
            "diff-in-diff sur des ouvertures de magasins",
        ],
        ["measuring the true lift of a campaign", "difference-in-differences on store openings"],
        ["on ne sait pas si la promo a vraiment fait vendre plus"],
        ["no idea whether the promo actually drove extra sales"],
        0.2,
    ),
    "statistics/abtest": (
        [
            "tests A/B et calcul d'effectifs",
            "plans d'expériences en ligne",
            "AB testing, puissance statistique",
        ],
        [
            "A/B tests and sample size maths",
            "online experiment design",
            "split testing and power analysis",
        ],
        ["on modifie le site au feeling sans savoir si c'est mieux"],
        ["we change the website on gut feeling with no idea if it helps"],
        1.1,
    ),
    "statistics/enquetes": (
        ["pondération et redressement d'enquêtes", "analyse de questionnaires"],
        ["survey weighting and raking", "questionnaire data analysis"],
        ["notre enquête de satisfaction ne représente que les clients râleurs"],
        ["our satisfaction survey only hears from the grumpy customers"],
        0.6,
    ),
    "optimisation/tournees": (
        [
            "optimiser les tournées de livraison",
            "VRP et recherche op",
            "calcul d'itinéraires pour camions",
        ],
        [
            "delivery route planning",
            "vehicle routing with OR solvers",
            "truck itinerary optimisation",
        ],
        ["nos chauffeurs font des détours et le gasoil coûte une fortune"],
        ["our drivers take detours and fuel costs a fortune"],
        0.9,
    ),
    "optimisation/plannings": (
        [
            "planification des équipes et des gardes",
            "programmation par contraintes pour les emplois du temps",
        ],
        ["staff rostering", "constraint programming for timetables"],
        ["faire le planning des infirmières prend deux jours chaque mois"],
        ["building the nurses' rota takes two days every month"],
        0.15,
    ),
    "data-engineering/pipelines": (
        [
            "pipelines d'ingestion orchestrés avec airflow",
            "ETL maison vers l'entrepôt",
            "flux de données batch et streaming",
        ],
        [
            "ingestion pipelines on Airflow",
            "ELT into the warehouse with dbt",
            "batch and streaming data flows",
        ],
        ["nos données arrivent en retard, incomplètes ou cassées"],
        ["our data lands late, incomplete or broken"],
        1.5,
    ),
    "dataviz/dashboards": (
        [
            "tableaux de bord pour le comex",
            "dataviz interactive sous Power BI",
            "rapports visuels automatisés",
        ],
        ["exec dashboards", "interactive charts in Power BI", "automated visual reporting"],
        ["la direction veut suivre les chiffres sans ouvrir un fichier Excel"],
        ["management wants to follow the numbers without opening a spreadsheet"],
        1.4,
    ),
    "mlops/deploiement": (
        [
            "mise en prod de modèles dans des conteneurs",
            "suivi de dérive des modèles en prod",
            "CI/CD pour le ML",
        ],
        [
            "shipping models to prod in containers",
            "monitoring model drift in production",
            "CI/CD for machine learning",
        ],
        ["notre modèle tourne encore sur le portable d'un stagiaire"],
        ["our model still runs on an intern's laptop"],
        1.0,
    ),
    "health-data/clinique": (
        ["données de dossiers patients et cohortes", "entrepôt de données hospitalier"],
        ["EHR data and patient cohorts", "hospital clinical data warehouse"],
        ["exploiter nos dossiers patients pour la recherche clinique"],
        ["use our patient records for clinical research"],
        0.2,
    ),
    "sport-analytics/charge": (
        ["suivi de la charge d'entraînement des joueurs", "données GPS de matchs"],
        ["player workload tracking", "match GPS tracking data"],
        ["nos joueurs se blessent tous en fin de saison"],
        ["our players all get injured late in the season"],
        0.15,
    ),
    "privacy-safety/anonymisation": (
        ["anonymisation et pseudonymisation de jeux de données", "confidentialité différentielle"],
        ["de-identification of datasets", "differential privacy"],
        ["on ne peut pas partager nos données à cause du RGPD"],
        ["GDPR keeps us from sharing our data"],
        0.2,
    ),
    "explicability/attributions": (
        [
            "expliquer les prédictions d'un modèle de scoring",
            "valeurs de Shapley et contributions des variables",
        ],
        ["explaining credit scoring predictions", "SHAP values and feature attributions"],
        ["le comité refuse un modèle qu'il ne comprend pas"],
        ["the committee rejects a model it cannot understand"],
        0.7,
    ),
    "bias-fairness/recrutement": (
        ["audit d'équité d'un algo de recrutement", "mesure des biais entre groupes"],
        ["fairness audit of a hiring model", "measuring bias across groups"],
        ["notre tri de CV défavorise-t-il les femmes ?"],
        ["does our CV screening disadvantage women?"],
        0.15,
    ),
    "frugal-ai/embarque": (
        ["modèles compressés pour microcontrôleurs", "quantification et distillation de réseaux"],
        ["TinyML on microcontrollers", "quantisation and distillation of networks"],
        ["faire tourner la détection sur un boîtier sans réseau"],
        ["run detection on a box with no network at all"],
        0.15,
    ),
}
# Generalists' work at the parent tag, in this club's words (no sub-topic).
VERGER_GENERAL: dict[str, tuple[list[str], list[str]]] = {
    "machine-learning": (["du ML généraliste, surtout du tabulaire", "gradient boosting et compagnie"],
                         ["general-purpose ML, mostly tabular", "xgboost and friends"]),
    "statistics": (["stats appliquées, modèles linéaires", "biostat de formation"],
                   ["applied stats, linear models", "trained as a biostatistician"]),
    "data-analytics": (["analyses ad hoc pour les métiers", "requêtes SQL et KPI"],
                       ["ad hoc analysis for business teams", "SQL queries and KPIs"]),
}  # fmt: skip
# How people say their level, in their own words (some say nothing: level -> None).
VERGER_LEVELS = {
    "fr": {
        4: ["Référente interne sur {x}, je forme les autres.", "J'ai monté l'équipe qui fait {x}."],
        3: ["Plusieurs années à faire {x} pour de vrai.", "{x} : mis en prod plusieurs fois."],
        2: ["Je fais pas mal de {x} en ce moment.", "Un peu de {x} au boulot."],
        1: ["J'ai touché à {x} en formation.", "Vu {x} dans un tuto, sans plus."],
    },
    "en": {
        4: ["In-house go-to for {x}, I coach the others.", "Built the team behind our {x}."],
        3: ["Several years doing {x} for real.", "Shipped {x} more than once."],
        2: ["Doing a fair bit of {x} lately.", "Some {x} at work."],
        1: ["Touched {x} during a course.", "Did one tutorial on {x}."],
    },
}
VERGER_WISH = {
    "fr": ["J'aimerais m'y mettre : {x}.", "À creuser un jour : {x}."],
    "en": ["Keen to pick up {x}.", "On my learning list: {x}."],
}
VERGER_INTRO = {
    "fr": ["Data scientist dans une PME.", "Ingé data côté industrie.", "Analyste, reconvertie."],
    "en": [
        "Data person at a scale-up.",
        "Engineer turned analyst.",
        "Freelance, mostly consulting.",
    ],
}
VERGER_CASE = {
    "fr": [
        "{p}. Quelqu'un a déjà fait ça ?",
        "Besoin d'un coup de main : {p}.",
        "{p} ; on pense à {x}.",
    ],
    "en": ["{p}. Has anyone done this?", "Looking for help: {p}.", "{p}; thinking of {x}."],
}


def verger(
    seed: int = 707, n_people: int = 500, n_cases: int = 180, *, with_truth: bool = True
) -> Club:
    rng = random.Random(seed)
    topics = list(VERGER_WORDS)
    popularity = [VERGER_WORDS[t][4] for t in topics]
    orgs, org_weights = organisations(rng, 35, "Verger")
    docs, truths, generals, wishes, languages = [], [], [], [], {}
    for pid in range(n_people):
        lang = "fr" if rng.random() < 0.5 else "en"
        count = rng.choice([1, 1, 1, 2, 2, 3])
        chosen: set[str] = set()
        while len(chosen) < count:
            chosen.add(rng.choices(topics, popularity)[0])
        truth = {t: rng.choices([1, 2, 3, 4], [0.25, 0.35, 0.25, 0.15])[0] for t in sorted(chosen)}
        general: dict[str, int] = {}
        if rng.random() < 0.15:
            general[rng.choice(sorted(VERGER_GENERAL))] = rng.choice([2, 3, 3, 4])
        wish = {rng.choice(topics)} - set(truth) if rng.random() < 0.35 else set()
        phrases = [(VERGER_WORDS[t][:2], level) for t, level in truth.items()]
        phrases += [(VERGER_GENERAL[g], level) for g, level in general.items()]
        style = rng.random()
        if style < 0.3:  # a spreadsheet cell: both languages, no level cue
            lang = "mix"
            cells = [rng.choice(words[rng.random() < 0.5]) for words, _ in phrases]
            cells += ["à creuser: " + rng.choice(VERGER_WORDS[t][1]) for t in sorted(wish)]
            rng.shuffle(cells)
            text = noisy(rng, " / ".join(cells), 0.06)
        else:
            i = 0 if lang == "fr" else 1
            sentences = [rng.choice(VERGER_INTRO[lang])] if rng.random() < 0.6 else []
            for words, level in phrases:
                x = rng.choice(words[i])
                if rng.random() < 0.25:  # no level cue: "I do x."
                    sentences.append(x[0].upper() + x[1:] + ".")
                else:
                    sentences.append(rng.choice(VERGER_LEVELS[lang][level]).format(x=x))
            for t in sorted(wish):
                x = rng.choice(VERGER_WORDS[t][i])
                sentences.append(rng.choice(VERGER_WISH[lang]).format(x=x))
            rng.shuffle(sentences)
            text = noisy(rng, " ".join(sentences), 0.04)
        tag_levels = dict(general)
        for t, level in truth.items():
            tag_levels[tag_of(t)] = max(tag_levels.get(tag_of(t), 0), level)
        skills = declare(rng, tag_levels, missing=0.4, parent_only=0.5, off_by_one=0.3,
                         spurious=0.1)  # fmt: skip
        interests = {tag_of(t) for t in wish if rng.random() < 0.5}
        org = rng.choices(orgs, org_weights)[0]
        spoken = ({lang} if lang != "mix" else {"fr", "en"}) | (
            {"fr", "en"} if rng.random() < 0.5 else set()
        )
        docs.append(person_doc(pid, rng, text, skills, interests, org, spoken))
        truths.append(truth)
        generals.append(general)
        wishes.append(wish)
        languages[pid] = lang
    cases = []
    for _ in range(n_cases):
        lang = "fr" if rng.random() < 0.5 else "en"
        topic = rng.choice(topics)  # evenly over sub-topics, rare ones included
        tag = tag_of(topic)
        fr_words, en_words, fr_problems, en_problems, _ = VERGER_WORDS[topic]
        words, problems = (fr_words, fr_problems) if lang == "fr" else (en_words, en_problems)
        kind = rng.random()
        if kind < 0.45:  # the requester's problem, no method named
            text = rng.choice(problems)
        elif kind < 0.7:  # a bare phrase
            text = rng.choice(words)
        else:
            p, x = rng.choice(problems), rng.choice(words)
            text = rng.choice(VERGER_CASE[lang]).format(p=p[0].upper() + p[1:], x=x)
        text = noisy(rng, text, 0.04)
        query = case_query(rng, text, {tag} if rng.random() < 0.6 else set(), lang, orgs)
        near = {t for t, d in TAXONOMY.descendants(tag) if d == 1}
        if TAXONOMY.parent.get(tag):
            near.add(TAXONOMY.parent[tag])
        relevance = {}
        for doc, truth, general, wish in (
            zip(docs, truths, generals, wishes, strict=True) if with_truth else ()
        ):
            if doc.organisation in query.exclude_organisations:
                continue
            # Graded per sub-topic, with a little credit for a strong neighbour: a sibling
            # sub-topic of the tag, a sub-topic of the parent or a child tag, or a generalist
            # of the tag or its parent.
            level = truth.get(topic, 0)
            neighbour = max(
                [lvl for t, lvl in truth.items() if t != topic and tag_of(t) in near | {tag}]
                + [lvl for g, lvl in general.items() if g in near | {tag}],
                default=0,
            )
            grade = (
                3
                if level >= 3
                else 2
                if level == 2
                else 1
                if level == 1 or topic in wish or neighbour >= 3
                else 0
            )
            if grade:
                relevance[doc.id] = grade
        cases.append(Case(query, relevance, (topic,), lang))
    club = Club("verger", docs, cases, languages)
    for truth in truths:
        for t in truth:
            club.topic_people[t] = club.topic_people.get(t, 0) + 1
    return club


# --- glane (dev, since the seventh change) ------------------------------------------------------
# A club whose members write little: a spreadsheet's "what I do" column, a few words to a cell,
# cells separated by ";" or "/", French, English or both; most members declare no skill. Truth
# per tag. Written for this set alone, without atelier's or verger's lists or the vocabulary.
# tag -> (French cells, English cells, what a learner names, popularity)
GLANE_WORDS: dict[str, tuple[list[str], list[str], tuple[str, str], float]] = {
    "time-series": (
        [
            "séries de capteurs usine",
            "signaux de vibration",
            "détection de pics de conso",
            "données horodatées bourse",
            "lissage de courbes de charge",
        ],
        [
            "sensor streams",
            "vibration signals",
            "spikes in power usage",
            "tick data",
            "smoothing load curves",
        ],
        ("les séries temporelles", "time series"),
        1.0,
    ),
    "forecasting": (
        [
            "prévisions de la demande hôtelière",
            "prévoir les ventes en magasin",
            "prévision des appels au SAV",
            "prévi trafic routier",
            "prévoir les stocks",
        ],
        [
            "hotel demand forecasts",
            "store sales projections",
            "call volume forecasts",
            "traffic predictions",
            "stock level projections",
        ],
        ("la prévision", "forecasting"),
        1.0,
    ),
    "nlp": (
        [
            "tri automatique des mails clients",
            "extraction d'entités dans des contrats",
            "analyse des verbatims",
            "classement de tickets",
            "résumé de comptes rendus",
        ],
        [
            "auto-sorting customer emails",
            "entity extraction from contracts",
            "survey free-text analysis",
            "ticket classification",
            "meeting notes summaries",
        ],
        ("le traitement du langage", "language processing"),
        1.0,
    ),
    "genai-text": (
        [
            "chatbot interne sur la doc",
            "assistant LLM pour le support",
            "prompts et agents",
            "RAG sur la base documentaire",
        ],
        [
            "internal docs chatbot",
            "LLM support assistant",
            "prompting and agents",
            "retrieval over our wiki",
        ],
        ("les LLM", "LLMs"),
        0.8,
    ),
    "computer-vision": (
        [
            "contrôle qualité par caméra",
            "comptage de palettes sur photos",
            "lecture de plaques",
            "défauts sur images de pièces",
        ],
        [
            "camera-based quality checks",
            "counting pallets on photos",
            "plate reading",
            "part defects in images",
        ],
        ("la vision par ordinateur", "computer vision"),
        0.8,
    ),
    "recommender-systems": (
        ["suggestions produits e-commerce", "recos de contenus", "moteur de suggestions"],
        ["product suggestions for a web shop", "content recs", "what-to-watch-next engine"],
        ("la recommandation", "recommendation"),
        0.5,
    ),
    "causality": (
        [
            "effet réel des promos",
            "impact d'une politique publique",
            "expériences naturelles",
            "uplift marketing",
        ],
        [
            "true effect of discounts",
            "policy impact evaluation",
            "natural experiments",
            "marketing uplift",
        ],
        ("la causalité", "causal inference"),
        0.35,
    ),
    "statistics": (
        [
            "sondages et redressement",
            "tests A/B",
            "modèles mixtes en agronomie",
            "intervalles de confiance pour le labo",
        ],
        [
            "survey weighting",
            "A/B tests",
            "mixed models for field trials",
            "confidence intervals for the lab",
        ],
        ("les statistiques", "statistics"),
        0.9,
    ),
    "optimisation": (
        [
            "tournées de livraison",
            "plannings d'infirmières",
            "chargement de camions",
            "affectation de salles",
        ],
        ["delivery rounds", "nurse schedules", "truck loading", "room assignment"],
        ("la recherche opérationnelle", "operations research"),
        0.5,
    ),
    "dataviz": (
        ["tableaux de bord pour la direction", "cartes interactives", "graphes pour la presse"],
        ["exec dashboards", "interactive maps", "charts for newsrooms"],
        ("la dataviz", "data visualisation"),
        0.9,
    ),
    "data-analytics": (
        ["reporting mensuel ventes", "analyses ad hoc SQL", "suivi des KPI"],
        ["monthly sales reporting", "ad hoc SQL analysis", "KPI tracking"],
        ("l'analyse de données", "analytics"),
        1.0,
    ),
    "data-engineering": (
        ["pipelines d'ingestion", "flux Kafka", "entrepôt de données", "ETL nocturnes"],
        ["ingestion pipelines", "Kafka streams", "data warehouse", "nightly ETL jobs"],
        ("le data engineering", "data engineering"),
        0.9,
    ),
    "mlops": (
        ["mise en prod de modèles", "surveillance de dérive", "registre de modèles"],
        ["putting models in production", "drift monitoring", "model registry"],
        ("le MLOps", "MLOps"),
        0.6,
    ),
    "explicability": (
        ["expliquer un score de crédit", "valeurs de Shapley", "rendre un modèle lisible"],
        ["explaining a credit score", "Shapley values", "making a model readable"],
        ("l'explicabilité", "explainability"),
        0.3,
    ),
    "bias-fairness": (
        ["biais des modèles de recrutement", "équité des scores", "audit de discrimination"],
        ["bias in hiring models", "score fairness", "discrimination audits"],
        ("l'équité des modèles", "fairness"),
        0.25,
    ),
    "privacy-safety": (
        ["anonymisation de dossiers", "données synthétiques", "confidentialité différentielle"],
        ["record anonymisation", "synthetic data", "differential privacy"],
        ("la confidentialité", "privacy"),
        0.25,
    ),
    "health-data": (
        ["dossiers patients", "données d'essais cliniques", "parcours de soins"],
        ["patient records", "clinical trial data", "care pathways"],
        ("la santé", "health data"),
        0.5,
    ),
    "sport-analytics": (
        ["charge des joueurs", "stats de match", "suivi GPS des athlètes"],
        ["player workload", "match stats", "athlete GPS tracking"],
        ("le sport", "sports analytics"),
        0.2,
    ),
    "frugal-ai": (
        ["modèles sur microcontrôleur", "réduire la taille des réseaux", "IA embarquée"],
        ["models on microcontrollers", "shrinking networks", "on-device AI"],
        ("l'IA frugale", "frugal AI"),
        0.2,
    ),
    "genai-images": (
        ["génération d'images produit", "diffusion pour visuels marketing"],
        ["product image generation", "diffusion for marketing visuals"],
        ("la génération d'images", "image generation"),
        0.2,
    ),
    "law-regulation": (
        ["conformité RGPD", "AI Act et obligations"],
        ["GDPR compliance", "AI Act obligations"],
        ("le droit des données", "data law"),
        0.2,
    ),
}
# Generalists: a level on a parent tag, written as a job line.
GLANE_GENERAL = {
    "machine-learning": (
        ["modèles prédictifs en tout genre", "ML classique"],
        ["all-round predictive modelling", "classic ML"],
    ),
    "statistics": (["statisticienne de formation"], ["trained statistician"]),
}
GLANE_JOB = {
    "fr": ["Analyste", "Data sci", "Ingé données", "Doctorante", "Consultant", "Chef de projet"],
    "en": ["Analyst", "Data sci", "Data eng", "PhD student", "Consultant", "PM"],
}
GLANE_SEEK = {
    "fr": ["cherche des pairs sur {x}", "envie d'apprendre {x}", "curieuse de {x}"],
    "en": ["looking for peers on {x}", "want to learn {x}", "curious about {x}"],
}
GLANE_CUE = {  # a rare few words of level
    "fr": {4: "(référent)", 3: "(5 ans)", 2: "", 1: "(débutant)"},
    "en": {4: "(lead)", 3: "(5 yrs)", 2: "", 1: "(beginner)"},
}
GLANE_ASK = {
    "fr": ["{p} : qui a déjà fait ?", "{p}", "Besoin d'aide : {p}", "{p}, des pistes ?"],
    "en": ["{p}: anyone done this?", "{p}", "Need help: {p}", "{p}, any pointers?"],
}


def glane(
    seed: int = 808, n_people: int = 500, n_cases: int = 180, *, with_truth: bool = True
) -> Club:
    """Terse bios and cases (a few words a cell), truth per tag, most members declare no skill."""
    rng = random.Random(seed)
    tags = list(GLANE_WORDS)
    popularity = [GLANE_WORDS[t][3] for t in tags]
    orgs, org_weights = organisations(rng, 40, "Glane")
    docs, truths, wishes, languages = [], [], [], {}
    for pid in range(n_people):
        style = rng.random()
        lang = "fr" if style < 0.45 else "en" if style < 0.8 else "mix"
        count = rng.choice([1, 1, 2, 2, 3])
        chosen: set[str] = set()
        while len(chosen) < count:
            chosen.add(rng.choices(tags, popularity)[0])
        truth = {t: rng.choices([1, 2, 3, 4], [0.25, 0.35, 0.25, 0.15])[0] for t in sorted(chosen)}
        general = {}
        if rng.random() < 0.12:
            general[rng.choice(sorted(GLANE_GENERAL))] = rng.choice([2, 3, 4])
        wish = {rng.choice(tags)} - set(truth) if rng.random() < 0.3 else set()
        cells = []
        for t, level in truth.items():
            if rng.random() < 0.15:  # a topic the bio does not mention at all
                continue
            cell_lang = lang if lang != "mix" else rng.choice(["fr", "en"])
            cell = rng.choice(GLANE_WORDS[t][0 if cell_lang == "fr" else 1])
            if rng.random() < 0.2 and GLANE_CUE[cell_lang][level]:
                cell += " " + GLANE_CUE[cell_lang][level]
            cells.append(cell)
        for g in general:
            cell_lang = lang if lang != "mix" else rng.choice(["fr", "en"])
            cells.append(rng.choice(GLANE_GENERAL[g][0 if cell_lang == "fr" else 1]))
        for t in sorted(wish):
            cell_lang = lang if lang != "mix" else rng.choice(["fr", "en"])
            i = 0 if cell_lang == "fr" else 1
            cells.append(rng.choice(GLANE_SEEK[cell_lang]).format(x=GLANE_WORDS[t][2][i]))
        rng.shuffle(cells)
        if rng.random() < 0.3:
            cells.insert(0, rng.choice(GLANE_JOB[lang if lang != "mix" else "fr"]))
        text = rng.choice(["; ", " / ", ", "]).join(cells)
        text = noisy(rng, text[:1].upper() + text[1:], 0.05)
        tag_levels = dict(general)
        for t, level in truth.items():
            tag_levels[t] = max(tag_levels.get(t, 0), level)
        skills = declare(rng, tag_levels, missing=0.55, parent_only=0.3, off_by_one=0.3,
                         spurious=0.1)  # fmt: skip
        interests = {t for t in wish if rng.random() < 0.4}
        org = rng.choices(orgs, org_weights)[0]
        spoken = ({lang} if lang != "mix" else {"fr", "en"}) | (
            {"fr", "en"} if rng.random() < 0.4 else set()
        )
        docs.append(person_doc(pid, rng, text, skills, interests, org, spoken))
        truths.append(tag_levels)
        wishes.append(wish)
        languages[pid] = lang
    cases = []
    for _ in range(n_cases):
        lang = "fr" if rng.random() < 0.5 else "en"
        tag = rng.choice(tags)  # evenly over tags, rare ones included
        p = rng.choice(GLANE_WORDS[tag][0 if lang == "fr" else 1])
        text = rng.choice(GLANE_ASK[lang]).format(p=p[:1].upper() + p[1:])
        text = noisy(rng, text, 0.04)
        query = case_query(rng, text, {tag} if rng.random() < 0.5 else set(), lang, orgs)
        parent = TAXONOMY.parent.get(tag)
        children = {t for t, d in TAXONOMY.descendants(tag) if d == 1}
        relevance = {}
        for doc, truth, wish in zip(docs, truths, wishes, strict=True) if with_truth else ():
            if doc.organisation in query.exclude_organisations:
                continue
            # Per tag: the case's tag itself; a specialist of a child tag knows much of it,
            # a generalist of the parent a little, and so does someone who wants to learn it.
            level = truth.get(tag, 0)
            child = max((truth.get(c, 0) for c in children), default=0)
            up = truth.get(parent, 0) if parent else 0
            grade = (
                3
                if level >= 3
                else 2
                if level == 2 or child >= 3
                else 1
                if level == 1 or child == 2 or up >= 3 or tag in wish
                else 0
            )
            if grade:
                relevance[doc.id] = grade
        cases.append(Case(query, relevance, (tag,), lang))
    club = Club("glane", docs, cases, languages)
    for truth in truths:
        for t in truth:
            if t in GLANE_WORDS:
                club.topic_people[t] = club.topic_people.get(t, 0) + 1
    return club


GENERATORS = {"atelier": atelier, "conseil": conseil, "tableur": tableur, "demo": demo}
DEV = "atelier"
# The dev set's second part (since 2026-12-05): tuned on with atelier, never reported as held-out.
DEV_EXTRA = {"fratrie": fratrie, "souche": souche, "verger": verger, "glane": glane}
