"""Two staff activate two different models at the same moment: one model ends up active.

Activation deactivates the active model, then marks its own. Without the lock
on the models both deactivate the old one before either commits, both mark
their own, and the second breaks the one-active-model constraint (an error
for that staff member, at `full_clean` or at the write). With the lock the second waits, then deactivates
the first one's model. PostgreSQL only: SQLite serialises writers anyway.
"""

from __future__ import annotations

import contextlib
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection

from compagnon.matching import services
from compagnon.matching.models import RankingModel

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _models():
    for version in (1, 2):
        RankingModel.objects.create(version=version, weights={"tags": 1.0}, learned=True)
    RankingModel.objects.create(version=3, weights={"tags": 1.0}, learned=True, is_active=True)
    return list(RankingModel.objects.filter(version__in=(1, 2)).order_by("version"))


def _activate_together(models, monkeypatch, *, wait):
    barrier = threading.Barrier(2, timeout=wait)
    deactivate = services._deactivate_others

    def deactivate_when_both_are_there(target):
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait()
        deactivate(target)

    monkeypatch.setattr(services, "_deactivate_others", deactivate_when_both_are_there)
    done, failed, errors = [], [], []

    def activate(model):
        try:
            services.ranking_model_activate(model=model)
            done.append(model.version)
        except (IntegrityError, ValidationError):  # the constraint, at the check or the write
            failed.append(model.version)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=activate, args=(m,)) for m in models]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    return done, failed


def test_with_the_lock_both_activations_succeed_and_one_model_is_active(monkeypatch):
    done, failed = _activate_together(_models(), monkeypatch, wait=2)
    assert sorted(done) == [1, 2] and failed == []
    assert RankingModel.objects.filter(is_active=True).count() == 1


def test_without_the_lock_one_activation_fails(monkeypatch):
    monkeypatch.setattr(
        services, "_models_locked", lambda: list(RankingModel.objects.order_by("pk"))
    )
    done, failed = _activate_together(_models(), monkeypatch, wait=10)
    assert len(done) == 1 and len(failed) == 1
    assert RankingModel.objects.filter(is_active=True).count() == 1
