"""The club's starting taxonomy: (slug, French, English, synonyms, parent slug).

The first seventeen are the club's own list; the rest come from its cases and
seeds. Staff edit the taxonomy afterwards in the admin.
"""

TAXONOMY: list[tuple[str, str, str, str, str | None]] = [
    ("data-engineering", "Ingénierie des données", "Data Engineering", "ETL, pipelines, data pipelines, ingénierie data", None),
    ("data-governance", "Gouvernance des données", "Data Governance", "data quality, qualité des données, catalogue de données, data catalog", None),
    ("data-analytics", "Analyse de données", "Data Analytics", "analytics, BI, business intelligence, data analysis", None),
    ("data-infrastructure", "Infrastructure de données", "Data Infrastructure", "data platform, big data, cloud data, data lake, datalake, spark", None),
    ("mlops", "MLOps", "MLOps", "ML ops, mise en production, model deployment, déploiement de modèles", None),
    ("devops", "DevOps", "DevOps", "CI/CD, infrastructure as code, kubernetes, docker", None),
    ("web", "Web", "Web", "web development, développement web, frontend, backend", None),
    ("machine-learning", "Apprentissage automatique", "Machine Learning", "ML, apprentissage machine, machine-learning, deep learning, apprentissage profond", None),
    ("time-series", "Séries temporelles", "Time Series", "time-series, séries chronologiques, timeseries, temporal data", "machine-learning"),
    ("nlp", "Traitement automatique du langage", "NLP", "natural language processing, TAL, TALN, text mining, traitement du langage", "machine-learning"),
    ("computer-vision", "Vision par ordinateur", "Computer Vision", "CV, vision, image recognition, reconnaissance d'images, imagerie", "machine-learning"),
    ("frugal-ai", "IA frugale", "Frugal AI", "sobriété, frugal, small data, green computing", None),
    ("ethical-green-ai", "IA éthique et verte", "Ethical/Green AI", "ethical AI, IA éthique, IA responsable, responsible AI, green AI, IA verte, numérique responsable", None),
    ("explicability", "Explicabilité", "Explicability", "explainability, XAI, interprétabilité, interpretability, SHAP, LIME", "machine-learning"),
    ("privacy-safety", "Confidentialité et sûreté", "Privacy/Safety", "privacy, vie privée, sécurité, safety, differential privacy, anonymisation, anonymization", None),
    ("genai-images", "IA générative (images)", "Generative AI (images)", "image generation, diffusion, stable diffusion, génération d'images", "machine-learning"),
    ("genai-text", "IA générative (texte)", "Generative AI (text)", "LLM, LLMs, large language models, ChatGPT, GPT, RAG, génération de texte, grands modèles de langage", "nlp"),
    ("causality", "Causalité", "Causality", "causal inference, inférence causale, causal, causalité, uplift", "statistics"),
    ("forecasting", "Prévision", "Forecasting", "prévisions, demand forecasting, prévision des ventes, sales forecasting", "time-series"),
    ("recommender-systems", "Systèmes de recommandation", "Recommender Systems", "recommendation, recommandation, recsys, recommender", "machine-learning"),
    ("bias-fairness", "Biais et équité", "Bias & Fairness", "bias, biais, fairness, équité, discrimination, algorithmic fairness", "ethical-green-ai"),
    ("statistics", "Statistiques", "Statistics", "stats, statistique, bayesian, bayésien, econometrics, économétrie", None),
    ("optimisation", "Optimisation", "Optimisation", "optimization, recherche opérationnelle, operations research, OR", None),
    ("dataviz", "Visualisation de données", "Dataviz", "data visualisation, data visualization, visualisation, tableaux de bord, dashboards", "data-analytics"),
    ("sport-analytics", "Données du sport", "Sport Analytics", "sport, sports analytics, sport de haut niveau, performance sportive", None),
    ("health-data", "Données de santé", "Health Data", "santé, health, medical data, données médicales, e-santé", None),
    ("law-regulation", "Droit et régulation", "Law & Regulation", "RGPD, GDPR, AI Act, Data Governance Act, DGA, régulation, regulation, droit, legal, conformité, compliance", None),
    ("data-strategy", "Stratégie data", "Data Strategy", "data strategy, stratégie données, CDO, chief data officer, acculturation", None),
]
