"""Candidates and offers, ranked by the club's matching engine (`matching.engine`).

No second engine: a candidate is a `PersonDoc` (their skills from the taxonomy, their
thesis, lab and publications as text), an offer is a `CaseQuery` (its skills wanted as
tags, its title and description as text, its base and whether remote is fine). One
`Ranker` per process holds the consenting candidates (visibility not hidden) and is
rebuilt when a profile, a skill or the taxonomy changes (a fingerprint read in one
aggregate query). Hidden candidates are never in it: recruiters see only candidates
who consent.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Prefetch

from compagnon.careers.models import CandidateProfile, CandidateVisibility, Offer, WorkPlace
from compagnon.matching.engine import CaseQuery, PersonDoc, Ranker, Taxonomy
from compagnon.matching.index import active_weights, taxonomy_rows, vocabulary_rows
from compagnon.matching.reasons import _slugs_in, reasons_text, tag_labels
from compagnon.members.models import Skill, Tag


@dataclass(frozen=True)
class CandidateFacts:
    skills: Mapping[str, int]
    text: str
    base: str | None
    languages: frozenset[str]
    remote_ok: bool


def candidate_doc(profile_id: int, facts: CandidateFacts) -> PersonDoc[int]:
    return PersonDoc(
        id=profile_id,
        text=facts.text,
        skills=dict(facts.skills),
        interests=frozenset(),
        # Each candidate is their own "organisation": the engine's per-organisation caps
        # and exclusions are about employers, and a candidate has none here.
        organisation=f"candidate:{profile_id}",
        base=facts.base,
        languages=facts.languages,
        kind="researcher",
        remote_ok=facts.remote_ok,
    )


def offer_query(
    *,
    title: str,
    description: str,
    team: str,
    skills: Iterable[str],
    base: str | None,
    language: str | None,
    work_place: str,
) -> CaseQuery:
    return CaseQuery(
        text="\n".join(part for part in (title, team, description) if part),
        tags=list(skills),
        base=base,
        language=language,
        remote_ok=work_place != WorkPlace.ON_SITE,
    )


def query_for_offer(offer: Offer) -> CaseQuery:
    """The offer as the engine sees it (its skills and base must be loaded)."""
    return offer_query(
        title=offer.title,
        description=offer.description,
        team=offer.team,
        skills=[skill.tag.slug for skill in offer.skills.all()],
        base=offer.base.slug if offer.base_id and offer.base else None,
        language=offer.language or None,
        work_place=offer.work_place,
    )


def _consenting():
    return CandidateProfile.objects.exclude(visibility=CandidateVisibility.HIDDEN).filter(
        person__left_organisation_on__isnull=True
    )


def _profiles_for_docs(queryset):
    return queryset.select_related("person__base").prefetch_related(
        Prefetch("person__skills", queryset=Skill.objects.select_related("tag")),
        "publications",
    )


def profile_facts(profile: CandidateProfile) -> CandidateFacts:
    person = profile.person
    skills = list(person.skills.all())
    words = [profile.thesis_title, profile.thesis_abstract, profile.lab, person.job_title]
    words += [publication.title for publication in profile.publications.all()]
    for skill in skills:
        words += [skill.tag.label_fr, skill.tag.label_en]
    return CandidateFacts(
        skills={skill.tag.slug: int(skill.level) for skill in skills},
        text="\n".join(word for word in words if word),
        base=person.base.slug if person.base_id and person.base else None,
        languages=frozenset(profile.languages or person.languages or []),
        remote_ok=profile.remote_ok,
    )


def _fingerprint() -> tuple:
    profiles = _consenting().aggregate(
        n=Count("pk"),
        ids=Max("pk"),
        changed=Max("updated_at"),
        person_changed=Max("person__updated_at"),
    )
    return (profiles["n"], profiles["ids"], profiles["changed"], profiles["person_changed"])


def _taxonomy_fingerprint() -> tuple:
    tags = Tag.objects.aggregate(n=Count("pk"), last=Max("pk"))
    return (tags["n"], tags["last"])


_LOCK = threading.Lock()
_STATE: dict[str, Any] = {}


def taxonomy_current() -> Taxonomy:
    return Taxonomy(taxonomy_rows(), vocabulary=vocabulary_rows())


def _docs(queryset) -> list[PersonDoc[int]]:
    return [
        candidate_doc(profile.pk, profile_facts(profile))
        for profile in _profiles_for_docs(queryset).order_by("pk")
    ]


def candidates_ranker() -> Ranker:
    """The process's ranker of consenting candidates, kept fresh without refitting.

    One aggregate query tells whether anything changed (count, highest id, last change of
    a profile or of its person). When it did, the versions of the consenting profiles are
    read (one narrow query), the changed ones reloaded and upserted, the gone ones removed.
    A new taxonomy (or the first use) refits everything.
    """
    fingerprint, taxonomy = _fingerprint(), _taxonomy_fingerprint()
    with _LOCK:
        ranker: Ranker | None = _STATE.get("ranker")
        if (
            ranker is not None
            and _STATE.get("fingerprint") == fingerprint
            and _STATE.get("taxonomy") == taxonomy
        ):
            return ranker
        versions = {
            pk: (changed, person_changed)
            for pk, changed, person_changed in _consenting().values_list(
                "pk", "updated_at", "person__updated_at"
            )
        }
        if ranker is None or _STATE.get("taxonomy") != taxonomy:
            ranker = Ranker.fit(
                _docs(_consenting()), taxonomy=taxonomy_current(), weights=active_weights()[0]
            )
        else:
            known: dict[int, tuple] = _STATE["versions"]
            changed = [pk for pk, version in versions.items() if known.get(pk) != version]
            gone = [pk for pk in known if pk not in versions]
            ranker.remove(gone)
            if changed:
                ranker.upsert(_docs(CandidateProfile.objects.filter(pk__in=changed)))
        _STATE.update(ranker=ranker, fingerprint=fingerprint, taxonomy=taxonomy, versions=versions)
        return ranker


def ranker_reset() -> None:
    with _LOCK:
        _STATE.clear()


@dataclass(frozen=True)
class RankedCandidate:
    profile: CandidateProfile
    score: float
    reasons: Sequence[str]


@dataclass(frozen=True)
class RankedOffer:
    offer: Offer
    score: float
    reasons: Sequence[str]


def _labelled(reason_lists: Sequence[Sequence]) -> list[list[str]]:
    """Sentences for several matches' reasons, with the tag labels read in one query."""
    slugs: set[str] = set()
    for reasons in reason_lists:
        slugs |= _slugs_in(reasons)
    labels = tag_labels(slugs) if slugs else {}
    return [reasons_text(reasons, labels) for reasons in reason_lists]


