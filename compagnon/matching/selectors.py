"""Reads for matching: people ranked for a case, the invitation set, cases ranked for a person.

Everything here reads the database through a fixed number of queries and asks
the process-wide index (`matching.index.person_index`) to rank. Nothing writes.

What keeps someone out of a case's ranking ("unavailable"): they said "don't
invite me before" a later date, they are already invited to (or raised their
hand on) the case, they brought the case, their organisation is excluded
from it, or the case is for named organisations only and theirs is not one of
them (`cases.selectors.case_audience_includes`, the same rule invitations and
hand raising ask). People without an account yet are ranked and proposed like
the others: their invitation email carries a signed link that answers without
an account (`cases.invitations.invitation_reply_url`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from compagnon.cases.models import Case, CaseInvitation, CaseStatus
from compagnon.cases.selectors import case_audience_organisation_ids, cases_visible_to
from compagnon.matching.engine import CaseQuery, Match
from compagnon.matching.index import organisation_key, person_index, today
from compagnon.matching.reasons import reasons_stored, reasons_text
from compagnon.members.models import Organisation, Person, Tag
from compagnon.members.selectors import Viewer

LOAD_WINDOW_DAYS = 30
MATCH_PAGE_SIZE = 30
# The engine fills the invitation set up to its size; someone scoring under a
# tenth of the best is noise (a word in common), not a proposal.
PROPOSAL_MIN_SHARE_OF_BEST = 0.1


@dataclass(frozen=True)
class RankedPerson:
    person: Person
    score: float
    reasons: list[str]  # sentences in the active language
    stored_reasons: list[Any] = field(default_factory=list)  # what an invitation keeps

    @property
    def can_be_invited(self) -> bool:
        # Someone without an account is invited by email and answers from a signed link.
        return True

    @property
    def has_account(self) -> bool:
        return self.person.user_id is not None


@dataclass(frozen=True)
class RankedCase:
    case: Case
    score: float
    reasons: list[str]


@dataclass(frozen=True)
class MatchProposal:
    """What the staff match page shows: the ranking, the proposed set, who is already asked."""

    case: Case
    ranked: list[RankedPerson]
    proposed_ids: frozenset[int]
    invited: list[CaseInvitation] = field(default_factory=list)


# --- building queries -------------------------------------------------------------------------


def cases_with_query_data(queryset: QuerySet[Case]) -> QuerySet[Case]:
    """What `case_query` and the audience read, in four queries whatever the number of cases."""
    return queryset.select_related(
        "organisation", "base", "brought_by__organisation"
    ).prefetch_related(
        Prefetch("tags", queryset=Tag.objects.only("pk", "slug", "label_fr", "label_en")),
        Prefetch("excluded_organisations", queryset=Organisation.objects.order_by("name")),
        Prefetch("shared_with", queryset=Organisation.objects.only("pk")),
    )


def case_query(case: Case) -> CaseQuery:
    """The engine's view of a case (load it through `cases_with_query_data`)."""
    organisation = (
        case.organisation.slug
        if case.organisation is not None
        else organisation_key(case.brought_by)
    )
    return CaseQuery(
        text="\n".join(
            part for part in (case.title, case.description, case.data_description) if part
        ),
        tags={tag.slug for tag in case.tags.all()},
        organisation=organisation,
        base=case.base.slug if case.base is not None else None,
        language=case.language or None,
        exclude_organisations=frozenset(o.slug for o in case.excluded_organisations.all()),
        remote_ok=case.remote_ok,
        wants_research=case.wants_research,
    )


def invitation_load(now=None) -> dict[int, int]:
    """Invitations each person received from staff in the last 30 days (hand raises do not count)."""
    since = (now or timezone.now()) - timedelta(days=LOAD_WINDOW_DAYS)
    rows = (
        CaseInvitation.objects.filter(created_at__gte=since, volunteered=False)
        .values("person_id")
        .annotate(n=Count("pk"))
        .values_list("person_id", "n")
    )
    return dict(rows)


def _excluded_organisation_ids(case: Case) -> set[int]:
    return {organisation.pk for organisation in case.excluded_organisations.all()}


