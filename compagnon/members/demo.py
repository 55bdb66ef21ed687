"""A fictional demo club: three bases, about thirty organisations, three hundred people.

`demo_club_load()` is what `manage.py load_demo` (and so `make run`) calls. It is

- idempotent: everything is found or created by its natural key (base slug,
  organisation slug or name, person email, person + tag), nothing existing is
  overwritten, and when the demo is already there it returns after three
  counting queries without writing anything;
- deterministic: the people come from `random.Random(DEMO_SEED)`, so every
  install gets the same club (dates that must stay in the future, such as
  "member until" or "don't invite me before", are counted from today).

The organisations named in the club's press coverage (Accor, Danone, INSEP…)
appear with their names, but every person is invented, every address is
under `example.org`, and every row is marked `is_demo`.
"""

from __future__ import annotations

import random
import unicodedata
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TextIO

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from compagnon.accounts.models import User
from compagnon.members.models import (
    Base,
    Interest,
    Language,
    MembershipPlan,
    MembershipStatus,
    MembershipType,
    Organisation,
    OrganisationKind,
    Person,
    RoleFamily,
    Skill,
    Tag,
    Visibility,
)
from compagnon.members.taxonomy import TAXONOMY

DEMO_SEED = 20200203  # the club opened its doors in February 2020
DEMO_PASSWORD = "demo-compagnon"
DEMO_PEOPLE_TOTAL = 300

STAFF_EMAIL = "animateur@demo.example.org"
DATA_SCIENTIST_EMAIL = "data.scientist@accor.example.org"
MANAGER_EMAIL = "manager@danone.example.org"
RESEARCHER_EMAIL = "chercheuse@example.org"

# --------------------------------------------------------------------------- bases

BASES: list[dict] = [
    {
        "slug": "paris",
        "name": "Paris",
        "city": "Paris",
        "country": "FR",
        "time_zone": "Europe/Paris",
        "address": "Sorbonne Center for Artificial Intelligence (SCAI)\n"
        "Campus Jussieu, 4 place Jussieu\n75005 Paris",
    },
    {
        "slug": "casablanca",
        "name": "Casablanca",
        "city": "Casablanca",
        "country": "MA",
        "time_zone": "Africa/Casablanca",
        "address": "",
    },
    {
        "slug": "new-york",
        "name": "New York",
        "city": "New York",
        "country": "US",
        "time_zone": "America/New_York",
        "address": "",
    },
]

# ------------------------------------------------------------------- organisations


@dataclass(frozen=True)
class OrgSpec:
    slug: str
    name: str
    kind: str
    plan: str
    base: str
    since: tuple[int, int]
    size: int
    description: str
    subject_fr: str  # what their data is about, as a French noun phrase with its article
    subject_en: str
    focus: tuple[str, ...] = ()  # tags their people are more likely to know
    lapsed: bool = False


_C, _P, _R, _S, _A = (
    OrganisationKind.COMPANY,
    OrganisationKind.PUBLIC_BODY,
    OrganisationKind.RESEARCH_LAB,
    OrganisationKind.STARTUP,
    OrganisationKind.ASSOCIATION,
)
_STD, _PREM, _START, _ACAD, _PART = (
    MembershipPlan.STANDARD,
    MembershipPlan.PREMIUM,
    MembershipPlan.STARTUP,
    MembershipPlan.ACADEMIC,
    MembershipPlan.PARTNER,
)

