"""The club's answers as labels, and the models learned from them (reads; services write).

Labels per (case, person), from three apps matching only reads:
- `cases.CaseInvitation` (staff invitations, not raised hands): "can help as an
  expert" 3, "interested" 2, "not this time" 0, no answer 0 once the invitation
  expired or is older than `NO_ANSWER_DAYS` (a pending one is not a label yet);
- `workshops.Registration`: present at a workshop that came out of the case
  lifts the label to at least 2;
- `workshops.Feedback`: "what did you learn?" filled in for such a workshop
  lifts it to 3.
Each labelled case also gets `learn.NOT_INVITED` people drawn at random from the
index who were not invited (label -1), so the model sees the whole club.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from django.db.models import Q
from django.utils import timezone

from compagnon.cases.models import Answer, Case, CaseInvitation
from compagnon.matching.engine import Ranker, Weights
from compagnon.matching.engine.learn import (
    NOT_INVITED,
    NOT_INVITED_LABEL,
    LabelledCase,
    cases_ndcg,
    prior_weights,
    weights_fit,
)
from compagnon.matching.selectors import case_query, cases_with_query_data
from compagnon.workshops.models import Attendance, Feedback, Registration

NO_ANSWER_DAYS = 14
WINDOW_DAYS = 90
ANSWER_LABELS: dict[str, float] = {
    Answer.EXPERT.value: 3.0,
    Answer.INTERESTED.value: 2.0,
    Answer.DECLINED.value: 0.0,
}


@dataclass(frozen=True)
class CaseLabels:
    case_id: int
    answered_at: datetime  # the last answer: what "the last 90 days" looks at
    labels: dict[int, float]  # person id -> label


def answer_label(
    answer: str, expires_at: datetime | None, created_at: datetime, now
) -> float | None:
    if answer in ANSWER_LABELS:
        return ANSWER_LABELS[answer]
    expired = expires_at is not None and expires_at <= now
    if expired or created_at <= now - timedelta(days=NO_ANSWER_DAYS):
        return 0.0
    return None


def labels_collect(now: datetime | None = None) -> list[CaseLabels]:
    """Every case with at least one label, oldest first (four queries)."""
    now = now or timezone.now()
    by_case: dict[int, dict[int, float]] = {}
    last: dict[int, datetime] = {}
    rows = CaseInvitation.objects.filter(volunteered=False).values_list(
        "case_id", "person_id", "answer", "expires_at", "created_at", "answered_at"
    )
    for case_id, person_id, answer, expires_at, created_at, answered_at in rows:
        label = answer_label(answer, expires_at, created_at, now)
        if label is None:
            continue
        by_case.setdefault(case_id, {})[person_id] = label
        when = answered_at or expires_at or created_at
        last[case_id] = max(last.get(case_id, when), min(when, now))
    present = Registration.objects.filter(
        attendance=Attendance.PRESENT, workshop__origin_case__isnull=False
    ).values_list("workshop__origin_case_id", "person_id", "updated_at")
    for case_id, person_id, updated_at in present:
        labels = by_case.setdefault(case_id, {})
        labels[person_id] = max(labels.get(person_id, 0.0), 2.0)
        last[case_id] = max(last.get(case_id, updated_at), updated_at)
    learned = (
        Feedback.objects.filter(registration__workshop__origin_case__isnull=False)
        .exclude(Q(learned="") | Q(learned__isnull=True))
        .values_list("registration__workshop__origin_case_id", "registration__person_id")
    )
    for case_id, person_id in learned:
        by_case.setdefault(case_id, {})[person_id] = 3.0
    found = [CaseLabels(c, last.get(c, now), labels) for c, labels in by_case.items() if labels]
    found.sort(key=lambda item: (item.answered_at, item.case_id))
    return found


def labelled_cases(
    ranker: Ranker[int], labels: Iterable[CaseLabels]
) -> list[tuple[CaseLabels, LabelledCase]]:
    """The parts of each labelled person (and of random non-invited people) for each case."""
    labels = list(labels)
    cases = {
        case.pk: case
        for case in cases_with_query_data(Case.objects.filter(pk__in=[x.case_id for x in labels]))
    }
    everyone = sorted(ranker.ids)
    found = []
    for item in labels:
        case = cases.get(item.case_id)
        if case is None:
            continue
        rng = random.Random(item.case_id)
        others = [p for p in rng.sample(everyone, min(len(everyone), NOT_INVITED + len(item.labels)))
                  if p not in item.labels][:NOT_INVITED]  # fmt: skip
        ids, parts, factors = ranker.features(case_query(case), [*item.labels, *others])
        if len(ids) < 2:
            continue
        values = np.array([item.labels.get(p, NOT_INVITED_LABEL) for p in ids], float)
        found.append((item, LabelledCase(parts, factors, values)))
    return found


@dataclass(frozen=True)
class Training:
    weights: dict[str, float]
    cases: int
    pairs: int
    learned: bool
    metrics: dict


def model_train(ranker: Ranker[int], previous: dict[str, float] | None, now=None) -> Training:
    """Fit on every labelled case; measure on the last `WINDOW_DAYS` days' cases.

    The measured model is fitted on the cases before the window only (the deployed one on
    all of them), so its figure is out of sample; the baseline is the prior (hand weights
    fitted on the dev set), the previous model the one active before this one.
    """
    now = now or timezone.now()
    items = labelled_cases(ranker, labels_collect(now))
    start = now - timedelta(days=WINDOW_DAYS)
    window = [lc for item, lc in items if item.answered_at >= start]
    before = [lc for item, lc in items if item.answered_at < start]
    prior = Weights()
    fit = weights_fit([lc for _, lc in items], prior)
    measured = weights_fit(before, prior)
    baseline = prior_weights(prior)
    metrics = {
        "window_days": WINDOW_DAYS,
        "window_cases": len(window),
        "ndcg_model": _rounded(cases_ndcg(window, measured.weights)),
        "ndcg_baseline": _rounded(cases_ndcg(window, baseline)),
        "ndcg_previous": _rounded(cases_ndcg(window, previous)) if previous else None,
        "trained_before_window": measured.cases,
    }
    return Training(fit.weights, fit.cases, fit.pairs, fit.learned, metrics)


def _rounded(value: float) -> float | None:
    return None if value != value else round(value, 4)  # NaN: no labelled case in the window
