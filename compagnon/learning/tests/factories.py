import factory

from compagnon.learning.models import (
    Lesson,
    LessonKind,
    Module,
    Programme,
    QuestionKind,
    QuizQuestion,
)

# An MP4's first bytes ("ftyp" at offset 4), then filler: enough for range tests.
FAKE_MP4 = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40

VTT_FR = (
    "WEBVTT\n\n"
    "1\n00:00.000 --> 00:04.000\nBonjour, parlons des données.\n\n"
    "00:04.000 --> 00:09.500\n<v Léa>Un modèle apprend de ses données.\n\n"
    "NOTE fin\n\n"
    "00:10.000 --> 00:20.000\nLes biais viennent souvent des données.\n"
)
VTT_EN = (
    "WEBVTT\n\n"
    "00:00.000 --> 00:04.000\nHello, let us talk about data.\n\n"
    "00:04.000 --> 00:09.500\nA model learns from its data.\n\n"
    "00:10.000 --> 00:20.000\nBias often comes from the data.\n"
)


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"programme-{n}")
    title_fr = factory.Sequence(lambda n: f"Programme {n}")
    title_en = factory.Sequence(lambda n: f"Programme {n}")
    is_published = True


class ModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Module

    programme = factory.SubFactory(ProgrammeFactory)
    position = factory.Sequence(lambda n: n + 1)
    title_fr = factory.Sequence(lambda n: f"Module {n}")
    title_en = factory.Sequence(lambda n: f"Module {n}")


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lesson

    module = factory.SubFactory(ModuleFactory)
    position = factory.Sequence(lambda n: n + 1)
    title_fr = factory.Sequence(lambda n: f"Leçon {n}")
    title_en = factory.Sequence(lambda n: f"Lesson {n}")
    kind = LessonKind.TEXT
    duration_minutes = 10
    audiences = factory.LazyFunction(lambda: ["all"])
    languages = factory.LazyFunction(lambda: ["fr", "en"])
    body_fr = "Un texte **court**."
    body_en = "A **short** text."


class QuizQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuizQuestion

    lesson = factory.SubFactory(LessonFactory, kind=LessonKind.QUIZ)
    kind = QuestionKind.SINGLE
    prompt_fr = "Quelle est la bonne réponse ?"
    prompt_en = "Which is right?"
    choices = factory.LazyFunction(
        lambda: [
            {
                "fr": "Oui",
                "en": "Yes",
                "correct": True,
                "feedback_en": "Indeed.",
                "feedback_fr": "En effet.",
            },
            {
                "fr": "Non",
                "en": "No",
                "feedback_en": "Think again.",
                "feedback_fr": "Réfléchissez.",
            },
        ]
    )