ORGANISATIONS: list[OrgSpec] = [
    # Members named in the club's press coverage (the people below are invented).
    OrgSpec("accor", "Accor", _C, _PREM, "paris", (2020, 1), 20,
            "Groupe hôtelier international, l'un des deux premiers membres du club.",
            "les réservations d'hôtels", "hotel bookings", ("forecasting", "recommender-systems", "time-series")),
    OrgSpec("insep", "INSEP", _P, _STD, "paris", (2020, 1), 10,
            "Institut national du sport, de l'expertise et de la performance ; membre fondateur.",
            "les performances des athlètes", "athletes' performance", ("sport-analytics", "time-series", "optimisation")),
    OrgSpec("danone", "Danone", _C, _PREM, "paris", (2020, 6), 18,
            "Groupe agroalimentaire ; travaille avec le club sur une charte d'usage responsable des données.",
            "les ventes de produits laitiers", "dairy sales", ("forecasting", "ethical-green-ai", "data-governance")),
    OrgSpec("urssaf", "URSSAF", _P, _STD, "paris", (2020, 10), 14,
            "Organisme de recouvrement des cotisations sociales.",
            "les cotisations des entreprises", "employer contributions", ("data-governance", "statistics", "law-regulation")),
    OrgSpec("wavestone", "Wavestone", _C, _STD, "paris", (2020, 9), 12,
            "Cabinet de conseil en transformation.",
            "les projets data de ses clients", "clients' data projects", ("data-strategy", "genai-text", "law-regulation")),
    OrgSpec("bouygues", "Bouygues", _C, _PREM, "paris", (2021, 1), 15,
            "Groupe industriel : construction, télécoms, médias.",
            "l'avancement des chantiers", "building-site progress", ("computer-vision", "optimisation", "data-infrastructure")),
    OrgSpec("credit-agricole", "Crédit Agricole", _C, _PREM, "paris", (2021, 3), 18,
            "Groupe bancaire mutualiste.",
            "les demandes de crédit", "loan applications", ("explicability", "bias-fairness", "nlp")),
    OrgSpec("fdj", "FDJ", _C, _STD, "paris", (2021, 2), 11,
            "Opérateur de jeux d'argent et de paris sportifs.",
            "les habitudes de jeu", "gaming habits", ("bias-fairness", "statistics", "privacy-safety")),
    OrgSpec("vinci-autoroutes", "Vinci Autoroutes", _C, _STD, "paris", (2020, 7), 11,
            "Concessionnaire autoroutier ; ses ingénieurs ont rejoint l'atelier sur le sport de haut niveau.",
            "le trafic sur le réseau autoroutier", "motorway traffic", ("time-series", "optimisation", "computer-vision")),
    OrgSpec("bva", "BVA", _C, _STD, "paris", (2020, 5), 6,
            "Institut d'études et de sondages ; partenaire du programme Alcov2.",
            "les réponses aux enquêtes d'opinion", "opinion survey answers", ("statistics", "nlp", "dataviz")),
    OrgSpec("bilendi", "Bilendi", _C, _STD, "paris", (2020, 5), 5,
            "Spécialiste des panels en ligne ; partenaire du programme Alcov2.",
            "les réponses des panels en ligne", "online panel answers", ("statistics", "data-analytics", "privacy-safety")),
    OrgSpec("ekimetrics", "Ekimetrics", _C, _STD, "paris", (2020, 5), 10,
            "Cabinet de data science ; partenaire du programme Alcov2.",
            "l'efficacité des campagnes marketing", "marketing campaign returns", ("causality", "forecasting", "frugal-ai")),
    OrgSpec("college-de-france", "Collège de France", _R, _ACAD, "paris", (2020, 5), 6,
            "Établissement de recherche ; une équipe y a lancé le programme Alcov2 avec des membres du club.",
            "la propagation des épidémies", "how epidemics spread", ("health-data", "statistics", "causality")),
    OrgSpec("universite-de-lorraine", "Université de Lorraine", _R, _ACAD, "paris", (2022, 4), 6,
            "Université ; son équipe causalité applique ses méthodes aux cas réels des membres.",
            "les mécanismes qui expliquent les ventes", "what actually drives sales", ("causality", "statistics", "time-series")),
    OrgSpec("sorbonne-universite", "Sorbonne Université", _R, _PART, "paris", (2020, 2), 9,
            "Université partenaire ; accueille la base parisienne au Sorbonne Center for AI.",
            "les corpus de textes anciens", "historical text corpora", ("nlp", "machine-learning", "health-data")),
    OrgSpec("inria", "Inria", _R, _ACAD, "paris", (2020, 11), 10,
            "Institut national de recherche en sciences et technologies du numérique.",
            "les algorithmes d'apprentissage", "learning algorithms", ("frugal-ai", "privacy-safety", "machine-learning")),
    OrgSpec("impact-ai", "Impact AI", _A, _PART, "paris", (2022, 9), 3,
            "Association pour une IA responsable ; co-organise avec le club des journées sur l'AI Act.",
            "les usages de l'IA dans les entreprises", "how companies use AI", ("ethical-green-ai", "law-regulation", "bias-fairness")),
    # Fictional members.
    OrgSpec("lumen-sante", "Lumen Santé", _S, _START, "paris", (2021, 5), 4,
            "Jeune pousse fictive qui étudie les discussions de santé sur les réseaux sociaux.",
            "les discussions de patients sur les réseaux sociaux", "patient conversations on social media", ("nlp", "health-data", "genai-text")),
    OrgSpec("pharmalis", "Pharmalis", _C, _STD, "paris", (2021, 9), 8,
            "Laboratoire pharmaceutique fictif.",
            "les essais cliniques", "clinical trials", ("health-data", "causality", "statistics")),
    OrgSpec("verdane-energie", "Verdane Énergie", _C, _STD, "paris", (2021, 1), 5,
            "Fournisseur d'énergie fictif ; adhésion non renouvelée.",
            "la consommation d'électricité", "electricity consumption", ("forecasting", "time-series", "frugal-ai"), lapsed=True),
    OrgSpec("octave-assurances", "Octave Assurances", _C, _STD, "paris", (2022, 1), 6,
            "Assureur fictif.",
            "les déclarations de sinistres", "insurance claims", ("nlp", "explicability", "computer-vision")),
    OrgSpec("mobilia", "Mobilia", _P, _STD, "paris", (2022, 6), 6,
            "Régie de transports publics fictive.",
            "la fréquentation des bus et des tramways", "bus and tram ridership", ("forecasting", "optimisation", "dataviz")),
    OrgSpec("atlas-data-lab", "Atlas Data Lab", _S, _START, "casablanca", (2022, 3), 5,
            "Jeune pousse fictive de Casablanca : outils d'analyse pour les commerçants.",
            "les ventes des commerçants de quartier", "neighbourhood shop sales", ("data-analytics", "forecasting", "web")),
    OrgSpec("banque-du-littoral", "Banque du Littoral", _C, _PREM, "casablanca", (2022, 2), 11,
            "Banque fictive ; membre fondateur de la base de Casablanca.",
            "les transactions par carte", "card transactions", ("explicability", "bias-fairness", "mlops")),
    OrgSpec("sahel-agritech", "Sahel AgriTech", _S, _START, "casablanca", (2022, 10), 4,
            "Jeune pousse fictive : suivi des cultures par satellite.",
            "les rendements agricoles", "crop yields", ("computer-vision", "forecasting", "frugal-ai")),
    OrgSpec("imsd", "Institut marocain des sciences des données", _R, _ACAD, "casablanca", (2022, 4), 6,
            "Laboratoire de recherche fictif.",
            "les textes en darija et en arabe", "Darija and Arabic texts", ("nlp", "genai-text", "statistics")),
    OrgSpec("nour-telecom", "Nour Télécom", _C, _STD, "casablanca", (2022, 5), 5,
            "Opérateur télécom fictif ; adhésion non renouvelée.",
            "l'usage du réseau mobile", "mobile network usage", ("time-series", "data-infrastructure", "mlops"), lapsed=True),
    OrgSpec("hudson-analytics", "Hudson Analytics", _S, _START, "new-york", (2024, 2), 5,
            "Fictional New York startup building demand tools for local retail.",
            "local retail demand", "local retail demand", ("forecasting", "causality", "mlops")),
    OrgSpec("brooklyn-health-partners", "Brooklyn Health Partners", _C, _STD, "new-york", (2024, 3), 9,
            "Fictional network of community clinics.",
            "les dossiers de patients", "patient records", ("health-data", "privacy-safety", "nlp")),
    OrgSpec("empire-mobility", "Empire Mobility", _C, _STD, "new-york", (2024, 1), 4,
            "Fictional ride-hailing operator; membership not renewed.",
            "les trajets en VTC", "ride-hailing trips", ("optimisation", "forecasting", "bias-fairness"), lapsed=True),
    OrgSpec("hudson-civic-data-lab", "Hudson Civic Data Lab", _R, _ACAD, "new-york", (2024, 4), 5,
            "Fictional university lab working on city open data.",
            "les données ouvertes de la ville", "the city's open data", ("dataviz", "causality", "ethical-green-ai")),
]  # fmt: skip

RESIDENTS = 30  # freelancers and researchers in residence, the chercheuse login among them
OTHER_STAFF = 2  # animators of the Casablanca and New York bases (contacts, no account)

# -------------------------------------------------------------------------- names
# Invented combinations of common first and last names. The real people the
# club's press coverage mentions are deliberately absent from these lists.

FIRST_NAMES = {
    "fr": (
        ["Léa", "Chloé", "Manon", "Camille", "Inès", "Sarah", "Juliette", "Louise", "Emma",
         "Clara", "Anaïs", "Marion", "Pauline", "Claire", "Élise", "Mathilde", "Agathe",
         "Margaux", "Lucie", "Hélène", "Sophie", "Aurélie", "Céline", "Julie", "Nathalie",
         "Sandrine", "Laure", "Charlotte", "Alice", "Zoé", "Maëlle", "Solène", "Océane",
         "Amandine", "Bérénice", "Estelle", "Gaëlle", "Noémie"],
        ["Thomas", "Nicolas", "Julien", "Maxime", "Antoine", "Alexandre", "Guillaume",
         "Pierre", "Hugo", "Lucas", "Théo", "Mathieu", "Baptiste", "Clément", "Quentin",
         "Florian", "Arnaud", "Benoît", "Cédric", "Damien", "Sébastien", "Olivier", "Loïc",
         "Adrien", "Rémi", "Victor", "Jules", "Paul", "Gaël", "Thibault", "Bastien",
         "Étienne", "Fabien", "Jérémie", "Tristan"],
    ),
    "ma": (
        ["Salma", "Imane", "Kenza", "Yasmine", "Meryem", "Houda", "Zineb", "Nisrine",
         "Soukaina", "Ghita", "Hajar", "Asmae", "Fatima-Zahra", "Khadija", "Loubna", "Sanaa",
         "Rim", "Nada", "Amal", "Hind"],
        ["Youssef", "Mehdi", "Amine", "Omar", "Hamza", "Anas", "Ayoub", "Karim", "Reda",
         "Othmane", "Ilyas", "Hicham", "Nabil", "Tarik", "Saïd", "Adil", "Zakaria", "Soufiane",
         "Rachid", "Badr"],
    ),
    "us": (
        ["Emily", "Jessica", "Ashley", "Megan", "Rachel", "Lauren", "Olivia", "Hannah",
         "Madison", "Grace", "Abigail", "Natalie", "Danielle", "Maya", "Priya", "Mei", "Sofia",
         "Gabriela", "Keisha", "Brooke"],
        ["Michael", "Christopher", "Matthew", "Joshua", "Andrew", "Daniel", "Ryan", "Tyler",
         "Brandon", "Justin", "Kevin", "Ethan", "Nathan", "Marcus", "Jamal", "Carlos", "Diego",
         "Raj", "Kenji", "Wei"],
    ),
}  # fmt: skip

