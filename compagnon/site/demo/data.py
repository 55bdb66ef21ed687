"""The demo club's fixed facts: bases, organisations, names, titles, phrases and logins.

Nothing here touches the database; `generator` draws people from these facts and
`loader` writes them.
"""

from __future__ import annotations

from dataclasses import dataclass

from compagnon.members.models import (
    Language,
    MembershipPlan,
    OrganisationKind,
    RoleFamily,
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