def _unavailable(case: Case, invited_ids: Iterable[int]) -> set[int]:
    """People never ranked for this case. Reads only the index's facts (no query)."""
    current = today()
    excluded = _excluded_organisation_ids(case)
    audience = case_audience_organisation_ids(case)
    unavailable = set(invited_ids)
    unavailable.add(case.brought_by_id)
    for pk, facts in person_index.facts.items():
        if (
            facts.opted_out(current)
            or (facts.organisation_id is not None and facts.organisation_id in excluded)
            or (audience is not None and facts.organisation_id not in audience)
        ):
            unavailable.add(pk)
    return unavailable


def _people_by_id(ids: Iterable[int], case: Case) -> dict[int, Person]:
    people = Person.objects.select_related("organisation", "base").filter(pk__in=set(ids))
    return _within_audience(people, case)


def _within_audience(people: Iterable[Person], case: Case) -> dict[int, Person]:
    """A last guard: the index may be a moment behind a change of organisation."""
    excluded = _excluded_organisation_ids(case)
    audience = case_audience_organisation_ids(case)
    return {
        person.pk: person
        for person in people
        if (person.organisation_id is None or person.organisation_id not in excluded)
        and (audience is None or person.organisation_id in audience)
    }


def _ranked(matches: Iterable[Match], people: Mapping[int, Person]) -> list[RankedPerson]:
    labels = person_index.labels
    ranked = []
    for match in matches:
        if match.person_id not in people:
            continue
        stored = reasons_stored(match.reasons, getattr(match, "reason_codes", ()))
        ranked.append(
            RankedPerson(
                person=people[match.person_id],
                score=match.score,
                reasons=reasons_text(stored, labels),
                stored_reasons=stored,
            )
        )
    return ranked


def _worth_proposing(matches: list[Match]) -> list[Match]:
    if not matches:
        return matches
    floor = max(m.score for m in matches) * PROPOSAL_MIN_SHARE_OF_BEST
    return [m for m in matches if m.score >= floor]


def _case_for_matching(case: Case) -> Case:
    return cases_with_query_data(Case.objects.filter(pk=case.pk)).get()


# --- people for a case --------------------------------------------------------------------------


def case_match_proposal(case: Case, *, k: int = MATCH_PAGE_SIZE) -> MatchProposal:
    """The top `k` people for a case, the proposed invitation set, and who is already invited."""
    case = _case_for_matching(case)
    invited = list(
        CaseInvitation.objects.filter(case=case)
        .select_related("person__organisation")
        .order_by("-volunteered", "created_at", "pk")
    )
    query = case_query(case)
    load = invitation_load()
    with person_index.ranker() as ranker:
        if ranker is None:
            return MatchProposal(case=case, ranked=[], proposed_ids=frozenset(), invited=invited)
        unavailable = _unavailable(case, (i.person_id for i in invited))
        matches = ranker.rank(query, k=k, load=load, unavailable=unavailable)
        proposed = _worth_proposing(
            ranker.invitation_set(
                query,
                size=settings.MATCHING_INVITATION_SET_SIZE,
                per_organisation_cap=settings.MATCHING_ORGANISATION_CAP,
                load=load,
                unavailable=unavailable,
                wants_research=case.wants_research,
            )
        )
    # The proposed set may hold people below the top k (diversity): show them too.
    listed = {m.person_id: m for m in matches}
    for match in proposed:
        listed.setdefault(match.person_id, match)
    people = _people_by_id(listed, case)
    ranked = _ranked(sorted(listed.values(), key=lambda m: -m.score), people)
    return MatchProposal(
        case=case,
        ranked=ranked,
        proposed_ids=frozenset(m.person_id for m in proposed if m.person_id in people),
        invited=invited,
    )


def people_ranked_for_case(case: Case, *, k: int = 20) -> list[RankedPerson]:
    """The `k` people the engine ranks highest for `case`, best first, with the reasons."""
    case = _case_for_matching(case)
    invited = CaseInvitation.objects.filter(case=case).values_list("person_id", flat=True)
    query = case_query(case)
    load = invitation_load()
    with person_index.ranker() as ranker:
        if ranker is None:
            return []
        matches = ranker.rank(query, k=k, load=load, unavailable=_unavailable(case, invited))
    people = _people_by_id((m.person_id for m in matches), case)
    return _ranked(matches, people)