LAST_NAMES = {
    "fr": [
        "Martin", "Bernard", "Dubois", "Robert", "Richard", "Petit", "Durand", "Leroy",
        "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "Bertrand", "Roux",
        "Fournier", "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet",
        "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry",
        "Roussel", "Perrin", "Morin", "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier",
        "Robin", "Masson", "Sanchez", "Nguyen", "Boyer", "Lemaire", "Duval", "Joly", "Roche",
        "Meyer", "Meunier", "Perez", "Marchand", "Dufour", "Blanchard", "Barbier", "Brun",
        "Dumas", "Brunet", "Schmitt", "Leroux", "Fernandez", "Renard", "Rolland", "Caron",
        "Aubert", "Giraud", "Leclerc", "Vidal", "Bourgeois", "Renaud", "Lemoine", "Picard",
        "Gaillard", "Lacroix", "Fabre", "Dupuis", "Hubert", "Guillot", "Rivière", "Le Gall",
        "Berger", "Lecomte", "Ménard", "Fleury", "Deschamps", "Carpentier", "Maillard",
        "Marchal", "Aubry", "Vasseur", "Renault", "Jacquet", "Prévost", "Poirier",
        "Charpentier", "Royer", "Huet", "Baron", "Dupuy", "Pons", "Breton", "Rémy",
        "Schneider", "Perrot", "Guyot", "Marty", "Cousin", "Le Goff", "Tran", "Pham",
    ],
    "ma": [
        "Alaoui", "Bennani", "Tazi", "El Idrissi", "Berrada", "Benjelloun", "Chraibi",
        "El Amrani", "Lahlou", "Sqalli", "Benkirane", "Ouazzani", "Kettani", "Naciri",
        "El Mansouri", "Bouzid", "Tahiri", "Cherkaoui", "Ziani", "Belhaj", "Zouaoui",
        "El Fassi", "Hajji", "Lamrani", "Saadi", "Moussaoui", "Skalli", "Haddad", "Bakkali",
        "Chaoui",
    ],
    "us": [
        "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson",
        "Anderson", "Taylor", "Moore", "Jackson", "White", "Harris", "Thompson", "Clark",
        "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Hill",
        "Green", "Adams", "Baker", "Nelson", "Carter", "Mitchell", "Patel", "Kim", "Chen",
        "Ramirez", "Rivera", "Cohen", "O'Brien", "Sullivan", "Okafor",
    ],
}  # fmt: skip

# Which name pools people at each base are drawn from.
ORIGINS_BY_BASE = {
    "paris": (["fr", "ma", "us"], [80, 15, 5]),
    "casablanca": (["ma", "fr"], [85, 15]),
    "new-york": (["us", "fr", "ma"], [82, 13, 5]),
}

# ------------------------------------------------------------------ roles, titles

# (French or international titles, English titles); "masculine|feminine" when French agrees.
JOB_TITLES: dict[str, tuple[list[str], list[str]]] = {
    RoleFamily.DATA_SCIENTIST: (
        ["Data scientist", "Data scientist senior", "Lead data scientist",
         "Data scientist confirmé|Data scientist confirmée"],
        ["Data Scientist", "Senior Data Scientist", "Lead Data Scientist"],
    ),
    RoleFamily.DATA_ENGINEER: (
        ["Data engineer", "Ingénieur données|Ingénieure données", "Data engineer senior",
         "Analytics engineer"],
        ["Data Engineer", "Senior Data Engineer", "Analytics Engineer"],
    ),
    RoleFamily.DATA_ANALYST: (
        ["Data analyst", "Chargé d'études statistiques|Chargée d'études statistiques",
         "Analyste BI", "Business analyst"],
        ["Data Analyst", "Business Intelligence Analyst", "Senior Analyst"],
    ),
    RoleFamily.ML_ENGINEER: (
        ["ML engineer", "Ingénieur machine learning|Ingénieure machine learning",
         "Ingénieur MLOps|Ingénieure MLOps"],
        ["ML Engineer", "Machine Learning Engineer", "MLOps Engineer"],
    ),
    RoleFamily.MANAGER: (
        ["Head of data", "Chief data officer", "Responsable data science",
         "Directeur data et IA|Directrice data et IA"],
        ["Head of Data", "Chief Data Officer", "Data Science Manager"],
    ),
    RoleFamily.HR: (
        ["Responsable RH data et tech", "Chargé de recrutement tech|Chargée de recrutement tech",
         "HR business partner"],
        ["HR Business Partner", "Technical Recruiter", "Talent Acquisition Lead"],
    ),
    RoleFamily.DPO: (
        ["Délégué à la protection des données|Déléguée à la protection des données", "DPO"],
        ["Data Protection Officer", "Privacy Officer"],
    ),
    RoleFamily.LEGAL: (
        ["Juriste données et IA", "Juriste conformité"],
        ["Privacy Counsel", "AI Policy Counsel"],
    ),
    RoleFamily.RESEARCHER: (
        ["Chargé de recherche|Chargée de recherche", "Maître de conférences",
         "Directeur de recherche|Directrice de recherche",
         "Enseignant-chercheur|Enseignante-chercheuse", "Chercheur postdoctoral|Chercheuse postdoctorale"],
        ["Research Scientist", "Assistant Professor", "Postdoctoral Researcher"],
    ),
    RoleFamily.PHD_CANDIDATE: (
        ["Doctorant|Doctorante", "Doctorant CIFRE|Doctorante CIFRE"],
        ["PhD Candidate", "PhD Student"],
    ),
    RoleFamily.FREELANCER: (
        ["Data scientist indépendant|Data scientist indépendante",
         "Consultant data indépendant|Consultante data indépendante", "Ingénieur ML freelance|Ingénieure ML freelance"],
        ["Independent Data Scientist", "Freelance ML Engineer", "Independent Data Consultant"],
    ),
    RoleFamily.PRODUCT: (
        ["Product owner data", "Product manager IA"],
        ["Data Product Manager", "AI Product Owner"],
    ),
}  # fmt: skip

ROLE_MIX = {
    "company": (
        [RoleFamily.DATA_SCIENTIST, RoleFamily.DATA_ENGINEER, RoleFamily.DATA_ANALYST,
         RoleFamily.ML_ENGINEER, RoleFamily.MANAGER, RoleFamily.HR, RoleFamily.DPO,
         RoleFamily.LEGAL, RoleFamily.PRODUCT, RoleFamily.PHD_CANDIDATE],
        [30, 15, 14, 10, 7, 5, 5, 2, 6, 4],
    ),
    "lab": (
        [RoleFamily.RESEARCHER, RoleFamily.PHD_CANDIDATE, RoleFamily.DATA_ENGINEER],
        [55, 35, 10],
    ),
    "association": (
        [RoleFamily.MANAGER, RoleFamily.LEGAL, RoleFamily.DATA_SCIENTIST],
        [40, 30, 30],
    ),
}  # fmt: skip

