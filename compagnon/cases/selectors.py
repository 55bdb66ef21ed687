"""Reads about cases, and the one place that decides who sees which case.

- staff: every case;
- the person who brought a case: that case, in any status; the managers of
  its organisation: all their organisation's cases, in any status;
- members: cases that staff opened (open, matched, planned, closed) and that
  are shared with all members (plainly or anonymised), or with named
  organisations including theirs — plus any case they were invited to, if
  they are in its audience: an invitation never widens it
  (`case_audience_includes` is the same rule for one person, which
  invitations, hand raising and matching ask);
- never a case whose excluded organisations include the viewer's (404);
- guests and visitors: nothing.

An anonymised case hides its organisation and the person who brought it from
everyone but staff and that organisation's people.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from compagnon.cases.models import (
    Answer,
    Case,
    CaseInvitation,
    CaseStatus,
    CaseTransition,
    Confidentiality,
)
from compagnon.members.models import Organisation, Person, Tag
from compagnon.members.selectors import Viewer

# Statuses members may see a case in, once staff have opened it.
PUBLISHED_STATUSES = (CaseStatus.OPEN, CaseStatus.MATCHED, CaseStatus.PLANNED, CaseStatus.CLOSED)


def _owner_side(viewer: Viewer) -> Q:
    """The cases the viewer sees in any status: their own, and their organisation's if they manage it."""
    person = viewer.person
    if person is None:
        return Q(pk__in=[])
    own = Q(brought_by_id=person.pk)
    if person.is_org_manager and person.organisation_id is not None:
        own |= Q(organisation_id=person.organisation_id)
    return own


def cases_visible_to(viewer: Viewer) -> QuerySet[Case]:
    cases = Case.objects.all()
    if viewer.is_staff:
        return cases
    if not viewer.is_member or viewer.person is None:
        return cases.none()
    person = viewer.person
    organisation_id = person.organisation_id
    audience = Q(confidentiality__in=(Confidentiality.MEMBERS, Confidentiality.ANONYMISED))
    if organisation_id is not None:
        shared_with_mine = Case.shared_with.through.objects.filter(
            case_id=OuterRef("pk"), organisation_id=organisation_id
        )
        # The bringing organisation's people see its named-organisations cases too.
        audience |= Q(confidentiality=Confidentiality.NAMED_ORGANISATIONS) & (
            Q(organisation_id=organisation_id) | Q(Exists(shared_with_mine))
        )
    published = Q(status__in=PUBLISHED_STATUSES, opened_at__isnull=False)
    invited = Q(Exists(CaseInvitation.objects.filter(case_id=OuterRef("pk"), person_id=person.pk)))
    # An invitation shows a case in any status (declined after it was sent, say),
    # but never to someone outside its audience: it does not widen it.
    visible = (published | invited) & audience
    if organisation_id is not None:
        excluding_mine = Case.excluded_organisations.through.objects.filter(
            case_id=OuterRef("pk"), organisation_id=organisation_id
        )
        visible &= ~Q(Exists(excluding_mine))
    return cases.filter(_owner_side(viewer) | visible)


def case_audience_organisation_ids(case: Case) -> set[int] | None:
    """The organisations a "named organisations only" case is for (its own and those named);
    None when the case is for every member organisation. Excluded ones are not subtracted."""
    if case.confidentiality != Confidentiality.NAMED_ORGANISATIONS:
        return None
    ids = {organisation.pk for organisation in case.shared_with.all()}
    if case.organisation_id is not None:
        ids.add(case.organisation_id)
    return ids


def case_audience_includes(case: Case, person: Person) -> bool:
    """Whether the case's audience takes in `person`, whatever its status or any invitation.

    The rule invitations, hand raising and matching all ask: a "named organisations only"
    case is for its own organisation and the named ones; no case is for an organisation it
    excludes. The person who brought the case is always in it.
    """
    if person.pk == case.brought_by_id:
        return True
    organisation_id = person.organisation_id
    if organisation_id is not None and organisation_id in {
        organisation.pk for organisation in case.excluded_organisations.all()
    }:
        return False
    audience = case_audience_organisation_ids(case)
    return audience is None or (organisation_id is not None and organisation_id in audience)


def cases_with_card(queryset: QuerySet[Case]) -> QuerySet[Case]:
    """Everything a case card shows, in a fixed number of queries."""
    return queryset.select_related("organisation", "brought_by", "base").prefetch_related(
        Prefetch("tags", queryset=Tag.objects.order_by("label_en"))
    )