def _move_reason(profile: CandidateProfile, offer: Offer) -> list[str]:
    from django.utils.translation import gettext

    if offer.base_id and any(base.pk == offer.base_id for base in profile.bases.all()):
        return [gettext("would move to %(base)s") % {"base": offer.base}]
    return []


def candidates_for_offer(offer: Offer, *, k: int = 20) -> list[RankedCandidate]:
    """The consenting candidates who suit the offer best, with reasons, best first."""
    ranker = candidates_ranker()
    matches = ranker.rank(query_for_offer(offer), k=k)
    profiles = CandidateProfile.objects.select_related("person").prefetch_related("bases")
    by_id = profiles.in_bulk([match.person_id for match in matches])
    texts = _labelled([match.reason_codes or match.reasons for match in matches])
    found = []
    for match, reasons in zip(matches, texts, strict=True):
        profile = by_id.get(match.person_id)
        if profile is None or profile.visibility == CandidateVisibility.HIDDEN:
            continue
        found.append(RankedCandidate(profile, match.score, reasons + _move_reason(profile, offer)))
    return found


def offer_doc(offer_id: int, query: CaseQuery) -> PersonDoc[int]:
    """An offer as a row of the engine, for ranking offers for one candidate (the engine
    read the other way round: the offer's skills wanted stand for skills held)."""
    return PersonDoc(
        id=offer_id,
        text=query.text,
        skills=dict.fromkeys(query.tags, 3),
        interests=frozenset(),
        organisation=f"offer:{offer_id}",
        base=query.base,
        languages=frozenset([query.language]) if query.language else frozenset(),
        remote_ok=query.remote_ok,
    )