# How likely each role is to know each tag (before the organisation's own focus).
SKILL_WEIGHTS: dict[str, dict[str, int]] = {
    RoleFamily.DATA_SCIENTIST: {
        "machine-learning": 6, "statistics": 4, "time-series": 2, "forecasting": 2, "nlp": 2,
        "computer-vision": 1, "causality": 1, "recommender-systems": 1, "explicability": 2,
        "dataviz": 2, "genai-text": 2, "bias-fairness": 1, "optimisation": 1, "data-analytics": 2,
    },
    RoleFamily.DATA_ENGINEER: {
        "data-engineering": 6, "data-infrastructure": 4, "devops": 2, "mlops": 2,
        "data-governance": 2, "web": 1, "privacy-safety": 1,
    },
    RoleFamily.DATA_ANALYST: {
        "data-analytics": 6, "dataviz": 4, "statistics": 3, "data-governance": 1,
        "forecasting": 1, "data-engineering": 1,
    },
    RoleFamily.ML_ENGINEER: {
        "mlops": 6, "machine-learning": 4, "devops": 3, "data-infrastructure": 2,
        "genai-text": 2, "computer-vision": 1, "frugal-ai": 1, "web": 1,
    },
    RoleFamily.MANAGER: {
        "data-strategy": 6, "data-governance": 2, "ethical-green-ai": 2, "law-regulation": 1,
        "machine-learning": 2, "data-analytics": 2,
    },
    RoleFamily.HR: {
        "data-strategy": 4, "bias-fairness": 2, "data-analytics": 2, "ethical-green-ai": 2,
        "law-regulation": 1,
    },
    RoleFamily.DPO: {
        "law-regulation": 6, "privacy-safety": 6, "data-governance": 3, "ethical-green-ai": 2,
        "bias-fairness": 1,
    },
    RoleFamily.LEGAL: {"law-regulation": 6, "privacy-safety": 3, "ethical-green-ai": 2, "bias-fairness": 1},
    RoleFamily.RESEARCHER: {
        "machine-learning": 3, "statistics": 4, "causality": 2, "optimisation": 2, "nlp": 2,
        "computer-vision": 2, "explicability": 2, "bias-fairness": 1, "frugal-ai": 1,
        "time-series": 2, "genai-text": 1, "genai-images": 1, "privacy-safety": 1,
    },
    RoleFamily.PHD_CANDIDATE: {
        "machine-learning": 4, "statistics": 3, "causality": 1, "optimisation": 1, "nlp": 2,
        "computer-vision": 2, "explicability": 1, "time-series": 1, "genai-text": 2,
        "genai-images": 1, "frugal-ai": 1,
    },
    RoleFamily.FREELANCER: {
        "machine-learning": 3, "data-engineering": 2, "mlops": 2, "dataviz": 2, "genai-text": 3,
        "web": 2, "nlp": 1, "forecasting": 1, "data-strategy": 1, "recommender-systems": 1,
    },
    RoleFamily.OTHER: {  # club staff
        "data-strategy": 4, "dataviz": 2, "machine-learning": 2, "data-analytics": 2, "genai-text": 1,
    },
    RoleFamily.PRODUCT: {
        "data-strategy": 3, "data-analytics": 3, "dataviz": 2, "genai-text": 2,
        "recommender-systems": 1, "ethical-green-ai": 1,
    },
}  # fmt: skip

# What people want to learn: everything is possible, some subjects are in fashion.
INTEREST_WEIGHTS = {slug: 1 for slug, *_ in TAXONOMY} | {
    "genai-text": 6, "causality": 4, "mlops": 3, "explicability": 3, "ethical-green-ai": 3,
    "frugal-ai": 3, "bias-fairness": 3, "law-regulation": 3, "forecasting": 2, "nlp": 2,
    "computer-vision": 2, "privacy-safety": 2,
}  # fmt: skip

# ---------------------------------------------------------------------- bios
# How people describe their work. The wording avoids the tag's own names and
# synonyms on purpose: matching a case to people must understand, not grep.
# slug: (French action, English action, French "would like to learn to…", English)
WORK_PHRASES: dict[str, tuple[str, str, str, str]] = {
    "data-engineering": (
        "fait circuler chaque nuit les données entre une dizaine de systèmes sans perdre une ligne",
        "moves data between a dozen systems every night without losing a row",
        "fiabiliser des flux qui tournent chaque nuit",
        "build nightly data flows that never break",
    ),
    "data-governance": (
        "tient à jour le dictionnaire des données et traque les doublons dans {subject}",
        "keeps the data dictionary up to date and hunts duplicates in {subject}",
        "mettre de l'ordre dans les référentiels de l'entreprise",
        "bring order to company reference data",
    ),
    "data-analytics": (
        "répond chaque semaine aux questions des métiers sur {subject}",
        "answers the business teams' weekly questions about {subject}",
        "tirer des enseignements utiles d'un tableau de chiffres",
        "turn raw figures into useful findings",
    ),
    "data-infrastructure": (
        "a déménagé l'entrepôt de données vers le cloud et fait tourner les grappes de calcul",
        "moved the data warehouse to the cloud and keeps the compute clusters running",
        "dimensionner une plateforme qui encaisse des téraoctets",
        "size a platform that copes with terabytes",
    ),
    "mlops": (
        "met les modèles en service et surveille qu'ils ne se dégradent pas avec le temps",
        "ships models to production and watches that they don't degrade over time",
        "faire vivre un modèle une fois en service",
        "keep a model healthy once it is live",
    ),
    "devops": (
        "automatise les livraisons et les environnements de test des équipes data",
        "automates releases and test environments for the data teams",
        "automatiser les livraisons de code",
        "automate code releases",
    ),
    "web": (
        "développe les applications internes qui mettent les résultats entre les mains des équipes",
        "builds the internal apps that put results in the teams' hands",
        "construire une petite application pour partager un modèle",
        "build a small app to share a model",
    ),
    "machine-learning": (
        "entraîne des modèles qui apprennent des historiques pour anticiper les comportements",
        "trains models that learn from past records to anticipate behaviour",
        "entraîner ses propres modèles prédictifs",
        "train predictive models of their own",
    ),
    "time-series": (
        "suit {subject} jour après jour et repère les ruptures de tendance",
        "tracks {subject} day by day and spots breaks in the trend",
        "analyser des signaux qui évoluent dans le temps",
        "analyse signals that change over time",
    ),
    "nlp": (
        "fait lire à la machine des milliers de commentaires et de courriels pour en extraire les sujets",
        "gets machines to read thousands of comments and emails and pull out the topics",
        "faire parler des textes libres",
        "make sense of free text",
    ),
    "computer-vision": (
        "apprend aux algorithmes à repérer des anomalies sur des photos et des vidéos",
        "teaches algorithms to spot anomalies in photos and videos",
        "exploiter des photos et des vidéos",
        "work with photos and videos",
    ),
    "frugal-ai": (
        "obtient de bons résultats avec peu d'exemples et peu de puissance de calcul",
        "gets good results from few examples and little computing power",
        "faire plus avec moins de calcul",
        "do more with less computing power",
    ),
    "ethical-green-ai": (
        "mesure l'empreinte carbone des projets et interroge leur utilité pour la société",
        "measures the carbon footprint of projects and asks whether they do society any good",
        "concevoir des projets sobres et utiles",
        "design projects that are lean and useful",
    ),
    "explicability": (
        "rend compréhensibles pour les métiers les décisions prises par les modèles",
        "makes model decisions understandable for business teams",
        "justifier une prédiction auprès d'un client",
        "justify a prediction to a customer",
    ),
    "privacy-safety": (
        "s'assure qu'aucun fichier partagé ne permet de retrouver une personne",
        "makes sure no shared file can be traced back to a person",
        "partager des données sans exposer personne",
        "share data without exposing anyone",
    ),
    "genai-images": (
        "produit des visuels à partir de quelques lignes de description",
        "creates visuals from a few lines of description",
        "créer des visuels avec les modèles récents",
        "create visuals with recent models",
    ),
    "genai-text": (
        "construit des assistants qui répondent aux questions des équipes à partir de la documentation interne",
        "builds assistants that answer staff questions from internal documentation",
        "brancher un assistant conversationnel sur des documents internes",
        "plug a chat assistant into internal documents",
    ),
    "causality": (
        "cherche ce qui fait réellement bouger {subject}, au-delà des simples corrélations",
        "looks for what really moves {subject}, beyond mere correlations",
        "distinguer un effet réel d'une coïncidence",
        "tell a real effect from a coincidence",
    ),
    "forecasting": (
        "anticipe {subject} plusieurs semaines à l'avance",
        "projects {subject} several weeks ahead",
        "voir venir la demande plusieurs mois à l'avance",
        "see demand coming months ahead",
    ),
    "recommender-systems": (
        "propose à chaque client l'offre qui lui correspond le mieux",
        "suggests to each customer the offer that suits them best",
        "personnaliser des suggestions",
        "personalise suggestions",
    ),
    "bias-fairness": (
        "vérifie que les modèles traitent tous les publics de la même façon",
        "checks that models treat every group of people alike",
        "repérer les discriminations cachées dans un modèle",
        "detect hidden discrimination in a model",
    ),
    "statistics": (
        "conçoit des échantillons et mesure l'incertitude des estimations",
        "designs samples and measures how uncertain the estimates are",
        "quantifier l'incertitude d'un résultat",
        "quantify how sure a result is",
    ),
    "optimisation": (
        "calcule les meilleurs plannings et les meilleures tournées sous contraintes",
        "computes the best schedules and routes under constraints",
        "résoudre des problèmes de planification",
        "solve scheduling problems",
    ),
    "dataviz": (
        "met en images {subject} pour les comités de direction",
        "turns {subject} into charts for the leadership team",
        "raconter une histoire avec des graphiques",
        "tell a story with charts",
    ),
    "sport-analytics": (
        "exploite les capteurs portés par les athlètes à l'entraînement",
        "works with sensor readings from athletes in training",
        "travailler sur des mesures de performance d'athlètes",
        "work on athletes' performance measurements",
    ),
    "health-data": (
        "travaille sur les parcours de soins et les dossiers de patients",
        "works on care pathways and patient files",
        "travailler avec des dossiers médicaux",
        "work with medical files",
    ),
    "law-regulation": (
        "veille à ce que chaque projet respecte les textes européens sur les données et l'IA",
        "makes sure every project complies with the European texts on data and AI",
        "comprendre les nouvelles obligations européennes",
        "understand the new European obligations",
    ),
    "data-strategy": (
        "a écrit la feuille de route données de l'organisation et forme les équipes dirigeantes",
        "wrote the organisation's data roadmap and coaches senior leaders",
        "construire une feuille de route données",
        "build a data roadmap",
    ),
}

