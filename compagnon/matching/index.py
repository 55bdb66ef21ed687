"""The matching index: people read from the database, ranked by the pure engine.

Matching owns no data. This module turns `members` rows into the engine's
`PersonDoc`s and keeps one `Ranker` per process, fresh without rebuilding it
on every request:

* Every change to a person's profile, skills or interests bumps
  `Person.updated_at` (`members.services._touch`, the import's UPDATE, the
  admin's `save_model`). The index remembers the `updated_at` it indexed for
  each person and the highest one it has seen (the watermark). On each use it
  reads the ids and `updated_at` of the rows changed since the watermark (one
  small query, with a margin for transactions that commit later than their
  timestamp), reloads only those whose version differs, and `upsert`s or
  `remove`s them.
* Eligibility also depends on the organisation's membership status, which
  does not touch the person row. So each use also compares the count and
  the id sum of the eligible people with what the index holds (one aggregate
  query) and, when they differ, diffs the ids.
* A full rebuild happens when the taxonomy changed (slugs, labels, synonyms,
  parents; the vocabulary and the active ranking model are read on rebuild, and
  their services bump the shared generation),
  when more than 20 % of the rows changed at once (an import), when
  the rebuild task bumped the shared generation (`matching_index_rebuild`:
  each process rebuilds on its next use), and on first use.

Who is matchable: people still at their organisation (`left_organisation_on`
empty) who are residents or researchers, or employees of an organisation
whose membership is active — the members of `Viewer.is_member`, without club
staff and guests. Directory visibility does not matter here: a person hidden
from the directory ("staff only") is still ranked for staff, who run the
matching; the case owner only ever sees people the directory lets them see
(see `cases.templatetags.case_responses`).
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from compagnon.matching.engine import PersonDoc, Ranker, Taxonomy, Weights
from compagnon.matching.engine.learn import weights_apply
from compagnon.members.models import (
    Interest,
    MembershipStatus,
    MembershipType,
    OrganisationKind,
    Person,
    Skill,
    Tag,
)

logger = logging.getLogger(__name__)

# Rows changed at once above which rebuilding beats upserting one by one:
# 20 % of the index, but never for fewer rows than REBUILD_MIN_ROWS.
REBUILD_SHARE = 0.2
REBUILD_MIN_ROWS = 20
# A transaction that stamps `updated_at` and commits a little later must not be
# missed: the incremental read looks back this far behind the watermark.
WATERMARK_SLACK = timedelta(minutes=5)
GENERATION_CACHE_KEY = "matching:index:generation"
LOAD_CHUNK = 1000

_MEMBERS_WITHOUT_ORGANISATION = (MembershipType.RESIDENT, MembershipType.RESEARCHER)

# Hook for other apps' text about a person (knowledge: workshop reports they
# wrote or took part in). Each source takes person ids and returns text by id;
# `index_text_source_add` registers one. Sources must bump nothing themselves:
# the index re-reads a person's text when their row changes or on a rebuild.
TextSource = Callable[[Sequence[int]], Mapping[int, str]]
_TEXT_SOURCES: list[TextSource] = []


def index_text_source_add(source: TextSource) -> None:
    if source not in _TEXT_SOURCES:
        _TEXT_SOURCES.append(source)


def index_people_touch(person_ids: Iterable[int]) -> None:
    """A source's text about these people changed (a report published): re-read them.

    Bumps their `updated_at`, which the freshness check already watches.
    """
    ids = list(person_ids)
    if ids:
        Person.objects.filter(pk__in=ids).update(updated_at=timezone.now())


# --- who is matchable ---------------------------------------------------------------------


def matchable_q() -> Q:
    """The database form of `person_is_matchable`."""
    return Q(left_organisation_on__isnull=True) & (
        Q(membership_type__in=_MEMBERS_WITHOUT_ORGANISATION)
        | Q(membership_type=MembershipType.EMPLOYEE, organisation__status=MembershipStatus.ACTIVE)
    )


def people_matchable() -> QuerySet[Person]:
    return Person.objects.filter(matchable_q())


def person_is_matchable(person: Person) -> bool:
    """Current residents and researchers, and current employees of an active member."""
    if person.left_organisation_on is not None:
        return False
    if person.membership_type in _MEMBERS_WITHOUT_ORGANISATION:
        return True
    return (
        person.membership_type == MembershipType.EMPLOYEE
        and person.organisation is not None
        and person.organisation.status == MembershipStatus.ACTIVE
    )


def organisation_key(person: Person) -> str:
    """The engine's organisation: the member's slug, or one of its own for an independent."""
    if person.organisation_id is not None and person.organisation is not None:
        return person.organisation.slug
    return f"resident:{person.pk}"


def person_kind(person: Person) -> str:
    if person.membership_type == MembershipType.RESEARCHER:
        return "researcher"
    if (
        person.organisation is not None
        and person.organisation.kind == OrganisationKind.RESEARCH_LAB
    ):
        return "researcher"
    if person.membership_type == MembershipType.RESIDENT:
        return "resident"
    return "member"


# --- documents ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonFacts:
    """What the index keeps beside each document, so callers filter without a query."""

    organisation_id: int | None
    do_not_invite_before: date | None
    has_account: bool

    def opted_out(self, today: date) -> bool:
        return self.do_not_invite_before is not None and self.do_not_invite_before > today


@dataclass(frozen=True)
class LoadedPerson:
    doc: PersonDoc[int]
    facts: PersonFacts
    updated_at: datetime
    matchable: bool


def _people_for_docs(queryset: QuerySet[Person]) -> QuerySet[Person]:
    return (
        queryset.select_related("organisation", "base")
        .prefetch_related(
            Prefetch("skills", queryset=Skill.objects.select_related("tag")),
            Prefetch("interests", queryset=Interest.objects.select_related("tag")),
        )
        .order_by("pk")
    )


def person_doc(person: Person, extra_text: str = "") -> PersonDoc[int]:
    """One person as the engine sees them (skills and interests must be prefetched)."""
    skills = list(person.skills.all())
    interests = list(person.interests.all())
    words = [person.job_title, person.bio]
    for tag in [skill.tag for skill in skills] + [interest.tag for interest in interests]:
        words += [tag.label_fr, tag.label_en]
    if extra_text:
        words.append(extra_text)
    return PersonDoc(
        id=person.pk,
        text="\n".join(word for word in words if word),
        skills={skill.tag.slug: int(skill.level) for skill in skills},
        interests={interest.tag.slug for interest in interests},
        organisation=organisation_key(person),
        base=person.base.slug if person.base is not None else None,
        languages=set(person.languages or []),
        teaches=frozenset(skill.tag.slug for skill in skills if skill.can_teach),
        kind=person_kind(person),
        remote_ok=person.remote_ok,
    )


def people_load(queryset: QuerySet[Person]) -> Iterator[LoadedPerson]:
    """Documents for the people of `queryset`, in chunks (three queries per chunk)."""
    chunk: list[Person] = []
    for person in _people_for_docs(queryset).iterator(chunk_size=LOAD_CHUNK):
        chunk.append(person)
        if len(chunk) >= LOAD_CHUNK:
            yield from _chunk_docs(chunk)
            chunk = []
    if chunk:
        yield from _chunk_docs(chunk)


def _chunk_docs(people: list[Person]) -> Iterator[LoadedPerson]:
    extra: dict[int, list[str]] = {}
    if _TEXT_SOURCES:
        ids = [person.pk for person in people]
        for source in _TEXT_SOURCES:
            for pk, text in source(ids).items():
                extra.setdefault(pk, []).append(text)
    for person in people:
        yield LoadedPerson(
            doc=person_doc(person, "\n".join(extra.get(person.pk, []))),
            facts=PersonFacts(
                organisation_id=person.organisation_id,
                do_not_invite_before=person.do_not_invite_before,
                has_account=person.user_id is not None,
            ),
            updated_at=person.updated_at,
            matchable=person_is_matchable(person),
        )


TaxonomyRow = tuple[str, str, str, str, str | None]


def taxonomy_rows() -> list[TaxonomyRow]:
    """The shared taxonomy as it is in the database, in `members.taxonomy.TAXONOMY`'s shape."""
    return [
        (slug, label_fr, label_en, synonyms, parent)
        for slug, label_fr, label_en, synonyms, parent in Tag.objects.order_by("slug").values_list(
            "slug", "label_fr", "label_en", "synonyms", "parent__slug"
        )
    ]


