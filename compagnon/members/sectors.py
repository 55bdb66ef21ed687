"""The starting list of sectors: (slug, French, English, synonyms). Staff edit it afterwards."""

SECTORS: list[tuple[str, str, str, str]] = [
    ("finance", "Finance", "Finance", "banque, bank, banking, fintech, finance de marché, asset management"),
    ("insurance", "Assurance", "Insurance", "assurances, insurer, assureur, mutuelle"),
    ("research", "Recherche", "Research", "academia, université, university, laboratoire, lab, recherche publique"),
    ("food", "Agroalimentaire", "Food", "agri-food, food industry, alimentation, agriculture, agro"),
    ("telecom", "Télécommunications", "Telecom", "télécoms, telecoms, telecommunications, opérateur"),
    ("energy", "Énergie", "Energy", "utilities, électricité, oil and gas, pétrole"),
    ("health", "Santé", "Health", "healthcare, pharma, pharmaceutique, pharmaceuticals, hôpital, hospital"),
    ("public-sector", "Secteur public", "Public sector", "administration, government, gouvernement, collectivité, public"),
    ("education", "Éducation", "Education", "enseignement, école, school, formation, training"),
    ("retail", "Distribution", "Retail", "commerce, e-commerce, grande distribution, luxe, luxury"),
    ("industry", "Industrie", "Industry", "manufacturing, automobile, automotive, aéronautique, aerospace"),
    ("transport", "Transport et logistique", "Transport & Logistics", "transport, logistique, logistics, mobilité, mobility"),
    ("consulting", "Conseil", "Consulting", "ESN, consultancy, services numériques, IT services, cabinet de conseil"),
    ("media", "Médias", "Media", "presse, press, publishing, édition, audiovisuel"),
    ("tech", "Logiciel et numérique", "Software & Tech", "tech, software, numérique, digital, SaaS, logiciel"),
    ("sport", "Sport", "Sport", "sports, sport professionnel"),
    ("defence", "Défense", "Defence", "defense, armée, military"),
    ("non-profit", "Associatif", "Non-profit", "association, NGO, ONG, non profit"),
]  # fmt: skip