# When a phrase's subject is not what the organisation is known for, a neutral one.
GENERIC_SUBJECTS = {
    "data-governance": ("les fichiers clients", "customer files"),
    "data-analytics": ("l'activité", "the business"),
    "time-series": ("les indicateurs d'activité", "activity indicators"),
    "causality": ("les indicateurs d'activité", "business metrics"),
    "forecasting": ("la demande", "demand"),
    "dataviz": ("les résultats des analyses", "analysis results"),
}

# Subjects for people without an organisation (residents), same shape as OrgSpec's.
RESIDENT_SUBJECTS = [
    ("la demande d'électricité", "electricity demand"),
    ("la fréquentation des musées", "museum attendance"),
    ("les prix de l'immobilier", "housing prices"),
    ("les ventes en ligne", "online sales"),
    ("les appels aux services d'urgence", "emergency calls"),
    ("la qualité de l'air", "air quality"),
]

LANGUAGES_BY_ORIGIN = {
    "fr": ([Language.FR, Language.EN], [Language.ES, Language.DE, Language.IT]),
    "ma": ([Language.AR, Language.FR, Language.EN], [Language.ES]),
    "us": ([Language.EN], [Language.ES, Language.FR]),
}

# ------------------------------------------------------------------ demo logins


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    is_staff: bool = False
    is_superuser: bool = False


DEMO_LOGINS = [
    DemoLogin("staff animator (also superuser)", STAFF_EMAIL, is_staff=True, is_superuser=True),
    DemoLogin("member data scientist (Accor)", DATA_SCIENTIST_EMAIL),
    DemoLogin("organisation manager (Danone)", MANAGER_EMAIL),
    DemoLogin("resident researcher", RESEARCHER_EMAIL),
]


# ------------------------------------------------------------------------ specs


@dataclass
class PersonSpec:
    email: str
    first_name: str
    last_name: str
    organisation: str | None
    base: str
    job_title: str
    role_family: str
    membership_type: str
    bio: str
    languages: list[str]
    skills: list[tuple[str, int, bool]]
    interests: list[str]
    remote_ok: bool = True
    is_org_manager: bool = False
    directory_visibility: str = Visibility.CLUB
    joined_organisation_on: date | None = None
    left_organisation_on: date | None = None
    do_not_invite_before: date | None = None
    website_url: str = ""
    orcid: str = ""


@dataclass
class DemoSummary:
    already_loaded: bool = False
    created: dict[str, int] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)
    logins: list[DemoLogin] = field(default_factory=lambda: list(DEMO_LOGINS))
    password: str = DEMO_PASSWORD

    @property
    def created_anything(self) -> bool:
        return any(self.created.values())


def _ascii(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c if c.isalnum() else "-" for c in text.lower().replace("'", "")).strip("-")


def _pick_title(rng: random.Random, role: str, english: bool, feminine: bool) -> str:
    french, international = JOB_TITLES[role]
    title = rng.choice(international if english else french)
    forms = title.split("|")
    return forms[1] if feminine and len(forms) == 2 else forms[0]


def _weighted_sample(rng: random.Random, weights: dict[str, int], k: int, exclude=()) -> list[str]:
    pool = {slug: w for slug, w in weights.items() if slug not in exclude}
    chosen: list[str] = []
    while pool and len(chosen) < k:
        slugs = list(pool)
        slug = rng.choices(slugs, weights=[pool[s] for s in slugs])[0]
        chosen.append(slug)
        del pool[slug]
    return chosen


def _skills_for(
    rng: random.Random, role: str, focus: Iterable[str], senior: bool
) -> list[tuple[str, int, bool]]:
    weights = dict(SKILL_WEIGHTS[role])
    for slug in focus:
        weights[slug] = weights.get(slug, 0) + 4
    count = rng.choices([2, 3, 4, 5, 6], weights=[2, 4, 4, 2, 1])[0]
    skills = []
    for position, slug in enumerate(_weighted_sample(rng, weights, count)):
        level = rng.choices([1, 2, 3, 4], weights=[2, 5, 5, 2] if not senior else [1, 3, 5, 4])[0]
        if position == 0:
            level = max(level, 3 if senior else 2)
        teach_chance = {1: 0.0, 2: 0.05, 3: 0.35, 4: 0.6}[level]
        skills.append((slug, level, rng.random() < teach_chance))
    return skills


def _bio(
    rng: random.Random,
    *,
    english: bool,
    intro: str,
    subject: tuple[str, str],
    focus: tuple[str, ...] | None,
    skills: list[tuple[str, int, bool]],
    interests: list[str],
) -> str:
    lang = 1 if english else 0
    actions = []
    for slug, *_ in skills[:2]:
        own = focus is None or slug in focus
        about = subject if own else GENERIC_SUBJECTS.get(slug, subject)
        actions.append(WORK_PHRASES[slug][lang].format(subject=about[lang]))
    first = actions[0][0].upper() + actions[0][1:]
    if len(actions) > 1 and rng.random() < 0.5:
        first += ("; " if english else " ; ") + actions[1]
    sentences = [first + "."]
    if rng.random() < 0.6:
        sentences.insert(0, intro)
    extra = rng.random()
    if extra < 0.35 and interests:
        hint = WORK_PHRASES[interests[0]][lang + 2]
        sentences.append(
            f"Would like to learn how to {hint}." if english else f"Aimerait apprendre à {hint}."
        )
    elif extra < 0.6 and any(teach for *_, teach in skills):
        sentences.append(
            "Happy to run a session on it for the club."
            if english
            else "Anime volontiers un atelier sur le sujet."
        )
    return " ".join(sentences[:3])


