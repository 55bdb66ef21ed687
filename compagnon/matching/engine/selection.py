"""The invitation set: a group that covers the case's tags and mixes organisations.

`_Selection` is a part of `Ranker` (ranker.py).
"""

from __future__ import annotations

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
            group.take_first(np.flatnonzero(self._kind[pool] > 0))
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
    """The invitation set being built, as positions in the candidate pool.

    Vectorised over the pool (a few hundred people): `free` says who may still be taken, and
    each step is one pass of numpy, not a Python loop over the pool. Ties go to the earlier
    position, as the pool is in score order.
    """

    DIVERSITY = 0.85  # each further person of an organisation already in the set counts 0.85x

    def __init__(self, scores: np.ndarray, organisations: np.ndarray, cap: int):
        self.scores, self.organisations, self.cap = scores, organisations, cap
        self.taken: list[int] = []
        self.known = organisations >= 0
        # per position: how many of its organisation are in the set already (0 without one)
        self.same = np.zeros(len(scores), np.int64)
        self.free = np.ones(len(scores), bool)
        if cap <= 0:
            self.free &= ~self.known
        # 0.85 ** n as the scalar loop had it (a Python float meeting a float32 score: the
        # product is float32), for every count an organisation can reach under the cap
        self.discount = np.array([self.DIVERSITY**n for n in range(max(cap, 0) + 1)], np.float32)

    def take(self, i: int) -> None:
        self.taken.append(i)
        self.free[i] = False
        org = int(self.organisations[i])
        if org >= 0:
            mine = self.organisations == org
            self.same[mine] += 1
            if self.same[i] >= self.cap:
                self.free[mine] = False

    def take_first(self, candidates: np.ndarray) -> None:
        """The first allowed candidate (candidates are in score order)."""
        allowed = candidates[self.free[candidates]]
        if allowed.size:
            self.take(int(allowed[0]))

    def cover(self, strength: np.ndarray, strong: float, size: int) -> dict[int, list[int]]:
        """Take people until each tag column has someone strong on it (scarcest tag first;
        someone with any value when nobody is strong). Returns position -> columns covered."""
        n_tags = strength.shape[1]
        strong_on = strength >= strong
        covered = set(np.flatnonzero(strong_on[self.taken].any(axis=0)).tolist())
        covers: dict[int, list[int]] = {}
        while len(self.taken) < size:
            open_tags = [j for j in range(n_tags) if j not in covered]
            choice = self._scarcest(strength, open_tags, strong) if open_tags else None
            if choice is None:
                break
            j, i = choice
            self.take(i)
            newly = [j] + [o for o in open_tags if o != j and strong_on[i, o]]
            covered.update(newly)
            covers[i] = newly
        return covers

    def _scarcest(
        self, strength: np.ndarray, open_tags: list[int], strong: float
    ) -> tuple[int, int] | None:
        """The open tag with the fewest allowed people at the threshold (then the lowest
        column), and its best-scoring one (then the earliest)."""
        for threshold in (strong, 1e-6):
            options = (strength[:, open_tags] >= threshold) & self.free[:, None]
            counts = options.sum(axis=0)
            if not counts.any():
                continue
            at = int(np.argmin(np.where(counts > 0, counts, len(self.scores) + 1)))
            i = int(np.argmax(np.where(options[:, at], self.scores, -np.inf)))
            return open_tags[at], i
        return None

    def fill(self, size: int) -> None:
        """Best scores, each further person of an organisation already there discounted."""
        while len(self.taken) < size:
            value = self.scores * self.discount[np.minimum(self.same, len(self.discount) - 1)]
            value[~self.free] = 0.0
            best = int(np.argmax(value))
            if not value[best] > 0:
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
