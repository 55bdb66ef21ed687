"""The invitation set: a group that covers the case's tags and mixes organisations.

`_Selection` is a part of `Ranker` (ranker.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np

from compagnon.matching.engine.data import CaseQuery, Match

if TYPE_CHECKING:
    from compagnon.matching.engine.ranker import Ranker

    _Base = Ranker[Any]
else:
    _Base = object

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
        pool, pool_scores = self._best(cq, max(200, 30 * size), load, unavailable)
        if pool.size == 0:
            return []
        tag_slugs = [s for s in cq.tags if s in query.tags] or cq.tags
        tag_cols = [self.taxonomy.index[s] for s in tag_slugs]
        strength = self._rows(pool)[:, tag_cols].toarray() if tag_cols else np.zeros((len(pool), 0))
        taken: list[int] = []  # positions in pool
        per_org: Counter[int] = Counter()
        covers: dict[int, list[str]] = {}

        def allowed(i: int) -> bool:
            org = int(self._org[pool[i]])
            return i not in taken and (org < 0 or per_org[org] < per_organisation_cap)

        def take(i: int) -> None:
            taken.append(i)
            org = int(self._org[pool[i]])
            if org >= 0:
                per_org[org] += 1

        if query.wants_research:
            for i in range(len(pool)):
                if self._kind[pool[i]] > 0 and allowed(i):
                    take(i)
                    break
        covered = {
            j for j in range(len(tag_cols)) for i in taken if strength[i, j] >= self.weights.strong
        }
        while len(taken) < size:
            open_tags = [j for j in range(len(tag_cols)) if j not in covered]
            if not open_tags:
                break
            choice = None
            for threshold in (self.weights.strong, 1e-6):
                options = {
                    j: [i for i in range(len(pool)) if strength[i, j] >= threshold and allowed(i)]
                    for j in open_tags
                }
                options = {j: c for j, c in options.items() if c}
                if options:
                    j = min(options, key=lambda j: (len(options[j]), j))
                    choice = (j, max(options[j], key=lambda i: (pool_scores[i], -i)))
                    break
            if choice is None:
                break
            j, i = choice
            take(i)
            newly = [j] + [
                other
                for other in open_tags
                if other != j and strength[i, other] >= self.weights.strong
            ]
            covered.update(newly)
            covers[i] = [tag_slugs[c] for c in newly]
        while len(taken) < size:
            best, best_value = None, 0.0
            for i in range(len(pool)):
                if not allowed(i):
                    continue
                org = int(self._org[pool[i]])
                value = pool_scores[i] * 0.85 ** (per_org[org] if org >= 0 else 0)
                if value > best_value:
                    best, best_value = i, value
            if best is None:
                break
            take(best)
        taken.sort(key=lambda i: (-pool_scores[i], i))
        self._prepare(pool[taken], cq)
        matches = []
        for i in taken:
            match = self._match(int(pool[i]), float(pool_scores[i]), cq, load)
            extra = [(f"covers {self.taxonomy.label(s)}", ("covers", s)) for s in covers.get(i, [])]
            matches.append(
                Match(
                    match.person_id,
                    match.score,
                    [text for text, _ in extra] + match.reasons,
                    tuple(code for _, code in extra) + match.reason_codes,
                )
            )
        return matches