def _random_day(rng: random.Random, first_year: int, last_year: int) -> date:
    return date(rng.randint(first_year, last_year), rng.randint(1, 12), rng.randint(1, 28))


class _Generator:
    def __init__(self, today: date):
        self.rng = random.Random(DEMO_SEED)
        self.today = today
        self.used_names: set[tuple[str, str]] = set()
        self.used_emails: set[str] = {login.email for login in DEMO_LOGINS}

    def name(self, base: str) -> tuple[str, str, bool, str]:
        rng = self.rng
        origins, weights = ORIGINS_BY_BASE[base]
        while True:
            origin = rng.choices(origins, weights=weights)[0]
            feminine = rng.random() < 0.47
            first = rng.choice(FIRST_NAMES[origin][0 if feminine else 1])
            last = rng.choice(LAST_NAMES[origin])
            if (first, last) not in self.used_names:
                self.used_names.add((first, last))
                return first, last, feminine, origin

    def email(self, first: str, last: str, domain: str) -> str:
        local = f"{_ascii(first)}.{_ascii(last)}"
        candidate, n = f"{local}@{domain}", 2
        while candidate in self.used_emails:
            candidate, n = f"{local}{n}@{domain}", n + 1
        self.used_emails.add(candidate)
        return candidate

    def languages(self, origin: str, base: str) -> list[str]:
        usual, extra = LANGUAGES_BY_ORIGIN[origin]
        languages = list(usual)
        if base == "new-york" and Language.EN not in languages:
            languages.append(Language.EN)
        if self.rng.random() < 0.25:
            languages.append(self.rng.choice(extra))
        return [str(lang) for lang in dict.fromkeys(languages)]

    def interests(self, skills: list[tuple[str, int, bool]]) -> list[str]:
        count = self.rng.choices([1, 2, 3], weights=[4, 4, 2])[0]
        return _weighted_sample(self.rng, INTEREST_WEIGHTS, count, exclude={s for s, *_ in skills})

    def person(
        self,
        *,
        org: OrgSpec | None,
        base: str,
        role: str,
        membership_type: str,
        domain: str,
        index_in_org: int = 0,
        title: str = "",
    ) -> PersonSpec:
        rng = self.rng
        first, last, feminine, origin = self.name(base)
        english = base == "new-york" or (origin == "us" and rng.random() < 0.7)
        if not english and rng.random() < 0.12:
            english = True  # some French speakers write their profile in English
        senior = role in (RoleFamily.MANAGER, RoleFamily.RESEARCHER) or rng.random() < 0.3
        title = title or _pick_title(rng, role, english, feminine)
        skills = _skills_for(rng, role, org.focus if org else (), senior)
        interests = self.interests(skills)
        first_year = 2021 if role == RoleFamily.PHD_CANDIDATE else 2010
        joined = _random_day(rng, first_year, 2024) if org else None
        if org:
            subject = (org.subject_fr, org.subject_en)
            intro = (
                f"{title} at {org.name} since {joined.year}."
                if english
                else f"{title} chez {org.name} depuis {joined.year}."
            )
        else:
            subject = rng.choice(RESIDENT_SUBJECTS)
            if membership_type == MembershipType.STAFF:
                intro = f"{title}." if english else f"{title} du club."
            else:
                year = rng.randint(2020, 2024)
                intro = (
                    f"{title}, in residence at the club since {year}."
                    if english
                    else f"{title}, en résidence au club depuis {year}."
                )
        bio = _bio(
            rng,
            english=english,
            intro=intro,
            subject=subject,
            focus=org.focus if org else None,
            skills=skills,
            interests=interests,
        )
        visibility_roll = rng.random()
        if visibility_roll < 0.04:
            visibility = Visibility.HIDDEN
        elif visibility_roll < 0.14 and org:
            visibility = Visibility.ORGANISATION
        else:
            visibility = Visibility.CLUB
        spec = PersonSpec(
            email=self.email(first, last, domain),
            first_name=first,
            last_name=last,
            organisation=org.slug if org else None,
            base=base,
            job_title=title,
            role_family=role,
            membership_type=membership_type,
            bio=bio,
            languages=self.languages(origin, base),
            skills=skills,
            interests=interests,
            remote_ok=rng.random() < 0.75,
            directory_visibility=visibility,
            joined_organisation_on=joined,
        )
        if joined and index_in_org > 0 and rng.random() < 0.035:
            left = min(
                joined + timedelta(days=rng.randint(300, 1500)), self.today - timedelta(days=30)
            )
            spec.left_organisation_on = left if left > joined else None
        if rng.random() < 0.04:
            spec.do_not_invite_before = self.today + timedelta(days=rng.randint(20, 150))
        return spec


def _hero_people() -> dict[str, PersonSpec]:
    """The four demo logins, with complete, hand-written profiles."""
    return {
        STAFF_EMAIL: PersonSpec(
            email=STAFF_EMAIL,
            first_name="Hugo",
            last_name="Vasseur",
            organisation=None,
            base="paris",
            job_title="Animateur de la communauté",
            role_family=RoleFamily.OTHER,
            membership_type=MembershipType.STAFF,
            bio="Anime la base de Paris : transforme les questions des membres en ateliers et "
            "trouve qui, dans le club, peut y répondre. Personnage de démonstration.",
            languages=["fr", "en"],
            skills=[
                ("data-strategy", 3, True),
                ("machine-learning", 2, False),
                ("dataviz", 2, False),
            ],
            interests=["causality", "genai-text"],
        ),
        DATA_SCIENTIST_EMAIL: PersonSpec(
            email=DATA_SCIENTIST_EMAIL,
            first_name="Léa",
            last_name="Fontaine",
            organisation="accor",
            base="paris",
            job_title="Data scientist senior",
            role_family=RoleFamily.DATA_SCIENTIST,
            membership_type=MembershipType.EMPLOYEE,
            bio="Prévoit la demande des hôtels du groupe, de la semaine prochaine à la saison "
            "suivante. Les modèles ont dû être repris après les confinements : elle cherche des "
            "pairs qui ont vécu la même rupture. Personnage de démonstration.",
            languages=["fr", "en", "es"],
            skills=[
                ("forecasting", 4, True),
                ("time-series", 3, True),
                ("machine-learning", 3, False),
                ("recommender-systems", 2, False),
                ("dataviz", 2, False),
            ],
            interests=["causality", "explicability"],
            remote_ok=True,
            joined_organisation_on=date(2019, 9, 2),
            website_url="https://lea-fontaine.example.org/",
        ),
        MANAGER_EMAIL: PersonSpec(
            email=MANAGER_EMAIL,
            first_name="Olivier",
            last_name="Garnier",
            organisation="danone",
            base="paris",
            job_title="Head of data",
            role_family=RoleFamily.MANAGER,
            membership_type=MembershipType.EMPLOYEE,
            is_org_manager=True,
            bio="Dirige l'équipe données et pilote la rédaction d'une charte d'usage responsable "
            "des données avec d'autres membres du club. Personnage de démonstration.",
            languages=["fr", "en"],
            skills=[
                ("data-strategy", 4, True),
                ("ethical-green-ai", 3, False),
                ("data-governance", 3, False),
            ],
            interests=["law-regulation", "bias-fairness"],
            joined_organisation_on=date(2016, 3, 14),
        ),
        RESEARCHER_EMAIL: PersonSpec(
            email=RESEARCHER_EMAIL,
            first_name="Inès",
            last_name="Bakkali",
            organisation=None,
            base="paris",
            job_title="Chercheuse en résidence",
            role_family=RoleFamily.RESEARCHER,
            membership_type=MembershipType.RESIDENT,
            bio="Cherche à séparer les vrais effets des coïncidences dans des données d'entreprise. "
            "Donne du temps au club en échange de cas réels sur lesquels éprouver ses méthodes. "
            "Personnage de démonstration.",
            languages=["fr", "ar", "en"],
            skills=[("causality", 4, True), ("statistics", 4, True), ("time-series", 3, False)],
            interests=["frugal-ai", "health-data"],
            orcid="0000-0002-1825-0097",  # ORCID's own example identifier, not a real researcher
            do_not_invite_before=None,
        ),
    }


