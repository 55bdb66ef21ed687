from datetime import timedelta

import factory
from django.utils import timezone

from compagnon.challenges.models import Challenge, ChallengeStatus, ChallengeVisibility


class ChallengeFactory(factory.django.DjangoModelFactory):
    """A published challenge running now (started yesterday, ends in a week)."""

    class Meta:
        model = Challenge

    title = factory.Sequence(lambda n: f"Forecast the demand #{n}")
    slug = factory.Sequence(lambda n: f"forecast-demand-{n}")
    description = "Predict **tomorrow's** demand."
    rules = "One account per person. No hand labelling."
    visibility = ChallengeVisibility.MEMBERS
    status = ChallengeStatus.PUBLISHED
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    ends_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    submissions_per_day = 3
    final_selections = 2
    metric = "rmse"
    higher_is_better = False
    id_column = "id"
    target_columns = "target"
