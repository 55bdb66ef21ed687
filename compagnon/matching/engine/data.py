"""The engine's plain data: people and cases in, matches out, and the score's weights."""

from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, NamedTuple, TypeVar

LEVELS = {1: "notions", 2: "practitioner", 3: "advanced", 4: "expert"}
# The base score's parts, in `Ranker.features` column order; each has a weight of that name.
PARTS = ("tags", "interests", "words", "chars", "concepts")
RESEARCH_KINDS = ("researcher", "resident")

# A person's id, whatever the caller uses (database primary keys, strings in tests).
IdT = TypeVar("IdT", bound=Hashable)
# A case's id in `Ranker.rank_cases`.
CaseIdT = TypeVar("CaseIdT", bound=Hashable)


@dataclass(frozen=True)
class PersonDoc(Generic[IdT]):
    """One person as the engine sees them. `skills`: tag slug -> level 1-4."""

    id: IdT
    text: str
    skills: Mapping[str, int]
    interests: Collection[str]
    organisation: str
    base: str | None
    languages: Collection[str]
    teaches: Collection[str] = frozenset()
    kind: str = "member"  # "member", "researcher" or "resident"
    remote_ok: bool = True


@dataclass(frozen=True)
class CaseQuery:
    """A case to staff. `tags` are slugs (unknown ones are ignored)."""

    text: str
    tags: Collection[str]
    organisation: str | None = None
    base: str | None = None
    language: str | None = None
    exclude_organisations: Collection[str] = frozenset()
    remote_ok: bool = True
    wants_research: bool = False


@dataclass(frozen=True)
class Match(Generic[IdT]):
    person_id: IdT
    score: float
    reasons: list[str]
    # The same reasons as (code, *arguments), for a caller that translates them.
    reason_codes: tuple[tuple[Any, ...], ...] = ()


class _CaseMatchFields(NamedTuple):
    case_id: Hashable
    score: float
    reasons: list[str]


class CaseMatch(_CaseMatchFields):
    """A (case_id, score, reasons) tuple; `reason_codes` rides along as an attribute."""

    reason_codes: tuple[tuple[Any, ...], ...] = ()

    @classmethod
    def of(cls, case_id: Hashable, match: Match[Any]) -> CaseMatch:
        item = cls(case_id, match.score, match.reasons)
        item.reason_codes = match.reason_codes
        return item


@dataclass(frozen=True)
class Weights:
    """Every constant of the score, in one place (see docs/matching.md)."""

    level: tuple[float, ...] = (0.0, 0.25, 0.55, 0.85, 1.0)  # declared level 0..4
    teaches: float = 0.15  # added to a declared skill the person can teach
    text_expert: float = 0.8  # profile text mentions the tag near "expert", "10 ans"...
    text_mention: float = 0.45  # plain mention
    text_interest: float = 0.7  # mention near "learn", "découvrir"... counts as interest
    corroboration: float = 0.25  # S = max(declared, text) + c * min(declared, text)
    # The tag values of someone who declared no skill at all (all read in their text) are
    # scaled by this: a text names a tag for a sibling sub-topic as readily as for the
    # case's own, a declaration is a statement. Fitted on the dev set (matching_tune.py).
    undeclared_text: float = 1.0
    # Text evidence read from a vocabulary sub-area of a tag ("seasonal ARIMA" for Time
    # Series) is credited per sub-area: full on a case that names that sub-area or none of
    # the tag's, this share on a case that names only a sibling sub-area of the same tag.
    # Declared skills stay per tag. 1 = per tag (the engine before the sub-area credit of
    # 2026-12-05). Fitted on the dev set, atelier + fratrie (matching_tune.py --sibling).
    sibling_text: float = 0.3
    # The hierarchy credit (parent, child below) of a tag value read from the text alone (no
    # declaration on that tag) x this: a text names what the person does at the grain it is
    # written, a declaration names a field. 1 = off: 0.2, chosen on the five dev sets with
    # the parts' weights fixed (matching_tune.py --fixed), was tried and withdrawn after its
    # held-out run (docs/matching.md, seventh change).
    text_spread: float = 1.0
    parent: float = 0.7  # credit per level when the skill is on an ancestor of the case tag
    child: float = 0.6  # credit per level when the skill is on a descendant
    interest_related: float = 0.4  # interest on the parent or a child of the case tag
    inferred_case_tag: float = 0.5  # tag found in the case text, when the case has tags
    # The tag part's scale when the case text names a vocabulary sub-area ("prévision de la
    # demande"): declared skills name the tag, not the sub-area; fitted on the dev set.
    sub_area_tags: float = 1.0
    # The parts' weights were fitted on the dev set by bench/matching_tune.py (docs/matching.md);
    # a learned model (learn.py) replaces them once the club has enough answered invitations.
    tags: float = 1.0
    interests: float = 0.05
    concepts: float = 0.350  # cosine of vocabulary concepts (tag and sub-area terms) TF-IDF
    words: float = 0.010  # cosine of word uni+bigram TF-IDF
    chars: float = 0.420  # cosine of character 3-5-gram TF-IDF
    # The characters part's scale (after normalisation) on a case whose text names no
    # vocabulary sub-area: the structured parts then know only the tag, and what the case is
    # specifically about is in its words alone. 1 = off: the dev set rejected 1.5, 2 and 3
    # (matching_tune.py --chars).
    unrevealed_chars: float = 1.0
    # The characters part's scale (after normalisation) on a case whose words the vocabulary
    # does not read: x uncovered_chars ** (1 - coverage), coverage being the share of the
    # case's content words inside a tag name or vocabulary term it found. A case in the
    # requester's own words ("our machines break down without warning") leaves its concepts
    # and inferred tags weak, and what it is about is in its words alone. 1 = off: the four
    # dev sets rejected it (matching_tune.py --uncovered; docs/matching.md, sixth change).
    uncovered_chars: float = 1.0
    # Each part's weight on a case x idf ** part_idf after normalisation, idf =
    # log(1 + n / m) / log(1 + n), n the people the case may go to, m those at half the part's
    # best value or more: a part on which a fifth of the club is near the top (a tag declared
    # by many, for a case on a rare sub-topic) says less than one a handful reach. 0 = off:
    # 1 with a prior re-fitted on the four dev sets was tried and withdrawn after its
    # held-out run (docs/matching.md, sixth change).
    part_idf: float = 0.0
    concept_idf: bool = (
        False  # weigh concepts by their idf over the club (rare sub-areas count more)
    )
    word_scoring: str = "tfidf"  # the words part: "tfidf" (cosine) or "bm25" (Okapi)
    # Per-case normalisation of the parts: each part is divided by its largest value among
    # the people the case may be offered to (a cosine of 0.2 is the best a case's words
    # reach with one club, 0.7 with another), so its weight means the same on every case.
    # `min_score` is still tested on the unnormalised base score (evidence, not rank).
    normalise: bool = True
    embedding: float = 0.0  # cosine of optional sentence embeddings (embeddings.py): off
    same_organisation: float = 0.92  # diversity: prefer peers from other organisations
    other_base_remote: float = 0.95
    other_base_onsite: float = 0.6
    no_language: float = 0.6
    unknown_language: float = 0.9
    research: float = 1.15  # researcher or resident, when the case welcomes research
    load: float = 0.25  # score / (1 + load * recent invitations)
    strong: float = 0.5  # tag value that "covers" a case tag in an invitation set
    min_score: float = 0.02  # below: a few shared character n-grams, noise
