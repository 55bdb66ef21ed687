"""The starting bilingual vocabulary of each taxonomy tag and its sub-areas.

slug -> sub-area -> (French terms, English terms); the sub-area "" holds the
tag's general terms. Terms are methods, problems, data and tools, written the
way people write them in bios and cases; matching stems them like any text
(plurals, accents and case do not matter). The data migration
`0002_vocabulary` copies this into `matching.Vocabulary`, which staff then edit
in the admin; the engine reads the database rows (see `index.vocabulary_rows`),
and this module only when there is no database (tests, benchmarks).
"""

from __future__ import annotations

VOCABULARY: dict[str, dict[str, tuple[str, str]]] = {
    "data-engineering": {
        "": (
            "ingénierie des données, flux de données, chargement de données, entrepôt, jobs batch",
            "data pipeline, data flows, batch jobs, data loading, data ingestion",
        ),
        "pipelines": (
            "orchestration, ordonnanceur, ingestion, chargements nocturnes, transformation SQL",
            "orchestration, scheduler, Airflow, Dagster, dbt, ELT, ingestion, nightly loads",
        ),
        "streaming": (
            "flux temps réel, données en continu, file de messages",
            "streaming, Kafka, real-time data, event streams, Flink, change data capture",
        ),
    },
    "data-governance": {
        "": (
            "gouvernance, référentiel, données de référence, dictionnaire des données, doublons",
            "master data, reference data, data dictionary, data stewardship, lineage",
        ),
        "quality": (
            "qualité des données, dédoublonnage, règles de qualité, fiabilisation",
            "data quality, deduplication, data cleaning, quality rules, record linkage",
        ),
    },
    "data-analytics": {
        "": (
            "analyse de données, indicateurs, tableaux croisés, études ad hoc, reporting",
            "analytics, KPI, reporting, ad hoc analysis, business questions, metrics",
        ),
        "bi": (
            "informatique décisionnelle, tableaux de bord, reporting financier",
            "business intelligence, Power BI, Tableau, Looker, Qlik, self-service BI, dashboards",
        ),
    },
    "data-infrastructure": {
        "": (
            "infrastructure de données, plateforme de données, grappes de calcul, téraoctets",
            "data platform, compute clusters, terabytes, Hadoop, Spark",
        ),
        "cloud": (
            "entrepôt de données dans le cloud, lac de données, migration cloud",
            "cloud data warehouse, Snowflake, BigQuery, Databricks, lakehouse, data lake, S3",
        ),
    },
    "mlops": {
        "": (
            "mise en production, industrialisation des modèles, déploiement de modèles",
            "model deployment, productionising models, model serving, model registry",
        ),
        "monitoring": (
            "surveillance des modèles, dérive, réentraînement, suivi des modèles",
            "model monitoring, drift, data drift, retraining, MLflow, experiment tracking",
        ),
    },
    "devops": {
        "": (
            "intégration continue, déploiement continu, conteneurs, infrastructure as code",
            "continuous integration, continuous delivery, containers, Kubernetes, Docker, "
            "Terraform, GitLab CI, GitHub Actions, Helm",
        ),
    },
    "web": {
        "": (
            "développement web, application web, site, interface, API",
            "web app, front end, back end, REST API, React, Django, JavaScript, TypeScript",
        ),
    },
    "machine-learning": {
        "": (
            "apprentissage automatique, apprentissage supervisé, classification, régression, "
            "modèles prédictifs, réseaux de neurones",
            "machine learning, supervised learning, classification, predictive models, "
            "neural networks, scikit-learn, PyTorch, TensorFlow",
        ),
        "tabular": (
            "gradient boosting, forêts aléatoires, scoring, données tabulaires",
            "gradient boosting, XGBoost, LightGBM, CatBoost, random forest, tabular data, scoring",
        ),
        "churn": (
            "attrition, résiliation, fidélisation, départ des clients",
            "churn, attrition, customer retention, churn prediction",
        ),
        "fraud": (
            "détection de fraude, transactions suspectes, classes déséquilibrées",
            "fraud detection, suspicious transactions, imbalanced classes, anomaly scoring",
        ),
    },
    "time-series": {
        "": (
            "séries temporelles, séries chronologiques, saisonnalité, tendance, données horodatées",
            "time series, seasonality, trend, timestamped data, temporal data, LSTM",
        ),
        "demand-forecasting": (
            "prévision de la demande, prévision des ventes, ARIMA, lissage exponentiel",
            "demand forecasting, sales forecast, ARIMA, SARIMA, exponential smoothing, Prophet",
        ),
        "anomalies": (
            "détection d'anomalies, ruptures, capteurs, signaux, relevés, maintenance prédictive",
            "anomaly detection, change point, sensors, signals, readings, predictive maintenance, "
            "IoT",
        ),
    },
    "nlp": {
        "": (
            "traitement du langage, analyse de texte, corpus, textes, verbatims",
            "natural language processing, text analysis, text mining, corpus, transformers, BERT, "
            "spaCy",
        ),
        "extraction": (
            "extraction d'information, entités nommées, classification de textes, "
            "classement de courriels",
            "information extraction, named entities, NER, text classification, e-mail triage",
        ),
        "search": (
            "recherche sémantique, moteur de recherche, plongements, similarité de documents",
            "semantic search, search engine, embeddings, document similarity, retrieval",
        ),
        "sentiment": (
            "analyse de sentiment, avis clients, opinions, verbatims d'enquête",
            "sentiment analysis, customer reviews, opinion mining, topic modelling, survey comments",
        ),
        "legal": (
            "analyse de contrats, clauses contractuelles, décisions de justice, textes juridiques",
            "contract analysis, contract clauses, court decisions, legal documents, legal text",
        ),
    },
    "computer-vision": {
        "": (
            "vision par ordinateur, images, caméras, vidéo, photos",
            "computer vision, images, cameras, video, photos, CNN, OpenCV",
        ),
        "detection": (
            "détection d'objets, segmentation, contrôle qualité visuel, défauts, comptage",
            "object detection, segmentation, YOLO, visual inspection, defects, counting",
        ),
        "documents": (
            "lecture de documents, OCR, factures scannées, formulaires",
            "OCR, document reading, scanned invoices, forms, handwriting recognition",
        ),
    },
    "frugal-ai": {
        "": (
            "IA frugale, modèles légers, sobriété, distillation, quantification, compression",
            "frugal AI, small models, distillation, quantization, pruning, model compression, "
            "edge devices, embedded",
        ),
    },
    "ethical-green-ai": {
        "": (
            "IA responsable, éthique, charte, impact environnemental, empreinte carbone, sobriété "
            "numérique",
            "responsible AI, ethics, ethical charter, environmental impact, carbon footprint, "
            "green IT, CodeCarbon",
        ),
    },
    "explicability": {
        "": (
            "explicabilité, interprétabilité, expliquer les décisions, boîte noire, valeurs de "
            "Shapley, contrefactuels",
            "explainability, interpretability, explain decisions, black box, SHAP, LIME, "
            "counterfactual explanations, feature importance",
        ),
    },
    "privacy-safety": {
        "": (
            "données personnelles, confidentialité, pseudonymisation, anonymisation, chiffrement",
            "personal data, privacy, pseudonymisation, anonymisation, differential privacy, "
            "encryption, data leaks",
        ),
    },
    "genai-images": {
        "": (
            "génération d'images, images synthétiques, visuels générés, modèles de diffusion",
            "image generation, synthetic images, diffusion models, Stable Diffusion, Midjourney, "
            "DALL-E, GAN",
        ),
    },
    "genai-text": {
        "": (
            "IA générative, grands modèles de langage, assistant conversationnel, agents",
            "generative AI, large language models, LLM, chatbot, GPT, Mistral, Llama, agents",
        ),
        "rag": (
            "génération augmentée, recherche documentaire, base documentaire",
            "retrieval augmented generation, RAG, knowledge base, document assistant",
        ),
        "prompting": (
            "ingénierie de prompt, ajustement fin, évaluation des réponses",
            "prompt engineering, prompting, fine-tuning, LoRA, LLM evaluation",
        ),
    },
    "causality": {
        "": (
            "causalité, inférence causale, effet causal, contrefactuel, effet du traitement",
            "causal inference, causal effects, counterfactual, treatment effect, uplift",
        ),
        "experiments": (
            "tests A/B, expérimentation, expériences randomisées, essais contrôlés",
            "A/B testing, experimentation, randomised experiments, controlled trials",
        ),
        "observational": (
            "doubles différences, score de propension, variables instrumentales, contrôle "
            "synthétique, évaluation de politiques",
            "difference in differences, propensity score, instrumental variables, synthetic "
            "control, policy evaluation",
        ),
        "marketing": (
            "effet des promotions, incrémentalité, mix marketing",
            "uplift modelling, incrementality, marketing mix modelling, promotion effects",
        ),
    },
    "forecasting": {
        "": (
            "prévision, prévisions, projections, prévoir les volumes, planification",
            "forecasting, forecast, projections, prediction of volumes, planning",
        ),
        "supply": (
            "stocks, réapprovisionnement, volumes de commandes, chaîne logistique",
            "inventory, replenishment, order volumes, supply chain, demand planning",
        ),
        "energy": (
            "consommation électrique, charge du réseau, production d'énergie",
            "electricity consumption, power load, grid load, energy demand",
        ),
        "tourism": (
            "taux d'occupation, remplissage, hôtellerie, réservations",
            "occupancy rate, hotel bookings, RevPAR, reservations",
        ),
    },
    "recommender-systems": {
        "": (
            "recommandation, systèmes de recommandation, filtrage collaboratif, personnalisation, "
            "suggestions",
            "recommendation, recommender systems, collaborative filtering, personalisation, "
            "next best offer, ranking",
        ),
    },
    "bias-fairness": {
        "": (
            "biais, équité, discrimination, parité, groupes protégés, audit algorithmique",
            "bias, fairness, discrimination, parity, protected groups, disparate impact, "
            "algorithmic audit",
        ),
    },
    "statistics": {
        "": (
            "statistiques, tests d'hypothèses, intervalles de confiance, régression, inférence, "
            "échantillonnage",
            "statistics, hypothesis testing, confidence intervals, regression, inference, "
            "sampling, Bayesian",
        ),
        "surveys": (
            "sondages, redressement, échantillon, panels, enquêtes",
            "surveys, weighting, samples, panel data, questionnaires",
        ),
    },
    "optimisation": {
        "": (
            "optimisation, recherche opérationnelle, programmation linéaire, solveur, contraintes",
            "optimization, operations research, linear programming, solver, constraints, MILP, "
            "Gurobi, OR-Tools",
        ),
        "routing": (
            "tournées, itinéraires, livraisons, transport",
            "vehicle routing, routes, delivery, transport planning",
        ),
        "scheduling": (
            "ordonnancement, planification de production, affectation, plannings",
            "scheduling, production planning, assignment, rostering, timetabling",
        ),
    },
    "dataviz": {
        "": (
            "visualisation de données, graphiques, cartes, storytelling, infographies",
            "data visualisation, charts, maps, storytelling, D3.js, Plotly, dashboards",
        ),
    },
    "sport-analytics": {
        "": (
            "sport, athlètes, entraînement, performance sportive, matchs, blessures",
            "sport, athletes, training load, sports performance, matches, injuries, GPS tracking",
        ),
    },
    "health-data": {
        "": (
            "données de santé, patients, hôpital, essais cliniques, dossiers médicaux, parcours de "
            "soins, SNDS",
            "health data, patients, hospital, clinical trials, medical records, EHR, care "
            "pathways, epidemiology",
        ),
    },
    "law-regulation": {
        "": (
            "réglementation, conformité, RGPD, juristes, obligations légales, AI Act",
            "regulation, compliance, GDPR, lawyers, legal obligations, AI Act, DPO",
        ),
    },
    "data-strategy": {
        "": (
            "stratégie data, feuille de route, transformation data, acculturation, gouvernance",
            "data strategy, roadmap, data transformation, data literacy, data office, CDO",
        ),
    },
}


def vocabulary_rows() -> list[tuple[str, str, str, str]]:
    """(slug, sub-area, French terms, English terms) rows of the starting vocabulary."""
    return [
        (slug, sub, fr, en) for slug, subs in VOCABULARY.items() for sub, (fr, en) in subs.items()
    ]
