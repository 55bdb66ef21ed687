"""The staff matching quality page: what it says with no model, prior-only models, a rollback."""

from __future__ import annotations

import pytest
from django.urls import reverse

from compagnon.matching.models import RankingModel

pytestmark = pytest.mark.django_db

QUALITY = "matching:quality"


def _model(version, *, learned=False, active=False, cases=2):
    return RankingModel.objects.create(
        version=version,
        weights={"tags": 1.0},
        metrics={"window_cases": 3, "ndcg_model": 0.76, "ndcg_baseline": 0.76},
        cases=cases,
        learned=learned,
        is_active=active,
    )


def test_with_no_model_the_page_says_when_models_come(client_of, staff_user):
    page = client_of(staff_user).get(reverse(QUALITY)).content.decode()
    assert 'data-testid="quality-empty"' in page
    assert "Models appear here after the nightly training" in page


def test_prior_only_models_do_not_contradict_the_empty_state(client_of, staff_user):
    # The nightly training ran twice on a young club: two models stored, neither learned.
    _model(1)
    _model(2, cases=7)
    page = client_of(staff_user).get(reverse(QUALITY)).content.decode()
    assert 'data-testid="quality-models"' in page
    assert "Models appear here after" not in page  # they are here
    empty = page.split('data-testid="quality-empty"', 1)[1].split("</p>", 1)[0]
    assert "7 invited cases with answers" in empty  # the latest training's count
    assert "30" in empty  # how many it needs
    assert "Find people" in empty  # what staff can do next


def test_activating_the_active_model_again_says_so_and_changes_nothing(client_of, staff_user):
    old = _model(1, learned=True)
    client = client_of(staff_user)
    url = reverse("matching:model_activate", args=[old.pk])
    client.post(url)
    first = RankingModel.objects.get(pk=old.pk).activated_at
    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert RankingModel.objects.get(pk=old.pk).activated_at == first
    assert "already ranks with version 1" in response.content.decode()
    assert RankingModel.objects.filter(is_active=True).count() == 1


def test_activating_a_model_that_does_not_exist_is_404(client_of, staff_user):
    url = reverse("matching:model_activate", args=[987654])
    assert client_of(staff_user).post(url).status_code == 404