def demo_people(today: date | None = None) -> list[PersonSpec]:
    """The whole demo population, always the same for the same day."""
    today = today or timezone.localdate()
    gen = _Generator(today)
    heroes = _hero_people()
    people: list[PersonSpec] = [heroes[STAFF_EMAIL]]
    gen.used_names.update((h.first_name, h.last_name) for h in heroes.values())

    for base, title in (
        ("casablanca", "Animation de la base de Casablanca"),
        ("new-york", "Community lead, New York"),
    ):
        staff = gen.person(
            org=None, base=base, role=RoleFamily.OTHER, membership_type=MembershipType.STAFF,
            domain="demo.example.org", title=title,
        )  # fmt: skip
        staff.directory_visibility = Visibility.CLUB
        people.append(staff)

    for org in ORGANISATIONS:
        if org.kind == OrganisationKind.RESEARCH_LAB:
            mix, membership = ROLE_MIX["lab"], MembershipType.RESEARCHER
        elif org.kind == OrganisationKind.ASSOCIATION:
            mix, membership = ROLE_MIX["association"], MembershipType.EMPLOYEE
        else:
            mix, membership = ROLE_MIX["company"], MembershipType.EMPLOYEE
        for index in range(org.size):
            if index == 0:
                role = (
                    RoleFamily.RESEARCHER
                    if org.kind == OrganisationKind.RESEARCH_LAB
                    else RoleFamily.MANAGER
                )
            else:
                role = gen.rng.choices(*mix)[0]
            spec = gen.person(
                org=org, base=org.base, role=role, membership_type=membership,
                domain=f"{org.slug}.example.org", index_in_org=index,
            )  # fmt: skip
            if index == 0:
                spec.is_org_manager = True
                spec.left_organisation_on = None
            if gen.rng.random() < 0.08:  # a few work from another base
                spec.base = gen.rng.choice([b["slug"] for b in BASES])
            if org.slug == "danone" and index == 0:
                spec = heroes[MANAGER_EMAIL]
            elif org.slug == "accor" and index == 1:
                spec = heroes[DATA_SCIENTIST_EMAIL]
            people.append(spec)

    labs = [o for o in ORGANISATIONS if o.kind == OrganisationKind.RESEARCH_LAB]
    people.append(heroes[RESEARCHER_EMAIL])
    for index in range(RESIDENTS - 1):
        base = "paris" if index < 19 else ("casablanca" if index < 24 else "new-york")
        researcher = index % 5 in (1, 3)
        role = (
            gen.rng.choice([RoleFamily.RESEARCHER, RoleFamily.PHD_CANDIDATE])
            if researcher
            else RoleFamily.FREELANCER
        )
        lab = None
        if researcher and index % 2:
            lab = gen.rng.choice([o for o in labs if o.base == base] or labs)
        spec = gen.person(
            org=lab, base=base, role=role, membership_type=MembershipType.RESIDENT,
            domain=f"{lab.slug}.example.org" if lab else "example.org",
        )  # fmt: skip
        if lab is None:
            spec.directory_visibility = (
                Visibility.CLUB
                if spec.directory_visibility != Visibility.HIDDEN
                else Visibility.HIDDEN
            )
        people.append(spec)
    return people


# ----------------------------------------------------------------------- loading


def demo_is_loaded() -> bool:
    """Cheap check: the staff login and the whole demo population are there."""
    return (
        User.objects.filter(email=STAFF_EMAIL).exists()
        and Organisation.objects.filter(is_demo=True).count() >= len(ORGANISATIONS)
        and Person.objects.filter(is_demo=True).count() >= DEMO_PEOPLE_TOTAL
    )


def _ensure_tags() -> dict[str, Tag]:
    tags = Tag.objects.in_bulk(field_name="slug")
    missing = [row for row in TAXONOMY if row[0] not in tags]
    for slug, label_fr, label_en, synonyms, _parent in missing:
        tags[slug] = Tag.objects.create(
            slug=slug, label_fr=label_fr, label_en=label_en, synonyms=synonyms
        )
    return tags


def _ensure_bases(created: dict[str, int]) -> dict[str, Base]:
    bases = {}
    for row in BASES:
        base = (
            Base.objects.filter(slug=row["slug"]).first()
            or Base.objects.filter(name=row["name"]).first()
        )
        if base is None:
            base = Base.objects.create(**row)
            created["bases"] += 1
        bases[row["slug"]] = base
    return bases


def _ensure_organisations(
    bases: dict[str, Base], today: date, created: dict[str, int]
) -> dict[str, Organisation]:
    by_slug = Organisation.objects.in_bulk([o.slug for o in ORGANISATIONS], field_name="slug")
    by_name = {
        o.name: o for o in Organisation.objects.filter(name__in=[o.name for o in ORGANISATIONS])
    }
    organisations, new = {}, []
    for spec in ORGANISATIONS:
        existing = by_slug.get(spec.slug) or by_name.get(spec.name)
        if existing is not None:
            organisations[spec.slug] = existing
            continue
        since = date(spec.since[0], spec.since[1], 1)
        until = (
            date(today.year - 1, spec.since[1], 1)
            if spec.lapsed
            else date(today.year + 1, spec.since[1], 1)
        )
        new.append(
            Organisation(
                slug=spec.slug,
                name=spec.name,
                kind=spec.kind,
                plan=spec.plan,
                status=MembershipStatus.LAPSED if spec.lapsed else MembershipStatus.ACTIVE,
                member_since=since,
                member_until=until,
                home_base=bases[spec.base],
                email_domains=f"{spec.slug}.example.org",
                description=spec.description + " (Organisation de démonstration.)",
                is_demo=True,
            )
        )
    Organisation.objects.bulk_create(new)
    created["organisations"] += len(new)
    if new:
        organisations.update(Organisation.objects.in_bulk([o.slug for o in new], field_name="slug"))
    return organisations


def _people_by_email(emails: list[str]) -> dict[str, Person]:
    found = Person.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=emails)
    return {p.email_lower: p for p in found}


def _ensure_people(
    specs: list[PersonSpec],
    organisations: dict[str, Organisation],
    bases: dict[str, Base],
    created: dict[str, int],
) -> dict[str, Person]:
    emails = [s.email for s in specs]
    existing = _people_by_email(emails)
    now = timezone.now()
    new = [
        Person(
            email=s.email,
            first_name=s.first_name,
            last_name=s.last_name,
            organisation=organisations[s.organisation] if s.organisation else None,
            is_org_manager=s.is_org_manager,
            job_title=s.job_title,
            role_family=s.role_family,
            membership_type=s.membership_type,
            bio=s.bio,
            languages=s.languages,
            base=bases[s.base],
            remote_ok=s.remote_ok,
            website_url=s.website_url,
            orcid=s.orcid,
            joined_organisation_on=s.joined_organisation_on,
            left_organisation_on=s.left_organisation_on,
            directory_visibility=s.directory_visibility,
            do_not_invite_before=s.do_not_invite_before,
            is_demo=True,
            created_at=now,
            updated_at=now,
        )
        for s in specs
        if s.email not in existing
    ]
    Person.objects.bulk_create(new, batch_size=200)
    created["people"] += len(new)
    return _people_by_email(emails) if new else existing