VocabularyRow = tuple[str, str, str, str]


def vocabulary_rows() -> list[VocabularyRow]:
    """(tag slug, sub-area, French terms, English terms) of `matching.Vocabulary`."""
    from compagnon.matching.models import Vocabulary

    return list(
        Vocabulary.objects.order_by("tag__slug", "sub_area").values_list(
            "tag__slug", "sub_area", "terms_fr", "terms_en"
        )
    )


def active_weights() -> tuple[Weights, int | None]:
    """The weights of the active ranking model (the prior when none), and its version."""
    from compagnon.matching.models import RankingModel

    model = RankingModel.objects.filter(is_active=True).only("version", "weights").first()
    if model is None:
        return Weights(), None
    return weights_apply(Weights(), model.weights), model.version


def _fingerprint(rows: Iterable[Any]) -> str:
    digest = hashlib.sha256()
    for row in rows:
        digest.update(repr(row).encode())
    return digest.hexdigest()


def _encoder():
    """The operator's sentence-embedding model (MATCHING_SENTENCE_MODEL), loaded once; None
    by default. It only counts when the active weights give `embedding` a weight."""
    global _ENCODER
    path = getattr(settings, "MATCHING_SENTENCE_MODEL", "")
    if not path:
        return None
    if _ENCODER is None or _ENCODER[0] != path:
        from compagnon.matching.engine.embeddings import encoder_from_path

        _ENCODER = (path, encoder_from_path(path))
    return _ENCODER[1]


