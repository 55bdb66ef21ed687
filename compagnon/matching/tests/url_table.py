"""Who reaches the matching quality page (walked by test_permissions)."""

from __future__ import annotations

from compagnon.core.tests.urltable import REDIRECT, Case, staff_only


def _model(world):
    from compagnon.matching.models import RankingModel

    model, _ = RankingModel.objects.get_or_create(
        version=1, defaults={"weights": {"tags": 1.0}, "learned": True}
    )
    return {"pk": model.pk}


URL_TABLE = {
    "matching:quality": Case(staff_only()),
    "matching:model_activate": Case(staff_only(REDIRECT), method="post", kwargs=_model),
}
