"""The demo's learning: the ten-minute acculturation programme, and the other offers as entries.

Idempotent by slug: a programme that exists is left alone. No video file ships
(none can be made offline here): the lessons are texts, a quiz and an exercise
on a tiny generated dataset; the escape game, the classic training and the
Sorbonne modules are catalogue entries with a text lesson each. Organisation
A's manager gets a running cohort of the programme.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from compagnon.accounts.models import User
from compagnon.learning.models import (
    Audience,
    Cohort,
    Lesson,
    LessonKind,
    LessonLevel,
    Module,
    Programme,
    ProgrammeKind,
    QuestionKind,
    QuizQuestion,
)
from compagnon.members.models import Person, Tag

PROGRAMME_SLUG = "dix-minutes-data-ia"
ALL = Audience.ALL_EMPLOYEES.value
MANAGERS = Audience.MANAGERS.value
HR = Audience.HR.value
DPO = Audience.DPO.value
DS = Audience.DATA_SCIENTISTS.value

# Twelve loan decisions: (group, predicted, actual). The error rate is 3 / 12 = 0.25.
DATASET = (
    "\n".join(
        ["id,group,predicted,actual"]
        + [
            f"{i},{group},{predicted},{actual}"
            for i, (group, predicted, actual) in enumerate(
                [
                    ("A", 1, 1),
                    ("A", 0, 0),
                    ("A", 1, 1),
                    ("A", 1, 0),
                    ("A", 0, 0),
                    ("A", 1, 1),
                    ("B", 0, 1),
                    ("B", 0, 0),
                    ("B", 1, 1),
                    ("B", 0, 1),
                    ("B", 0, 0),
                    ("B", 1, 1),
                ],
                start=1,
            )
        ]
    )
    + "\n"
)

LESSONS = [
    # (module position, kind, French title, English title, minutes, level, audiences, French body, English body)
    (
        1,
        LessonKind.TEXT,
        "Qu'est-ce qu'un modèle ?",
        "What is a model?",
        8,
        LessonLevel.INTRODUCTION,
        [ALL, MANAGERS, HR, DPO],
        "Un **modèle** apprend une règle à partir d'exemples passés, puis l'applique à des cas nouveaux.\n\n"
        "- il ne voit que les données qu'on lui donne ;\n- il se trompe, et on peut mesurer combien ;\n"
        "- il reproduit ce que les données contiennent, y compris leurs biais.",
        "A **model** learns a rule from past examples, then applies it to new cases.\n\n"
        "- it only sees the data it is given;\n- it makes mistakes, and we can measure how many;\n"
        "- it reproduces what the data holds, biases included.",
    ),
    (
        1,
        LessonKind.EXERCISE,
        "Mesurer un taux d'erreur",
        "Measure an error rate",
        10,
        LessonLevel.INTERMEDIATE,
        [MANAGERS, DS],
        "Le fichier liste douze décisions de crédit : la prédiction du modèle et ce qui s'est passé.",
        "The file lists twelve loan decisions: the model's prediction and what actually happened.",
    ),
    (
        2,
        LessonKind.TEXT,
        "Le modèle qui discriminait",
        "The model that discriminated",
        10,
        LessonLevel.INTRODUCTION,
        [ALL, HR, DPO, MANAGERS],
        "Dans l'exercice précédent, toutes les erreurs du groupe B refusent un crédit qui aurait été remboursé. "
        "Un taux d'erreur global peut cacher une **injustice** entre groupes : mesurez-le groupe par groupe.",
        "In the previous exercise, every error in group B refuses a loan that would have been repaid. "
        "An overall error rate can hide **unfairness** between groups: measure it group by group.",
    ),
    (
        2,
        LessonKind.TEXT,
        "RGPD et AI Act en dix minutes",
        "GDPR and the AI Act in ten minutes",
        10,
        LessonLevel.INTRODUCTION,
        [DPO, MANAGERS, HR],
        "Le **RGPD** encadre les données personnelles ; l'**AI Act** classe les systèmes d'IA par niveau de risque. "
        "Un système à haut risque (recrutement, crédit) doit être documenté, surveillé et expliqué.",
        "The **GDPR** governs personal data; the **AI Act** sorts AI systems by level of risk. "
        "A high-risk system (hiring, credit) must be documented, monitored and explained.",
    ),
    (
        2,
        LessonKind.QUIZ,
        "Vérifiez vos acquis",
        "Check what you learnt",
        5,
        LessonLevel.INTRODUCTION,
        [ALL],
        "",
        "",
    ),
]

QUESTIONS = [
    {
        "kind": QuestionKind.SINGLE,
        "prompt_fr": "D'où vient le plus souvent le biais d'un modèle ?",
        "prompt_en": "Where does a model's bias most often come from?",
        "choices": [
            {
                "fr": "Des données d'apprentissage",
                "en": "From its training data",
                "correct": True,
                "feedback_fr": "Oui : il reproduit ce qu'il a vu.",
                "feedback_en": "Yes: it reproduces what it saw.",
            },
            {
                "fr": "De l'ordinateur",
                "en": "From the computer",
                "feedback_fr": "Non, la machine n'a pas d'opinion.",
                "feedback_en": "No, the machine holds no opinion.",
            },
        ],
    },
    {
        "kind": QuestionKind.MULTIPLE,
        "prompt_fr": "Quels usages l'AI Act classe-t-il à haut risque ?",
        "prompt_en": "Which uses does the AI Act rank as high risk?",
        "choices": [
            {"fr": "Le recrutement", "en": "Hiring", "correct": True},
            {"fr": "L'octroi de crédit", "en": "Granting credit", "correct": True},
            {
                "fr": "Un filtre anti-spam",
                "en": "A spam filter",
                "feedback_fr": "Risque minimal.",
                "feedback_en": "Minimal risk.",
            },
        ],
    },
    {
        "kind": QuestionKind.NUMBER,
        "prompt_fr": "Un modèle se trompe 3 fois sur 12. Quel est son taux d'erreur (entre 0 et 1) ?",
        "prompt_en": "A model is wrong 3 times out of 12. What is its error rate (between 0 and 1)?",
        "expected_number": 0.25,
        "tolerance": 0.005,
        "explanation_fr": "3 / 12 = 0,25.",
        "explanation_en": "3 / 12 = 0.25.",
    },
    {
        "kind": QuestionKind.ORDERING,
        "prompt_fr": "Remettez dans l'ordre les étapes d'un projet d'IA.",
        "prompt_en": "Put the steps of an AI project in order.",
        "choices": [
            {"fr": "Poser la question métier", "en": "Ask the business question"},
            {"fr": "Collecter et nettoyer les données", "en": "Collect and clean the data"},
            {"fr": "Entraîner et évaluer le modèle", "en": "Train and evaluate the model"},
            {"fr": "Surveiller le modèle en production", "en": "Monitor the model in production"},
        ],
        "explanation_fr": "La question d'abord : les données et le modèle en découlent.",
        "explanation_en": "The question first: the data and the model follow from it.",
    },
]

OTHER_PROGRAMMES = [
    (
        "escape-game-ia",
        ProgrammeKind.ESCAPE_GAME,
        "Escape game : le projet d'IA",
        "Escape game: the AI project",
        "",
        "Une équipe de collègues vit un projet d'IA de l'intérieur, salle après salle, en 45 minutes.",
        "A team of colleagues lives an AI project from the inside, room after room, in 45 minutes.",
    ),
    (
        "sorbonne-acculturation-ia",
        ProgrammeKind.ACADEMIC,
        "Acculturation à l'IA (Sorbonne Université)",
        "AI acculturation (Sorbonne Université)",
        "Sorbonne Université",
        "Des modules d'acculturation à l'intelligence artificielle, conçus avec Sorbonne Université (Sorbonne.AI, France 2030).",
        "Acculturation modules on artificial intelligence, designed with Sorbonne Université (Sorbonne.AI, France 2030).",
    ),
    (
        "formation-apprentissage-automatique",
        ProgrammeKind.TRAINING,
        "Formation : l'apprentissage automatique en pratique",
        "Training: machine learning in practice",
        "",
        "Une formation classique en présentiel ; l'inscription passe par la session d'atelier (places, liste d'attente).",
        "A classic in-person training; registration goes through the workshop session (seats, waiting list).",
    ),
]


def _programme(slug: str, **fields) -> Programme | None:
    """A new programme, or None when the slug is taken (the demo never overwrites)."""
    if Programme.objects.filter(slug=slug).exists():
        return None
    return Programme.objects.create(slug=slug, is_published=True, is_demo=True, **fields)


def _acculturation() -> Programme | None:
    programme = _programme(
        PROGRAMME_SLUG,
        kind=ProgrammeKind.ONLINE,
        title_fr="Dix minutes pour comprendre la data et l'IA",
        title_en="Ten minutes to understand data and AI",
        summary_fr="Un programme d'acculturation pour **tous les collaborateurs** : dirigeants, managers, RH, DPO "
        "et data scientists. Chaque leçon dure une dizaine de minutes.",
        summary_en="An acculturation programme for **all employees**: leaders, managers, HR, DPOs "
        "and data scientists. Each lesson takes about ten minutes.",
    )
    if programme is None:
        return None
    tags = {
        tag.slug: tag
        for tag in Tag.objects.filter(
            slug__in=["machine-learning", "bias-fairness", "privacy-safety"]
        )
    }
    modules = {
        1: Module.objects.create(
            programme=programme,
            position=1,
            title_fr="Ce que font les modèles",
            title_en="What models do",
        ),
        2: Module.objects.create(
            programme=programme,
            position=2,
            title_fr="Risques et règles",
            title_en="Risks and rules",
        ),
    }
    if "machine-learning" in tags:
        modules[1].tags.add(tags["machine-learning"])
    modules[2].tags.add(*[tags[s] for s in ("bias-fairness", "privacy-safety") if s in tags])
    previous = None
    for position, (
        module,
        kind,
        title_fr,
        title_en,
        minutes,
        level,
        audiences,
        body_fr,
        body_en,
    ) in enumerate(LESSONS, 1):
        lesson = Lesson.objects.create(
            module=modules[module],
            position=position,
            kind=kind,
            title_fr=title_fr,
            title_en=title_en,
            duration_minutes=minutes,
            level=level,
            audiences=audiences,
            languages=["fr", "en"],
            body_fr=body_fr,
            body_en=body_en,
        )
        if kind == LessonKind.EXERCISE:
            lesson.dataset_csv = DATASET
            lesson.question_fr = (
                "Quel est le taux d'erreur du modèle (part des prédictions fausses, entre 0 et 1) ?"
            )
            lesson.question_en = (
                "What is the model's error rate (share of wrong predictions, between 0 and 1)?"
            )
            lesson.expected_answer = 0.25
            lesson.tolerance = 0.005
            lesson.save()
        if kind == LessonKind.QUIZ:
            for number, question in enumerate(QUESTIONS, 1):
                QuizQuestion.objects.create(lesson=lesson, position=number, **question)
        if previous is not None:
            lesson.prerequisites.add(previous)
        previous = lesson
    return programme


def _entries() -> int:
    made = 0
    for slug, kind, title_fr, title_en, partner, body_fr, body_en in OTHER_PROGRAMMES:
        programme = _programme(
            slug,
            kind=kind,
            title_fr=title_fr,
            title_en=title_en,
            partner=partner,
            summary_fr=body_fr,
            summary_en=body_en,
        )
        if programme is None:
            continue
        module = Module.objects.create(
            programme=programme, position=1, title_fr="Présentation", title_en="Overview"
        )
        Lesson.objects.create(
            module=module,
            position=1,
            kind=LessonKind.TEXT,
            title_fr=title_fr,
            title_en=title_en,
            duration_minutes=45 if kind == ProgrammeKind.ESCAPE_GAME else 30,
            audiences=[ALL, MANAGERS, HR, DPO] if kind != ProgrammeKind.TRAINING else [DS],
            languages=["fr", "en"],
            body_fr=body_fr,
            body_en=body_en,
        )
        made += 1
    return made


def _cohort(programme: Programme, *, today: dt.date) -> int:
    """The manager's organisation runs the programme as an internal course."""
    from compagnon.site.demo.data import MANAGER_EMAIL

    manager = Person.objects.filter(email__iexact=MANAGER_EMAIL, organisation__isnull=False).first()
    if manager is None or Cohort.objects.filter(programme=programme).exists():
        return 0
    staff = User.objects.filter(is_staff=True).order_by("pk").first()
    cohort = Cohort.objects.create(
        programme=programme,
        title=f"{programme.title_fr} · {manager.organisation.name}",
        starts_on=today - dt.timedelta(days=7),
        ends_on=today + dt.timedelta(days=49),
        reminder_weekday=0,
        created_by=manager.user or staff,
        is_demo=True,
    )
    cohort.organisations.add(manager.organisation)
    return 1


def demo_learning_load(*, today: dt.date | None = None) -> int:
    """Create what is missing; returns how many programmes and cohorts it made."""
    today = today or timezone.localdate()
    with transaction.atomic():
        made = 0
        programme = _acculturation()
        if programme is not None:
            made += 1
        made += _entries()
        acculturation = Programme.objects.filter(slug=PROGRAMME_SLUG).first()
        if acculturation is not None:
            made += _cohort(acculturation, today=today)
    return made