_ENCODER: tuple[str, Any] | None = None


# --- the process-wide index ------------------------------------------------------------------


@dataclass
class IndexStats:
    rebuilds: int = 0
    upserts: int = 0
    removals: int = 0
    syncs: int = 0


class PersonIndex:
    """A `Ranker` over the matchable people, kept fresh incrementally. Thread-safe."""

    def __init__(self, ranker_class: type[Ranker[int]] = Ranker):
        self._ranker_class = ranker_class
        self._lock = threading.RLock()
        self.stats = IndexStats()
        self._clear()

    def _clear(self) -> None:
        self._ranker: Ranker[int] | None = None
        self._built = False
        self._generation: Any = None
        self._taxonomy: Taxonomy | None = None
        self._weights: Weights | None = None
        self.model_version: int | None = None
        # slug -> (French label, English label), for the reasons shown to people.
        self.labels: dict[str, tuple[str, str]] = {}
        self._taxonomy_fingerprint = ""
        self._seen: dict[int, datetime] = {}
        self._watermark: datetime | None = None
        self.facts: dict[int, PersonFacts] = {}

    # -- public ----------------------------------------------------------------------------

    @contextmanager
    def ranker(self) -> Iterator[Ranker[int] | None]:
        """The ranker, synced with the database, held under the lock (None: nobody to rank)."""
        with self._lock:
            self._sync()
            yield self._ranker

    def rebuild(self) -> int:
        """Rebuild from scratch now; returns the number of people indexed."""
        with self._lock:
            taxonomy = taxonomy_rows()
            self._rebuild(taxonomy, _fingerprint(taxonomy), cache.get(GENERATION_CACHE_KEY, 0))
            return len(self.facts)

    def reset(self) -> None:
        """Forget everything; the next use rebuilds (tests, and after a database restore)."""
        with self._lock:
            self._clear()

    def __len__(self) -> int:
        return len(self.facts)

    def __contains__(self, person_id: object) -> bool:
        return person_id in self.facts

    # -- internals -------------------------------------------------------------------------

    def _sync(self) -> None:
        self.stats.syncs += 1
        generation = cache.get(GENERATION_CACHE_KEY, 0)
        taxonomy = taxonomy_rows()
        fingerprint = _fingerprint(taxonomy)
        if (
            not self._built
            or fingerprint != self._taxonomy_fingerprint
            or generation != self._generation
        ):
            self._rebuild(taxonomy, fingerprint, generation)
            return
        changed = self._changed_ids()
        if len(changed) > max(REBUILD_SHARE * len(self.facts), REBUILD_MIN_ROWS):
            logger.info("matching index: %d people changed, rebuilding", len(changed))
            self._rebuild(taxonomy, fingerprint, generation)
            return
        if changed:
            self._apply(people_load(Person.objects.filter(pk__in=changed)))
        self._reconcile()

    def _changed_ids(self) -> list[int]:
        if self._watermark is None:
            rows = Person.objects.values_list("pk", "updated_at")
        else:
            rows = Person.objects.filter(
                updated_at__gt=self._watermark - WATERMARK_SLACK
            ).values_list("pk", "updated_at")
        return [pk for pk, updated_at in rows if self._seen.get(pk) != updated_at]

    def _reconcile(self) -> None:
        """Catch eligibility changes that do not touch the person row (an organisation lapsing)."""
        totals = people_matchable().aggregate(n=Count("pk"), total=Sum("pk"))
        if totals["n"] == len(self.facts) and (totals["total"] or 0) == sum(self.facts):
            return
        ids = set(people_matchable().values_list("pk", flat=True))
        gone = [pk for pk in self.facts if pk not in ids]
        if gone:
            self._remove(gone)
        new = [pk for pk in ids if pk not in self.facts]
        if new:
            self._apply(people_load(Person.objects.filter(pk__in=new)))

    def _apply(self, loaded: Iterable[LoadedPerson]) -> None:
        upserts: list[PersonDoc[int]] = []
        removals: list[int] = []
        for item in loaded:
            pk = item.doc.id
            self._see(pk, item.updated_at)
            if item.matchable:
                upserts.append(item.doc)
                self.facts[pk] = item.facts
            elif pk in self.facts:
                removals.append(pk)
        if removals:
            self._remove(removals)
        if upserts:
            if self._ranker is None:
                self._ranker = self._ranker_class.fit(
                    upserts, taxonomy=self._taxonomy, weights=self._weights
                )
            else:
                self._ranker.upsert(upserts)
            self.stats.upserts += len(upserts)

    def _remove(self, ids: list[int]) -> None:
        for pk in ids:
            self.facts.pop(pk, None)
        if self._ranker is not None:
            self._ranker.remove(ids)
        self.stats.removals += len(ids)

    def _see(self, pk: int, updated_at: datetime) -> None:
        self._seen[pk] = updated_at
        if self._watermark is None or updated_at > self._watermark:
            self._watermark = updated_at

    def _rebuild(self, taxonomy: list[TaxonomyRow], fingerprint: str, generation: Any) -> None:
        self._clear()
        # Vocabulary and model changes go through services, which bump the generation.
        self._taxonomy = Taxonomy(taxonomy, vocabulary_rows())
        self._weights, self.model_version = active_weights()
        self.labels = {row[0]: (row[1], row[2]) for row in taxonomy}
        self._taxonomy_fingerprint = fingerprint
        self._generation = generation
        # Versions first: a row changed while the documents load is read again next time.
        for pk, updated_at in Person.objects.values_list("pk", "updated_at"):
            self._see(pk, updated_at)
        docs: list[PersonDoc[int]] = []
        for item in people_load(people_matchable()):
            if item.matchable:
                docs.append(item.doc)
                self.facts[item.doc.id] = item.facts
                if item.doc.id not in self._seen:
                    self._see(item.doc.id, item.updated_at)
        self._ranker = (
            self._ranker_class.fit(
                docs, taxonomy=self._taxonomy, weights=self._weights, encoder=_encoder()
            )
            if docs
            else None
        )
        self._built = True
        self.stats.rebuilds += 1
        logger.info("matching index rebuilt: %d people", len(docs))


person_index = PersonIndex()


def index_invalidate() -> None:
    """Make every process rebuild its index on its next use (the rebuild task calls this)."""
    try:
        cache.incr(GENERATION_CACHE_KEY)
    except ValueError:
        cache.set(GENERATION_CACHE_KEY, 1, timeout=None)


def index_reset() -> None:
    person_index.reset()


def today() -> date:
    return timezone.localdate()
