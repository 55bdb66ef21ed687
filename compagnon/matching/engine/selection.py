"""The invitation set: a group that covers the case's tags and mixes organisations.

`_Selection` is a part of `Ranker` (ranker.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import replace
from typing import Any

import numpy as np

from compagnon.matching.engine.data import CaseQuery, Match

# The mixin reads the ranker's attributes (set in Ranker.__init__); typed as Any here.
_Base: Any = object

IdT = Any


class _Selection(_Base):
    """Who to invite together (mixed into `Ranker`)."""

    def invitation_set(
        self,
        query: CaseQuery,
        size: int = 8,
        *,
        per_organisation_cap: int = 2,
        load: Mapping[IdT, int] | None = None,
        unavailable: Collection[IdT] = (),
        wants_research: bool | None = None,
    ) -> list[Match[IdT]]:
        """A group to invite: covers the case's tags, mixes organisations, then best scores.

        Greedy: (1) the best researcher or resident when the case wants research; (2) for
        each case tag not yet covered, scarcest first, the best-scoring person strong on it;
        (3) fill by score, each further person of an organisation already in the set
        weighing 0.85x. Never more than `per_organisation_cap` per organisation.
        """
        if size <= 0 or not self._row_of:
            return []
        if wants_research is not None and wants_research != query.wants_research:
            query = replace(query, wants_research=wants_research)
        cq = self._compile(query)
        pool, scores = self._best(cq, max(200, 30 * size), load, unavailable)
        if pool.size == 0:
            return []
        tags = [s for s in cq.tags if s in query.tags] or cq.tags
        columns = [self.taxonomy.index[s] for s in tags]
        strength = self._rows(pool)[:, columns].toarray() if columns else np.zeros((len(pool), 0))
        group = _Group(scores, self._org[pool], per_organisation_cap)
        if query.wants_research:
            group.take_first([i for i in range(len(pool)) if self._kind[pool[i]] > 0])
        covers = group.cover(strength, self.weights.strong, size)
        group.fill(size)
        taken = sorted(group.taken, key=lambda i: (-scores[i], i))
        self._prepare(pool[taken], cq)
        return [
            _with_covers(
                self._match(int(pool[i]), float(scores[i]), cq, load),
                [
                    (f"covers {self.taxonomy.label(tags[j])}", ("covers", tags[j]))
                    for j in covers.get(i, [])
                ],
            )
            for i in taken
        ]


class _Group:
    """The invitation set being built, as positions in the candidate pool."""

    DIVERSITY = 0.85  # each further person of an organisation already in the set counts 0.85x

    def __init__(self, scores: np.ndarray, organisations: np.ndarray, cap: int):
        self.scores, self.organisations, self.cap = scores, organisations, cap
        self.taken: list[int] = []
        self.per_org: Counter[int] = Counter()

    def allowed(self, i: int) -> bool:
        org = int(self.organisations[i])
        return i not in self.taken and (org < 0 or self.per_org[org] < self.cap)

    def take(self, i: int) -> None:
        self.taken.append(i)
        org = int(self.organisations[i])
        if org >= 0:
            self.per_org[org] += 1

    def take_first(self, candidates: list[int]) -> None:
        """The first allowed candidate (candidates are in score order)."""
        for i in candidates:
            if self.allowed(i):
                self.take(i)
                return

    def cover(self, strength: np.ndarray, strong: float, size: int) -> dict[int, list[int]]:
        """Take people until each tag column has someone strong on it (scarcest tag first;
        someone with any value when nobody is strong). Returns position -> columns covered."""
        n_tags = strength.shape[1]
        covered = {j for j in range(n_tags) for i in self.taken if strength[i, j] >= strong}
        covers: dict[int, list[int]] = {}
        while len(self.taken) < size:
            open_tags = [j for j in range(n_tags) if j not in covered]
            choice = self._scarcest(strength, open_tags, strong) if open_tags else None
            if choice is None:
                break
            j, i = choice
            self.take(i)
            newly = [j] + [o for o in open_tags if o != j and strength[i, o] >= strong]
            covered.update(newly)
            covers[i] = newly
        return covers

    def _scarcest(
        self, strength: np.ndarray, open_tags: list[int], strong: float
    ) -> tuple[int, int] | None:
        for threshold in (strong, 1e-6):
            options = {
                j: [i for i in range(len(self.scores)) if strength[i, j] >= threshold]
                for j in open_tags
            }
            options = {j: [i for i in c if self.allowed(i)] for j, c in options.items()}
            options = {j: c for j, c in options.items() if c}
            if options:
                j = min(options, key=lambda j: (len(options[j]), j))
                return j, max(options[j], key=lambda i: (self.scores[i], -i))
        return None

    def fill(self, size: int) -> None:
        """Best scores, each further person of an organisation already there discounted."""
        while len(self.taken) < size:
            best, best_value = None, 0.0
            for i in range(len(self.scores)):
                if not self.allowed(i):
                    continue
                org = int(self.organisations[i])
                value = self.scores[i] * self.DIVERSITY ** (self.per_org[org] if org >= 0 else 0)
                if value > best_value:
                    best, best_value = i, value
            if best is None:
                return
            self.take(best)


def _with_covers(match: Match[IdT], extra: list[tuple[str, tuple]]) -> Match[IdT]:
    """The match with "covers …" reasons first."""
    if not extra:
        return match
    return Match(
        match.person_id,
        match.score,
        [text for text, _ in extra] + match.reasons,
        tuple(code for _, code in extra) + match.reason_codes,
    )