def _ensure_skills_and_interests(
    specs: list[PersonSpec],
    people: dict[str, Person],
    tags: dict[str, Tag],
    created: dict[str, int],
) -> None:
    person_ids = [p.pk for p in people.values()]
    have_skills = set(
        Skill.objects.filter(person_id__in=person_ids).values_list("person_id", "tag_id")
    )
    have_interests = set(
        Interest.objects.filter(person_id__in=person_ids).values_list("person_id", "tag_id")
    )
    new_skills, new_interests = [], []
    for spec in specs:
        person = people[spec.email]
        for slug, level, can_teach in spec.skills:
            key = (person.pk, tags[slug].pk)
            if key not in have_skills:
                have_skills.add(key)
                new_skills.append(
                    Skill(person=person, tag=tags[slug], level=level, can_teach=can_teach)
                )
        for slug in spec.interests:
            key = (person.pk, tags[slug].pk)
            if key not in have_interests:
                have_interests.add(key)
                new_interests.append(Interest(person=person, tag=tags[slug]))
    Skill.objects.bulk_create(new_skills, batch_size=500)
    Interest.objects.bulk_create(new_interests, batch_size=500)
    created["skills"] += len(new_skills)
    created["interests"] += len(new_interests)


def _ensure_logins(people: dict[str, Person], created: dict[str, int]) -> None:
    from allauth.account.models import EmailAddress

    hashed = None
    for login in DEMO_LOGINS:
        person = people[login.email]
        user = User.objects.filter(email__iexact=login.email).first()
        if user is None:
            hashed = hashed or make_password(DEMO_PASSWORD)  # hashing is slow: once for all four
            user = User(
                email=login.email,
                full_name=person.full_name,
                is_staff=login.is_staff,
                is_superuser=login.is_superuser,
                password=hashed,
            )
            user.save()
            created["accounts"] += 1
        if person.user_id is None and not Person.objects.filter(user=user).exists():
            person.user = user
            person.save(update_fields=["user"])
        if not EmailAddress.objects.filter(user=user, email__iexact=login.email).exists():
            EmailAddress.objects.create(user=user, email=login.email, verified=True, primary=True)


# Account states a real club has: most people invited to claim their account (some of
# them over two weeks ago, their link expired), some already in, a few never invited.
CLAIMED_PERCENT = 20
INVITED_PERCENT = 65


def _account_state(email: str) -> str:
    """ "claimed", "invited" or "" for a demo person, the same at every load."""
    bucket = zlib.crc32(email.lower().encode()) % 100
    if bucket < CLAIMED_PERCENT:
        return "claimed"
    if bucket < CLAIMED_PERCENT + INVITED_PERCENT:
        return "invited"
    return ""


def _ensure_account_states(people: dict[str, Person], created: dict[str, int]) -> None:
    """Invitations and claimed accounts for the demo people who have neither yet."""
    from allauth.account.models import EmailAddress

    from compagnon.accounts.models import Invitation

    now = timezone.now()
    logins = {login.email for login in DEMO_LOGINS}
    invited = set(
        Invitation.objects.filter(person__is_demo=True).values_list("person_id", flat=True)
    )
    existing_users = {email.lower(): pk for email, pk in User.objects.values_list("email", "pk")}
    hashed = None
    claim: list[tuple[Person, User | None]] = []
    invitations: list[Invitation] = []
    for email, person in sorted(people.items()):
        if (
            email in logins
            or person.user_id is not None
            or person.organisation_id is None
            or person.left_organisation_on is not None
            or person.pk in invited
        ):
            continue
        state = _account_state(email)
        if not state:
            continue
        days_ago = zlib.crc32(f"invited:{email}".encode()) % 30 + 1
        sent = now - timedelta(days=days_ago, hours=days_ago % 9)
        invitation = Invitation(
            person=person,
            email=person.email,
            created_at=sent,
            expires_at=sent + timedelta(days=14),
            accepted_at=sent + timedelta(days=1) if state == "claimed" else None,
        )
        invitations.append(invitation)
        if state == "claimed":
            user = None
            if person.email.lower() not in existing_users:
                hashed = hashed or make_password(DEMO_PASSWORD)
                user = User(email=person.email, full_name=person.full_name, password=hashed)
            claim.append((person, user))
    new_users = [user for _person, user in claim if user is not None]
    User.objects.bulk_create(new_users)
    created["accounts"] += len(new_users)
    by_email = {
        user.email.lower(): user
        for user in User.objects.filter(email__in=[p.email for p, _u in claim])
    }
    linked = []
    for person, _user in claim:
        user = by_email.get(person.email.lower())
        if user is not None and not Person.objects.filter(user=user).exists():
            person.user = user
            linked.append(person)
    Person.objects.bulk_update(linked, ["user"])
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user=person.user, email=person.email, verified=True, primary=True)
            for person in linked
            if not EmailAddress.objects.filter(email__iexact=person.email).exists()
        ]
    )
    Invitation.objects.bulk_create(invitations)


def _totals() -> dict[str, int]:
    return {
        "bases": Base.objects.count(),
        "organisations": Organisation.objects.filter(is_demo=True).count(),
        "people": Person.objects.filter(is_demo=True).count(),
        "skills": Skill.objects.filter(person__is_demo=True).count(),
        "interests": Interest.objects.filter(person__is_demo=True).count(),
    }


def demo_club_fill(*, today: date | None = None) -> DemoSummary:
    """Create whatever part of the demo club is missing; never changes what exists."""
    today = today or timezone.localdate()
    created = dict.fromkeys(
        ("bases", "organisations", "people", "skills", "interests", "accounts"), 0
    )
    specs = demo_people(today)
    with transaction.atomic():
        tags = _ensure_tags()
        bases = _ensure_bases(created)
        organisations = _ensure_organisations(bases, today, created)
        people = _ensure_people(specs, organisations, bases, created)
        _ensure_skills_and_interests(specs, people, tags, created)
        _ensure_logins(people, created)
        _ensure_account_states(people, created)
    return DemoSummary(created=created, totals=_totals())


def demo_club_load(*, stdout: TextIO | None = None) -> DemoSummary:
    """Load the demo club unless it is already there; print the logins when given a stream."""
    if demo_is_loaded():
        summary = DemoSummary(already_loaded=True)
        if stdout is not None:
            stdout.write("Demo club already loaded.\n")
    else:
        summary = demo_club_fill()
        if stdout is not None:
            c, t = summary.created, summary.totals
            stdout.write(
                f"Demo club loaded: created {c['bases']} bases, {c['organisations']} organisations, "
                f"{c['people']} people, {c['skills']} skills, {c['interests']} interests, "
                f"{c['accounts']} accounts.\n"
                f"Demo data now: {t['organisations']} organisations, {t['people']} people, "
                f"{t['skills']} skills, {t['interests']} interests.\n"
            )
    if stdout is not None:
        stdout.write(logins_table())
    return summary


def logins_table() -> str:
    width = max(len(login.role) for login in DEMO_LOGINS)
    lines = [
        f"Demo logins (password for all: {DEMO_PASSWORD})",
        f"  {'who'.ljust(width)}  email",
        *(f"  {login.role.ljust(width)}  {login.email}" for login in DEMO_LOGINS),
        "  The staff animator is also a superuser: /admin/ is fully usable.",
    ]
    return "\n".join(lines) + "\n"
