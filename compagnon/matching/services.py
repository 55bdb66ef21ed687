"""Writes for matching: the index rebuild, the vocabulary, the learned ranking models."""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from compagnon.matching.index import index_invalidate, person_index
from compagnon.matching.models import RankingModel, Vocabulary
from compagnon.members.models import Tag

logger = logging.getLogger(__name__)


def matching_index_rebuild() -> int:
    """Rebuild the index: this process now, every other process on its next use.

    Returns the number of people indexed here.
    """
    index_invalidate()
    indexed = person_index.rebuild()
    logger.info("matching index rebuilt on request: %d people", indexed)
    return indexed


def _rebuild_everywhere_after_commit() -> None:
    transaction.on_commit(index_invalidate)


def vocabulary_terms_check(*, terms_fr: str, terms_en: str) -> None:
    """Refuse an entry with no term at all: terms are separated by commas or new lines."""
    text = f"{terms_fr}\n{terms_en}".replace(",", "\n")
    if not any(term.strip() for term in text.split("\n")):
        raise ValidationError(
            _("Give at least one term, in French or in English, separated by commas or new lines."),
            code="no_term",
        )


def vocabulary_save(
    *,
    tag: Tag,
    sub_area: str = "",
    terms_fr: str = "",
    terms_en: str = "",
    vocabulary: Vocabulary | None = None,
) -> Vocabulary:
    """Create or change one vocabulary entry; every index rebuilds on its next use."""
    with transaction.atomic():
        if vocabulary is None:
            vocabulary = Vocabulary(tag=tag)
        else:
            vocabulary = Vocabulary.objects.select_for_update().get(pk=vocabulary.pk)
            vocabulary.tag = tag
        vocabulary.sub_area = sub_area.strip()
        vocabulary.terms_fr = terms_fr.strip()
        vocabulary.terms_en = terms_en.strip()
        vocabulary.updated_at = timezone.now()
        vocabulary_terms_check(terms_fr=vocabulary.terms_fr, terms_en=vocabulary.terms_en)
        vocabulary.full_clean()
        vocabulary.save()
        _rebuild_everywhere_after_commit()
    return vocabulary


def vocabulary_delete(*, vocabulary: Vocabulary) -> None:
    with transaction.atomic():
        Vocabulary.objects.filter(pk=vocabulary.pk).delete()
        _rebuild_everywhere_after_commit()


def _models_locked() -> list[RankingModel]:
    """Every model, locked: two activations at once run one after the other."""
    return list(RankingModel.objects.select_for_update().order_by("pk"))


def _deactivate_others(target: RankingModel) -> None:
    RankingModel.objects.filter(is_active=True).exclude(pk=target.pk).update(is_active=False)


def ranking_model_activate(*, model: RankingModel) -> RankingModel:
    """Make `model` the one the index ranks with (a rollback when it is an older version)."""
    with transaction.atomic():
        locked = _models_locked()
        target = next((m for m in locked if m.pk == model.pk), None)
        if target is None:
            raise ValidationError(_("This ranking model no longer exists."))
        if target.is_active and not any(m.is_active for m in locked if m.pk != target.pk):
            return target  # a second click, or two staff at once: nothing to change
        _deactivate_others(target)
        target.is_active = True
        target.activated_at = timezone.now()
        target.full_clean()
        target.save(update_fields=["is_active", "activated_at"])
        _rebuild_everywhere_after_commit()
    logger.info("ranking model v%d active", target.version)
    return target


def ranking_model_train(*, now=None, activate: bool = True) -> RankingModel:
    """Fit a new model on the club's answers, store it with its metrics, and activate it when
    it learned something (too few answers: stored as the prior, not activated)."""
    from compagnon.matching.learning import model_train

    with person_index.ranker() as ranker:
        current = RankingModel.objects.filter(is_active=True).first()
        if ranker is None:
            from compagnon.matching.engine import Weights
            from compagnon.matching.engine.learn import prior_weights

            weights, cases, pairs, learned, metrics = prior_weights(Weights()), 0, 0, False, {}
        else:
            training = model_train(ranker, current.weights if current else None, now=now)
            weights, cases, pairs = training.weights, training.cases, training.pairs
            learned, metrics = training.learned, training.metrics
    if not learned:
        # A young club: the nightly run finds the same answers every night. Storing the same
        # prior again would fill the quality page with identical versions, each with its own
        # rollback button; the last one already says what this run found.
        latest = RankingModel.objects.order_by("-version").first()
        if (
            latest is not None
            and not latest.learned
            and (latest.weights, latest.metrics, latest.cases, latest.pairs)
            == (weights, metrics, cases, pairs)
        ):
            return latest
    for attempt in range(3):  # two trainings at once: the second takes the next version
        try:
            with transaction.atomic():
                version = (RankingModel.objects.aggregate(v=Max("version"))["v"] or 0) + 1
                model = RankingModel(
                    version=version,
                    weights=weights,
                    metrics=metrics,
                    cases=cases,
                    pairs=pairs,
                    learned=learned,
                )
                model.full_clean(validate_unique=False)
                model.save()
            break
        except IntegrityError:
            if attempt == 2:
                raise
    if activate and learned:
        model = ranking_model_activate(model=model)
    return model