def invitation_set_for_case(case: Case) -> list[RankedPerson]:
    """The people to invite: the best, diverse across organisations (a cap per organisation)."""
    case = _case_for_matching(case)
    invited = CaseInvitation.objects.filter(case=case).values_list("person_id", flat=True)
    query = case_query(case)
    load = invitation_load()
    with person_index.ranker() as ranker:
        if ranker is None:
            return []
        matches = _worth_proposing(
            ranker.invitation_set(
                query,
                size=settings.MATCHING_INVITATION_SET_SIZE,
                per_organisation_cap=settings.MATCHING_ORGANISATION_CAP,
                load=load,
                unavailable=_unavailable(case, invited),
                wants_research=case.wants_research,
            )
        )
    people = _people_by_id((m.person_id for m in matches), case)
    return _ranked(matches, people)


# --- cases for a person ----------------------------------------------------------------------------


def cases_joinable_for(viewer: Viewer, person: Person | None = None) -> QuerySet[Case]:
    """Open cases the viewer can see and could still join (not theirs, not asked yet, not excluded).

    Staff looking at someone else's list see only what that person may see: a case
    stays within its audience whoever asks.
    """
    person = person or viewer.person
    cases = cases_visible_to(viewer).filter(status=CaseStatus.OPEN)
    if person is None:
        return cases.none()
    if viewer.person is None or person.pk != viewer.person.pk:
        own_view = Viewer(is_authenticated=True, person=person, user=person.user)
        cases = cases.filter(pk__in=cases_visible_to(own_view).values("pk"))
    cases = cases.exclude(brought_by=person).exclude(
        pk__in=CaseInvitation.objects.filter(person=person).values("case_id")
    )
    if person.organisation_id is not None:
        cases = cases.exclude(
            pk__in=Case.excluded_organisations.through.objects.filter(
                organisation_id=person.organisation_id
            ).values("case_id")
        )
    return cases


def cases_ranked_for_person(
    person: Person, *, k: int = 5, viewer: Viewer | None = None
) -> list[RankedCase]:
    """Open cases for `person`, best first, with the reasons; [] for someone not matchable.

    `viewer` (the request's, when there is one) decides which cases are visible;
    without it, the person's own view as a member.
    """
    if viewer is None:
        viewer = Viewer(is_authenticated=True, person=person, user=person.user)
    if not viewer.is_member:
        return []
    cases = {case.pk: case for case in cases_with_query_data(cases_joinable_for(viewer, person))}
    if not cases:
        return []
    queries = {pk: case_query(case) for pk, case in cases.items()}
    with person_index.ranker() as ranker:
        if ranker is None or person.pk not in person_index:
            return []
        ranked: list[Any] = ranker.rank_cases(person.pk, queries, k=k)
    labels = person_index.labels
    return [
        RankedCase(
            case=cases[item[0]],
            score=item[1],
            reasons=reasons_text(
                reasons_stored(item[2], getattr(item, "reason_codes", ())), labels
            ),
        )
        for item in ranked
        if item[0] in cases
    ]


def people_ranked_for_cases(cases: Iterable[Case], *, k: int = 3) -> dict[int, list[RankedPerson]]:
    """The `k` best people for each case, in six queries whatever the number of cases.

    The staff desk lists open cases short of interest with the people ranked
    best for each; `people_ranked_for_case` would cost a handful of queries per
    case.
    """
    loaded = list(cases_with_query_data(Case.objects.filter(pk__in=[case.pk for case in cases])))
    if not loaded:
        return {}
    invited: dict[int, set[int]] = {case.pk: set() for case in loaded}
    for case_id, person_id in CaseInvitation.objects.filter(case__in=loaded).values_list(
        "case_id", "person_id"
    ):
        invited[case_id].add(person_id)
    load = invitation_load()
    matches: dict[int, list[Match]] = {}
    with person_index.ranker() as ranker:
        if ranker is None:
            return {}
        for case in loaded:
            matches[case.pk] = ranker.rank(
                case_query(case), k=k, load=load, unavailable=_unavailable(case, invited[case.pk])
            )
    ids = {match.person_id for found in matches.values() for match in found}
    people = {
        person.pk: person
        for person in Person.objects.select_related("organisation", "base").filter(pk__in=ids)
    }
    ranked = {}
    for case in loaded:
        ranked[case.pk] = _ranked(matches[case.pk], _within_audience(people.values(), case))
    return ranked
