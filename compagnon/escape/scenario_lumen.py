# ruff: noqa: RUF001 -- French typography: the en dashes and guillemets are meant.
"""The demo scenario, in French and English: « Lumen : la nuit avant le conseil ».

Lumen, a home-goods retailer, runs two models: one approves store credit, one
forecasts demand for its warehouses. Both went wrong the same week; the board meets
at nine. Nine puzzles in four rooms, about 45 minutes. Every figure is made up, and
consistent: the answers can be worked out from the artefacts alone.
"""

from __future__ import annotations

SLUG = "lumen-nuit-avant-le-conseil"
TITLE_FR = "Lumen : la nuit avant le conseil"
TITLE_EN = "Lumen: the night before the board"
STORY_FR = (
    "Lumen vend des meubles et de la décoration. Deux de ses modèles ont déraillé la même semaine : "
    "celui qui **accorde le crédit magasin** refuse les jeunes clients, et celui qui **prévoit la demande** "
    "des entrepôts a vidé les rayons de ventilateurs en pleine canicule.\n\n"
    "Le conseil d'administration se réunit demain à 9 h. Votre équipe a la nuit pour comprendre, "
    "chiffres à l'appui. Chaque énigme vous remet une pièce du dossier ; la bonne réponse ouvre la porte suivante."
)
STORY_EN = (
    "Lumen sells furniture and home goods. Two of its models went off the rails the same week: the one that "
    "**grants store credit** turns young customers away, and the one that **forecasts demand** for the "
    "warehouses emptied the fan shelves in the middle of a heatwave.\n\n"
    "The board meets tomorrow at 9 am. Your team has the night to understand, figures in hand. Each puzzle "
    "hands you a piece of the file; the right answer opens the next door."
)


def _t(fr: str, en: str) -> dict[str, str]:
    return {"fr": fr, "en": en}