def case_for_viewer(viewer: Viewer, pk: int) -> Case:
    """One case with everything its page shows, or 404 when the viewer may not see it."""
    try:
        return (
            cases_with_card(cases_visible_to(viewer))
            .select_related("brought_by__user", "filed_by")
            .prefetch_related(
                Prefetch("shared_with", queryset=Organisation.objects.order_by("name")),
                Prefetch("excluded_organisations", queryset=Organisation.objects.order_by("name")),
                Prefetch(
                    "transitions",
                    queryset=CaseTransition.objects.select_related("actor__person").order_by(
                        "at", "id"
                    ),
                ),
            )
            .get(pk=pk)
        )
    except Case.DoesNotExist:
        raise Http404 from None


def case_is_own_side(case: Case, viewer: Viewer) -> bool:
    """The viewer is staff, or of the organisation that brought the case (or brought it)."""
    if viewer.is_staff:
        return True
    person = viewer.person
    if person is None:
        return False
    if case.brought_by_id == person.pk:
        return True
    return case.organisation_id is not None and case.organisation_id == person.organisation_id


def case_is_hidden_from(case: Case, viewer: Viewer) -> bool:
    """True when the case is anonymised and the viewer is outside its organisation."""
    return case.confidentiality == Confidentiality.ANONYMISED and not case_is_own_side(case, viewer)


@dataclass(frozen=True)
class CaseShown:
    """What one viewer sees of who is behind a case (a case they may see at all)."""

    organisation: Organisation | None  # None: the page says "A member organisation"
    person: Person | None  # None: the bringer is not named
    own_side: bool  # staff, the bringer, their organisation: exclusions, history's names
    # Whether what grew from the case (its workshops, their hosts, outcomes) is shown
    # as coming from it: not when the case hides its bringer from this viewer.
    shows_derived: bool


def case_shown_to(case: Case, viewer: Viewer) -> CaseShown:
    """The one answer to "what does this viewer see of this case's identity?".

    Case pages and cards ask it, and so do the workshops and knowledge pages that
    link to a case (`workshops.selectors.workshop_origin_case_for`, `case_chain`).
    """
    own_side = case_is_own_side(case, viewer)
    hidden = case.confidentiality == Confidentiality.ANONYMISED and not own_side
    return CaseShown(
        organisation=None if hidden else case.organisation,
        person=None if hidden else case.brought_by,
        own_side=own_side,
        shows_derived=not hidden,
    )


def case_display_organisation(case: Case, viewer: Viewer) -> Organisation | None:
    """The bringing organisation, or None where the page says "A member organisation"."""
    return case_shown_to(case, viewer).organisation


def case_display_person(case: Case, viewer: Viewer) -> Person | None:
    """The person who brought the case, or None when the case is anonymised for the viewer."""
    return case_shown_to(case, viewer).person


def cases_open_for(viewer: Viewer) -> QuerySet[Case]:
    """The list page: open cases the viewer may see, newest first."""
    return cases_visible_to(viewer).filter(status=CaseStatus.OPEN).order_by("-opened_at", "-pk")


def cases_brought_by(viewer: Viewer) -> QuerySet[Case]:
    """ "My cases": the ones the viewer brought, in any status."""
    if viewer.person is None:
        return Case.objects.none()
    return Case.objects.filter(brought_by_id=viewer.person.pk).order_by("-created_at", "-pk")


def cases_waiting_for_staff() -> QuerySet[Case]:
    """Submitted cases, and drafts that came by email or chat (staff may help complete them)."""
    return Case.objects.filter(
        Q(status=CaseStatus.SUBMITTED) | Q(status=CaseStatus.DRAFT, source__in=("email", "chat"))
    ).order_by("created_at", "pk")


def invitations_open(now: datetime | None = None) -> QuerySet[CaseInvitation]:
    """Invitations that can still be answered: sent by staff (not a raised hand), not yet
    answered, on a case still looking for people, and not expired (no expiry: open)."""
    now = now or timezone.now()
    return CaseInvitation.objects.filter(
        answer=Answer.PENDING,
        volunteered=False,
        case__status__in=(CaseStatus.OPEN, CaseStatus.MATCHED),
    ).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))


def invitations_awaiting_answer(person: Person | None, *, limit: int = 5) -> list[CaseInvitation]:
    """The person's invitations still waiting for an answer, on cases still looking for people.

    For the home page, soonest to expire first. Expired invitations are left
    out: they can no longer be answered.
    """
    if person is None:
        return []
    return list(
        invitations_open()
        .filter(person=person)
        .select_related("case__base")
        .order_by("expires_at", "pk")[:limit]
    )