def candidate_query(facts: CandidateFacts) -> CaseQuery:
    return CaseQuery(
        text=facts.text, tags=list(facts.skills), base=facts.base, remote_ok=facts.remote_ok
    )


# Above this many offers, a reverse ranking picks the few worth scoring exactly.
EXACT_OFFERS = 20


def offers_shortlist(
    ranker: Ranker,
    profile_id: int,
    facts: CandidateFacts,
    queries: Mapping[int, CaseQuery],
    *,
    k: int,
    offers_index: Ranker | None = None,
) -> list:
    """The k offers that suit a candidate best, scored by `rank_cases` (the same score as
    candidates for an offer). `rank_cases` compiles every offer it is given; over many
    offers, the offers themselves are first ranked as the engine's rows against the
    candidate (one sparse product), and only the best 2k are scored exactly."""
    if len(queries) > EXACT_OFFERS:
        index = offers_index or Ranker.fit(
            [offer_doc(pk, query) for pk, query in queries.items()], taxonomy=ranker.taxonomy
        )
        best = index.rank(candidate_query(facts), k=2 * k)
        queries = {match.person_id: queries[match.person_id] for match in best}
    return ranker.rank_cases(profile_id, queries, k=k)


def _offers_index(offers: Sequence[Offer], taxonomy: Taxonomy) -> Ranker:
    key = tuple(sorted((offer.pk, offer.updated_at) for offer in offers))
    with _LOCK:
        cached = _STATE.get("offers_index")
        if cached is not None and cached[0] == key:
            return cached[1]
    index = Ranker.fit(
        [offer_doc(offer.pk, query_for_offer(offer)) for offer in offers], taxonomy=taxonomy
    )
    with _LOCK:
        _STATE["offers_index"] = (key, index)
    return index


def offers_for_candidate(
    profile: CandidateProfile, offers: Sequence[Offer], *, k: int = 10
) -> list[RankedOffer]:
    """Of `offers` (skills and base loaded), those that suit the candidate best."""
    ranker = candidates_ranker()
    facts = profile_facts(_profiles_for_docs(CandidateProfile.objects.filter(pk=profile.pk)).get())
    if profile.pk not in ranker:
        # A hidden candidate is not in the shared ranker; rank them alone, for themselves.
        ranker = Ranker.fit(
            [candidate_doc(profile.pk, facts)],
            taxonomy=taxonomy_current(),
            weights=active_weights()[0],
        )
    by_id = {offer.pk: offer for offer in offers}
    queries = {offer.pk: query_for_offer(offer) for offer in offers}
    index = _offers_index(offers, ranker.taxonomy) if len(offers) > EXACT_OFFERS else None
    matches = offers_shortlist(ranker, profile.pk, facts, queries, k=k, offers_index=index)
    texts = _labelled([getattr(m, "reason_codes", None) or m.reasons for m in matches])
    found = []
    for match, reasons in zip(matches, texts, strict=True):
        offer = by_id[match.case_id]
        found.append(RankedOffer(offer, match.score, reasons + _move_reason(profile, offer)))
    return found


def candidates_for_query(help_request, *, k: int = 10) -> list[RankedCandidate]:
    """The candidate pool ranked for a recruitment case (its draft job description and tags)."""
    case = help_request.case
    query = CaseQuery(
        text="\n".join([case.title, help_request.job_description]),
        tags=list(case.tags.values_list("slug", flat=True)),
        language=case.language or None,
    )
    matches = candidates_ranker().rank(query, k=k)
    by_id = CandidateProfile.objects.select_related("person").in_bulk(
        [match.person_id for match in matches]
    )
    texts = _labelled([m.reason_codes or m.reasons for m in matches])
    return [
        RankedCandidate(by_id[m.person_id], m.score, reasons)
        for m, reasons in zip(matches, texts, strict=True)
        if m.person_id in by_id
    ]