ROOMS = [
    {
        "title": _t("Le guichet du crédit", "The credit desk"),
        "story": _t(
            "Une cliente de 24 ans a écrit au médiateur : son crédit pour une cuisine a été refusé en trois "
            "secondes. Le service conformité vous ouvre les statistiques du modèle « Octroi v3 ».",
            "A 24-year-old customer wrote to the ombudsman: her loan for a kitchen was refused in three "
            "seconds. Compliance opens the statistics of the « Octroi v3 » model for you.",
        ),
        "puzzles": [
            {
                "title": _t("Le ratio des quatre cinquièmes", "The four-fifths ratio"),
                "prompt": _t(
                    "Calculez le **ratio d'impact disparate** des moins de 30 ans : leur taux d'acceptation "
                    "divisé par celui des 30–50 ans. Répondez avec deux décimales.",
                    "Compute the **disparate impact ratio** of the under-30s: their approval rate divided by "
                    "the 30–50s' rate. Answer with two decimals.",
                ),
                "artefact_kind": "table",
                "artefact": {
                    "caption": _t(
                        "Demandes de crédit, premier trimestre",
                        "Credit applications, first quarter",
                    ),
                    "columns": [
                        _t("Tranche d'âge", "Age band"),
                        _t("Demandes", "Applications"),
                        _t("Acceptées", "Approved"),
                    ],
                    "rows": [["< 30", 400, 172], ["30–50", 900, 612], ["> 50", 500, 330]],
                },
                "rule": "number",
                "answer": {"value": 0.63, "tolerance": 0.011},
                "answer_shown": _t("0,63 (43 % ÷ 68 %)", "0.63 (43 % ÷ 68 %)"),
                "hints": [
                    _t(
                        "Taux d'acceptation = acceptées ÷ demandes, pour chaque tranche.",
                        "Approval rate = approved ÷ applications, for each band.",
                    ),
                    _t(
                        "172 ÷ 400 = 0,43 ; 612 ÷ 900 = 0,68. Il reste une division.",
                        "172 ÷ 400 = 0.43; 612 ÷ 900 = 0.68. One division left.",
                    ),
                ],
                "lesson": _t(
                    "Sous **0,8** (la règle des quatre cinquièmes), l'écart d'acceptation entre groupes est un "
                    "signal d'alerte : ici 0,63. Ce n'est pas une preuve de discrimination, c'est une raison "
                    "d'enquêter.",
                    "Below **0.8** (the four-fifths rule), the gap in approvals between groups is a warning "
                    "sign: here 0.63. It is not proof of discrimination; it is a reason to investigate.",
                ),
                "lesson_title_en": "The model that discriminated",
            },
            {
                "title": _t("Les bons payeurs refusés", "The good payers turned away"),
                "prompt": _t(
                    "Parmi les moins de 30 ans qui **auraient remboursé**, quelle part le modèle a-t-il "
                    "refusée ? Répondez en pourcentage, à une décimale (chez les 30–50 ans : 18,0 %).",
                    "Among the under-30s who **would have repaid**, what share did the model refuse? Answer "
                    "as a percentage, one decimal (for the 30–50s: 18.0 %).",
                ),
                "artefact_kind": "confusion_matrix",
                "artefact": {
                    "caption": _t(
                        "Moins de 30 ans : décision du modèle et remboursement constaté (échantillon de "
                        "contrôle)",
                        "Under 30: the model's decision and the observed repayment (control sample)",
                    ),
                    "labels": [_t("A remboursé", "Repaid"), _t("A fait défaut", "Defaulted")],
                    "matrix": [[160, 140], [12, 88]],
                    "predicted_labels": [_t("Accordé", "Approved"), _t("Refusé", "Refused")],
                },
                "rule": "number",
                "answer": {"value": 46.7, "tolerance": 0.2},
                "answer_shown": _t("46,7 % (140 ÷ 300)", "46.7 % (140 ÷ 300)"),
                "hints": [
                    _t(
                        "Lisez seulement la ligne « A remboursé » : 160 accordés, 140 refusés.",
                        "Read only the « Repaid » row: 160 approved, 140 refused.",
                    ),
                    _t(
                        "C'est le taux de faux négatifs : refusés ÷ (accordés + refusés) sur cette ligne.",
                        "This is the false negative rate: refused ÷ (approved + refused) on that row.",
                    ),
                ],
                "lesson": _t(
                    "L'**égalité des chances** compare les erreurs, pas seulement les décisions : un bon payeur "
                    "de moins de 30 ans a 2,6 fois plus de risques d'être refusé qu'un bon payeur de 40 ans. "
                    "Une matrice de confusion par groupe le montre ; un taux d'erreur global le cache.",
                    "**Equal opportunity** compares errors, not only decisions: a good payer under 30 is 2.6 "
                    "times as likely to be refused as a good payer aged 40. A confusion matrix per group shows "
                    "it; an overall error rate hides it.",
                ),
                "lesson_title_en": "Measure an error rate",
            },
            {
                "title": _t("La variable qui savait l'âge", "The input that knew the age"),
                "prompt": _t(
                    "L'âge a été retiré des entrées du modèle. Quelle variable de la fiche lui permet de le "
                    "reconstituer ? Donnez son nom tel qu'écrit dans la fiche.",
                    "Age was removed from the model's inputs. Which input on the card lets it rebuild the age? "
                    "Give its name as written on the card.",
                ),
                "artefact_kind": "model_card",
                "artefact": {
                    "name": "Octroi v3",
                    "sections": [
                        {
                            "title": _t("Usage prévu", "Intended use"),
                            "body": _t(
                                "Décider en ligne des crédits magasin de 300 € à 8 000 €.",
                                "Decide online on store credit from €300 to €8,000.",
                            ),
                        },
                        {
                            "title": _t("Entrées", "Inputs"),
                            "body": _t(
                                "| variable | description | corrélation avec l'âge |\n|---|---|---|\n"
                                "| `income` | revenu mensuel net | 0,21 |\n"
                                "| `job_tenure_months` | ancienneté dans l'emploi | 0,38 |\n"
                                "| `first_account_years` | années depuis l'ouverture du premier compte bancaire | 0,91 |\n"
                                "| `loan_amount` | montant demandé | 0,05 |\n"
                                "| `open_credits` | crédits en cours | 0,12 |",
                                "| input | description | correlation with age |\n|---|---|---|\n"
                                "| `income` | net monthly income | 0.21 |\n"
                                "| `job_tenure_months` | time in the current job | 0.38 |\n"
                                "| `first_account_years` | years since the first bank account was opened | 0.91 |\n"
                                "| `loan_amount` | amount asked | 0.05 |\n"
                                "| `open_credits` | credits still running | 0.12 |",
                            ),
                        },
                        {
                            "title": _t("Équité", "Fairness"),
                            "body": _t(
                                "L'âge et le sexe ne sont pas des entrées du modèle (conformité RGPD).",
                                "Age and sex are not inputs of the model (GDPR compliance).",
                            ),
                        },
                    ],
                },
                "rule": "exact",
                "answer": {
                    "accept": [
                        "first_account_years|first account years|firstaccountyears",
                        "anciennete bancaire|banking seniority|account age",
                    ]
                },
                "answer_shown": _t("first_account_years", "first_account_years"),
                "hints": [
                    _t(
                        "Regardez la dernière colonne du tableau des entrées.",
                        "Look at the last column of the inputs table.",
                    ),
                    _t(
                        "À 24 ans, on a rarement un compte bancaire depuis plus de dix ans.",
                        "At 24, few people have had a bank account for more than ten years.",
                    ),
                ],
                "lesson": _t(
                    "Retirer une variable protégée ne suffit pas (« l'équité par ignorance ») : une autre "
                    "variable très corrélée, une **variable proxy**, la remplace. Il faut mesurer les écarts "
                    "par groupe, donc garder l'âge… pour l'audit.",
                    "Removing a protected attribute is not enough (« fairness through unawareness »): another "
                    "highly correlated input, a **proxy**, stands in for it. Gaps must be measured per group, "
                    "so age is kept… for the audit.",
                ),
                "lesson_title_en": "GDPR and the AI Act in ten minutes",
            },
        ],
    },
    {
        "title": _t("L'atelier des données", "The data workshop"),
        "story": _t(
            "Le modèle n'a pas inventé ce biais : il l'a appris. Direction le pipeline d'entraînement.",
            "The model did not invent this bias: it learnt it. Off to the training pipeline.",
        ),
        "puzzles": [
            {
                "title": _t("L'étape qui a effacé les jeunes", "The step that erased the young"),
                "prompt": _t(
                    "Quelle étape du pipeline a divisé par deux la part des moins de 30 ans dans les données "
                    "d'entraînement ? Donnez son nom.",
                    "Which step of the pipeline halved the share of under-30s in the training data? Give its "
                    "name.",
                ),
                "artefact_kind": "log",
                "artefact": {
                    "caption": _t(
                        "Journal du réentraînement d'Octroi v3",
                        "Log of the retraining of Octroi v3",
                    ),
                    "lines": [
                        "2026-01-12 02:00:04 INFO  [1/6] load_applications rows=48210 share_under_30=0.22",
                        "2026-01-12 02:00:19 INFO  [2/6] drop_duplicates rows=47988 share_under_30=0.22",
                        "2026-01-12 02:00:21 INFO  [3/6] drop_missing_income rows=43176 share_under_30=0.11",
                        "2026-01-12 02:00:21 WARN  [3/6] 4812 rows without income (students, first jobs)",
                        "2026-01-12 02:00:40 INFO  [4/6] encode_features rows=43176 share_under_30=0.11",
                        "2026-01-12 02:07:55 INFO  [5/6] train_gbm auc=0.81",
                        "2026-01-12 02:08:02 INFO  [6/6] export_model version=octroi-3.0.0",
                    ],
                },
                "rule": "exact",
                "answer": {
                    "accept": ["drop_missing_income|drop missing income|3|3/6|etape 3|step 3"]
                },
                "answer_shown": _t("drop_missing_income (étape 3)", "drop_missing_income (step 3)"),
                "hints": [
                    _t(
                        "Suivez la valeur share_under_30 ligne après ligne.",
                        "Follow the share_under_30 value line by line.",
                    ),
                    _t(
                        "Elle passe de 0.22 à 0.11 entre deux étapes.",
                        "It goes from 0.22 to 0.11 between two steps.",
                    ),
                ],
                "lesson": _t(
                    "Les valeurs manquantes ne manquent pas au hasard : les étudiants et les premiers emplois "
                    "n'ont pas de revenu déclaré. Supprimer ces lignes est un **biais de sélection** : le "
                    "modèle n'a presque jamais vu de jeunes qui remboursent.",
                    "Missing values are not missing at random: students and first jobs have no declared "
                    "income. Dropping those rows is **selection bias**: the model almost never saw young "
                    "people who repay.",
                ),
                "lesson_title_en": "What is a model?",
            },
            {
                "title": _t("Le plan de correction", "The remediation plan"),
                "prompt": _t(
                    "Quelles mesures corrigent le biais constaté ? Donnez toutes les bonnes lettres, séparées "
                    "par des virgules.",
                    "Which measures fix the bias you found? Give every right letter, separated by commas.",
                ),
                "artefact_kind": "table",
                "artefact": {
                    "caption": _t(
                        "Propositions reçues par la direction", "Proposals sent to management"
                    ),
                    "columns": [_t("Lettre", "Letter"), _t("Mesure", "Measure")],
                    "rows": [
                        [
                            "A",
                            _t(
                                "Supprimer aussi le sexe des données", "Also drop sex from the data"
                            ),
                        ],
                        [
                            "B",
                            _t(
                                "Retirer first_account_years ou le décorréler de l'âge",
                                "Remove first_account_years or decorrelate it from age",
                            ),
                        ],
                        [
                            "C",
                            _t(
                                "Imputer le revenu manquant au lieu de supprimer les lignes",
                                "Impute the missing income instead of dropping the rows",
                            ),
                        ],
                        [
                            "D",
                            _t(
                                "Relever le seuil d'acceptation pour tout le monde",
                                "Raise the approval threshold for everyone",
                            ),
                        ],
                        [
                            "E",
                            _t(
                                "Entraîner sur deux fois plus de données de 2019",
                                "Train on twice as much data from 2019",
                            ),
                        ],
                        [
                            "F",
                            _t(
                                "Mesurer l'égalité des chances par âge à chaque réentraînement",
                                "Measure equal opportunity by age at every retraining",
                            ),
                        ],
                    ],
                },
                "rule": "set",
                "answer": {"items": ["b", "c", "f"]},
                "answer_shown": _t("B, C et F", "B, C and F"),
                "hints": [
                    _t(
                        "Il y a trois bonnes réponses : une sur les variables, une sur les données, une sur "
                        "le suivi.",
                        "There are three right answers: one on the inputs, one on the data, one on monitoring.",
                    ),
                    _t(
                        "Relever le seuil refuse encore plus de bons payeurs ; les vieilles données ont le même "
                        "défaut.",
                        "Raising the threshold refuses even more good payers; old data has the same flaw.",
                    ),
                ],
                "lesson": _t(
                    "On corrige un biais à trois niveaux : les **données** (imputer plutôt que supprimer), les "
                    "**variables** (traiter les proxys) et la **surveillance** (mesurer l'équité à chaque "
                    "version, comme l'exige l'AI Act pour un système de crédit, classé à haut risque).",
                    "A bias is fixed at three levels: the **data** (impute rather than drop), the **inputs** "
                    "(deal with proxies) and **monitoring** (measure fairness at every version, as the AI Act "
                    "requires for a credit system, classed high-risk).",
                ),
                "lesson_title_en": "GDPR and the AI Act in ten minutes",
            },
        ],
    },
    {
        "title": _t("L'entrepôt", "The warehouse"),
        "story": _t(
            "Pendant la canicule, l'entrepôt de Lyon n'a commandé presque aucun ventilateur : le modèle de "
            "prévision de la demande jurait que personne n'en voulait.",
            "During the heatwave, the Lyon warehouse ordered almost no fans: the demand forecasting model "
            "swore nobody wanted any.",
        ),
        "puzzles": [
            {
                "title": _t("La semaine où tout a cassé", "The week it broke"),
                "prompt": _t(
                    "À partir de quelle semaine la prévision décroche-t-elle durablement des ventes ? "
                    "Donnez le numéro de la semaine.",
                    "From which week does the forecast fall away from sales for good? Give the week number.",
                ),
                "artefact_kind": "chart",
                "artefact": {
                    "title": _t(
                        "Ventilateurs, entrepôt de Lyon : ventes et prévision par semaine",
                        "Fans, Lyon warehouse: sales and forecast per week",
                    ),
                    "description": _t(
                        "Deux courbes, ventes et prévision, des semaines 22 à 33.",
                        "Two lines, sales and forecast, weeks 22 to 33.",
                    ),
                    "mark": "line",
                    "x": {"field": "week", "type": "O", "title": _t("Semaine", "Week")},
                    "y": {"field": "units", "type": "Q", "title": _t("Unités", "Units")},
                    "series": {"field": "series", "title": _t("Série", "Series")},
                    "values": [
                        {"week": w, "series": s, "units": u}
                        for w, sales, forecast in [
                            (22, 410, 395),
                            (23, 450, 440),
                            (24, 520, 500),
                            (25, 610, 590),
                            (26, 700, 690),
                            (27, 820, 800),
                            (28, 960, 930),
                            (29, 1040, 87),
                            (30, 1180, 95),
                            (31, 1230, 101),
                            (32, 990, 84),
                            (33, 760, 70),
                        ]
                        for s, u in (
                            (_t("ventes", "sales"), sales),
                            (_t("prévision", "forecast"), forecast),
                        )
                    ],
                },
                "rule": "number",
                "answer": {"value": 29, "tolerance": 0},
                "answer_shown": _t("Semaine 29", "Week 29"),
                "hints": [
                    _t(
                        "Ouvrez le tableau sous le graphique si les courbes se lisent mal.",
                        "Open the table under the chart if the lines are hard to read.",
                    ),
                    _t(
                        "Cherchez la première semaine où la prévision tombe sous 100.",
                        "Look for the first week where the forecast falls under 100.",
                    ),
                ],
                "lesson": _t(
                    "Un modèle qui casse ne prévient pas : il continue de répondre, avec aplomb. Comparer "
                    "chaque semaine la prévision au réalisé, c'est le **monitoring** minimal de tout modèle "
                    "en production.",
                    "A model that breaks gives no warning: it keeps answering, confidently. Comparing the "
                    "forecast with what happened every week is the minimal **monitoring** of any model in "
                    "production.",
                ),
                "lesson_title_en": "What is a model?",
            },
            {
                "title": _t("La version à restaurer", "The version to roll back to"),
                "prompt": _t(
                    "Quelle version du modèle faut-il remettre en production en attendant la correction ? "
                    "Donnez son numéro.",
                    "Which version of the model should go back into production until the fix? Give its "
                    "number.",
                ),
                "artefact_kind": "log",
                "artefact": {
                    "caption": _t(
                        "Journal des déploiements du modèle de prévision",
                        "Deployment log of the forecasting model",
                    ),
                    "lines": [
                        "2026-W20 deploy forecast v2.2.0 backtest_mape=0.14",
                        "2026-W24 deploy forecast v2.3.0 backtest_mape=0.11",
                        "2026-W28 supplier_feed: unit changed from 'item' to 'carton_12'",
                        "2026-W29 retrain forecast v2.4.0 on supplier_feed backtest_mape=0.09",
                        "2026-W29 deploy forecast v2.4.0",
                        "2026-W30 WARN forecast v2.4.0 live_mape=0.91",
                        "2026-W31 deploy forecast v2.4.1 (hotfix: timezone) live_mape=0.92",
                    ],
                },
                "rule": "pattern",
                "answer": {"regex": r"(version\s*)?v?\s*2\.3(\.0)?"},
                "answer_shown": _t("v2.3.0", "v2.3.0"),
                "hints": [
                    _t(
                        "Le problème vient des données du fournisseur, pas du code : quelle version a été "
                        "entraînée avant le changement ?",
                        "The trouble comes from the supplier's data, not the code: which version was trained "
                        "before the change?",
                    ),
                    _t(
                        "Ni 2.4.0 ni son correctif ne sont sains.",
                        "Neither 2.4.0 nor its hotfix is sound.",
                    ),
                ],
                "lesson": _t(
                    "Un bon score en *backtest* (0,09) ne garantit rien si les données d'entrée ont changé "
                    "de sens : ici l'unité est passée de l'article au carton de 12. Versionner les modèles "
                    "permet de **revenir en arrière** en minutes.",
                    "A good *backtest* score (0.09) guarantees nothing if the input data changed meaning: here "
                    "the unit went from item to carton of 12. Versioning models lets you **roll back** in "
                    "minutes.",
                ),
                "lesson_title_en": "What is a model?",
            },
            {
                "title": _t("L'erreur moyenne", "The average error"),
                "prompt": _t(
                    "Après le retour à la version saine, calculez l'erreur absolue moyenne en pourcentage "
                    "(MAPE) sur ces quatre semaines. Répondez en %.",
                    "After rolling back to the sound version, compute the mean absolute percentage error "
                    "(MAPE) over these four weeks. Answer in %.",
                ),
                "artefact_kind": "table",
                "artefact": {
                    "caption": _t(
                        "Semaines 34 à 37, version v2.3.0", "Weeks 34 to 37, version v2.3.0"
                    ),
                    "columns": [
                        _t("Semaine", "Week"),
                        _t("Ventes", "Sales"),
                        _t("Prévision", "Forecast"),
                    ],
                    "rows": [[34, 1200, 1080], [35, 800, 880], [36, 1000, 1150], [37, 1500, 1350]],
                },
                "rule": "number",
                "answer": {"value": 11.25, "tolerance": 0.3},
                "answer_shown": _t("11,25 % (10, 10, 15 et 10 %)", "11.25 % (10, 10, 15 and 10 %)"),
                "hints": [
                    _t(
                        "Pour chaque semaine : |ventes − prévision| ÷ ventes.",
                        "For each week: |sales − forecast| ÷ sales.",
                    ),
                    _t(
                        "Les quatre erreurs font 10 %, 10 %, 15 % et 10 % : faites la moyenne.",
                        "The four errors are 10 %, 10 %, 15 % and 10 %: average them.",
                    ),
                ],
                "lesson": _t(
                    "La **MAPE** se lit facilement (« on se trompe de 11 % en moyenne ») mais pèse plus lourd "
                    "les semaines à faibles ventes, et explose quand les ventes approchent zéro.",
                    "The **MAPE** reads easily (« we are 11 % off on average ») but weighs low-sales weeks "
                    "more, and blows up when sales get close to zero.",
                ),
                "lesson_title_en": "Measure an error rate",
            },
        ],
    },
    {
        "title": _t("La salle du conseil", "The boardroom"),
        "story": _t(
            "8 h 45. Le conseil veut savoir une chose : qu'est-ce qui aurait pu l'empêcher ?",
            "8:45 am. The board wants to know one thing: what could have prevented this?",
        ),
        "puzzles": [
            {
                "title": _t("L'alarme qui n'existait pas", "The alarm that did not exist"),
                "prompt": _t(
                    "Un indice de stabilité (PSI) au-dessus de 0,25 signale une dérive grave. Quelle entrée "
                    "du modèle de prévision l'a dépassé en semaine 29 ? Donnez son nom.",
                    "A population stability index (PSI) above 0.25 flags a serious drift. Which input of the "
                    "forecasting model went over it in week 29? Give its name.",
                ),
                "artefact_kind": "table",
                "artefact": {
                    "caption": _t(
                        "PSI des entrées, semaine 29 contre semaines 20–28",
                        "PSI of the inputs, week 29 against weeks 20–28",
                    ),
                    "columns": [_t("Entrée", "Input"), "PSI"],
                    "rows": [
                        ["price", 0.03],
                        ["promo_flag", 0.08],
                        ["temperature", 0.19],
                        ["sales_units", 1.84],
                        ["store_count", 0.0],
                    ],
                },
                "rule": "exact",
                "answer": {"accept": ["sales_units|sales units|ventes"]},
                "answer_shown": _t("sales_units (PSI 1,84)", "sales_units (PSI 1.84)"),
                "hints": [
                    _t(
                        "La température monte aussi, mais reste sous le seuil.",
                        "Temperature rises too, but stays under the threshold.",
                    ),
                    _t(
                        "Divisées par 12, les ventes n'ont plus la même distribution.",
                        "Divided by 12, sales no longer have the same distribution.",
                    ),
                ],
                "lesson": _t(
                    "Une alerte de **dérive des données** (PSI par entrée, chaque semaine) aurait sonné dès "
                    "la semaine 29, avant les ruptures de stock. Surveiller les entrées, pas seulement les "
                    "scores, est la leçon commune des deux incidents.",
                    "A **data drift** alert (PSI per input, every week) would have rung in week 29, before the "
                    "stock-outs. Watching the inputs, not only the scores, is the lesson both incidents share.",
                ),
                "lesson_title_en": "GDPR and the AI Act in ten minutes",
            },
        ],
    },
]
