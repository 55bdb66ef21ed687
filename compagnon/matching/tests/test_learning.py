"""The vocabulary in the database, labels from the club's answers, learned models, rollback."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from compagnon.cases.models import Answer
from compagnon.matching.engine import learn
from compagnon.matching.index import person_index
from compagnon.matching.learning import labels_collect
from compagnon.matching.models import RankingModel, Vocabulary
from compagnon.matching.selectors import people_ranked_for_case
from compagnon.matching.services import (
    ranking_model_activate,
    ranking_model_train,
    vocabulary_save,
)
from compagnon.matching.tests.club import build_club, invite, open_case, person
from compagnon.members.models import Tag
from compagnon.members.tests.factories import SkillFactory
from compagnon.workshops.models import Attendance, Feedback
from compagnon.workshops.tests.factories import RegistrationFactory, WorkshopFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def club(db):
    person_index.reset()
    yield build_club()
    person_index.reset()


def test_the_migration_ships_a_bilingual_vocabulary(db):
    entry = Vocabulary.objects.get(tag__slug="time-series", sub_area="demand-forecasting")
    assert "ARIMA" in entry.terms_fr and "demand forecasting" in entry.terms_en
    assert Vocabulary.objects.filter(sub_area="").count() == Tag.objects.count()


def test_a_vocabulary_term_added_by_staff_reaches_the_ranking(
    club, django_capture_on_commit_callbacks
):
    reader = person(club.gamma, "Rita", bio="Je fais du zorglub appliqué tous les jours.")
    case = open_case(club.owner, tags=[], title="Zorglub", description="Who does zorglub?")
    before = {r.person.pk: r for r in people_ranked_for_case(case, k=50)}
    assert not any("Causality" in reason for reason in before[reader.pk].reasons)
    with django_capture_on_commit_callbacks(execute=True):
        vocabulary_save(tag=club.causality, sub_area="zorglub", terms_fr="zorglub", terms_en="")
    ranked = {r.person.pk: r for r in people_ranked_for_case(case, k=50)}
    assert "the profile mentions zorglub (Causality)" in ranked[reader.pk].reasons
    assert ranked[reader.pk].score > before[reader.pk].score


def test_a_vocabulary_entry_too_long_is_refused_and_nothing_is_written(club):
    before = Vocabulary.objects.count()
    with pytest.raises(ValidationError) as error:
        vocabulary_save(tag=club.causality, sub_area="x", terms_fr="a" * 5000)
    assert "terms_fr" in error.value.message_dict
    assert Vocabulary.objects.count() == before


def test_answers_attendance_and_feedback_become_labels(club):
    now = timezone.now()
    old = now - timedelta(days=30)
    invite(club.case, club.expert, answer=Answer.EXPERT, answered_at=now)
    invite(club.case, club.colleague, answer=Answer.INTERESTED, answered_at=now)
    invite(club.case, club.nlp_person, answer=Answer.DECLINED, answered_at=now)
    invite(club.case, club.learner)  # pending, not expired: not a label yet
    other = open_case(club.owner, tags=[club.forecasting], title="Another")
    invite(other, club.learner, created_at=old, expires_at=old + timedelta(days=10))  # no answer
    workshop = WorkshopFactory(origin_case=other)
    present = RegistrationFactory(workshop=workshop, attendance=Attendance.PRESENT)
    learner = RegistrationFactory(workshop=workshop, attendance=Attendance.PRESENT)
    Feedback.objects.create(registration=learner, rating=4, learned="Uplift models")
    labels = {item.case_id: item.labels for item in labels_collect(now)}
    assert labels[club.case.pk] == {
        club.expert.pk: 3.0,
        club.colleague.pk: 2.0,
        club.nlp_person.pk: 0.0,
    }
    assert labels[other.pk] == {
        club.learner.pk: 0.0,
        present.person_id: 2.0,
        learner.person_id: 3.0,
    }


def test_too_few_answers_store_the_prior_without_activating_it(club):
    invite(club.case, club.expert, answer=Answer.EXPERT, answered_at=timezone.now())
    model = ranking_model_train()
    assert model.version == 1 and not model.learned and not model.is_active
    assert not RankingModel.objects.filter(is_active=True).exists()


def test_a_nightly_run_on_the_same_few_answers_stores_no_second_prior(club):
    invite(club.case, club.expert, answer=Answer.EXPERT, answered_at=timezone.now())
    first = ranking_model_train()
    again = ranking_model_train()
    assert again.pk == first.pk and RankingModel.objects.count() == 1
    other = open_case(club.owner, tags=[club.causality], title="Another causal question")
    invite(other, club.learner, answer=Answer.INTERESTED, answered_at=timezone.now())
    grown = ranking_model_train()
    assert grown.version == 2 and not grown.learned and grown.cases == first.cases + 1


def _answered_cases(club, count: int) -> None:
    for index in range(count):
        case = open_case(club.owner, tags=[club.causality], title=f"Causal question {index}")
        invite(case, club.expert, answer=Answer.EXPERT, answered_at=timezone.now())
        invite(case, club.learner, answer=Answer.DECLINED, answered_at=timezone.now())


def test_a_model_learns_is_stored_with_metrics_and_can_be_rolled_back(
    club, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(learn, "MIN_CASES", 3)
    SkillFactory(person=club.nlp_person, tag=club.causality, level=1)
    _answered_cases(club, 4)
    first = ranking_model_train()
    assert first.learned and first.is_active and first.cases >= 4 and first.pairs > 0
    assert set(first.weights) == set(learn.PARTS)
    assert first.metrics["window_cases"] >= 4 and first.metrics["ndcg_baseline"] is not None
    second = ranking_model_train()
    assert second.version == 2 and second.is_active
    assert second.metrics["ndcg_previous"] is not None
    first.refresh_from_db()
    assert not first.is_active
    with django_capture_on_commit_callbacks(execute=True):
        ranking_model_activate(model=first)
    assert list(RankingModel.objects.filter(is_active=True)) == [first]
    with person_index.ranker():
        assert person_index.model_version == 1


def test_the_quality_page_shows_models_and_rolls_back(club, client, staff_user, monkeypatch):
    client.force_login(staff_user)
    page = client.get(reverse("matching:quality"))
    assert page.status_code == 200
    assert b'data-testid="quality-empty"' in page.content
    monkeypatch.setattr(learn, "MIN_CASES", 3)
    _answered_cases(club, 4)
    first = ranking_model_train()
    ranking_model_train()
    page = client.get(reverse("matching:quality"))
    assert b'data-testid="quality-models"' in page.content
    assert b"v2" in page.content and b"v1" in page.content
    response = client.post(reverse("matching:model_activate", args=[first.pk]), follow=True)
    assert response.status_code == 200
    first.refresh_from_db()
    assert first.is_active
    assert b"version 1" in response.content


def test_a_concept_reason_reads_in_french_and_english(db):
    from django.utils import translation

    from compagnon.matching.reasons import reason_text

    labels = {"time-series": ("Séries temporelles", "Time Series")}
    code = ["concepts", "time-series", "ARIMA", "saisonnalité", "demand forecasting"]
    with translation.override("fr"):
        assert reason_text(code, labels) == (
            "le profil mentionne ARIMA, saisonnalité et demand forecasting (Séries temporelles)"
        )
    with translation.override("en"):
        assert reason_text(code, labels) == (
            "the profile mentions ARIMA, saisonnalité and demand forecasting (Time Series)"
        )


def test_the_admin_edits_the_vocabulary_through_the_service(
    club, admin_client, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    from compagnon.matching.index import GENERATION_CACHE_KEY

    before = cache.get(GENERATION_CACHE_KEY, 0)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:matching_vocabulary_add"),
            {"tag": club.nlp.pk, "sub_area": " chatbots ", "terms_fr": "", "terms_en": "bots"},
        )
    assert response.status_code == 302
    entry = Vocabulary.objects.get(tag=club.nlp, sub_area="chatbots")
    assert entry.terms_en == "bots"
    assert cache.get(GENERATION_CACHE_KEY, 0) != before  # every index rebuilds
