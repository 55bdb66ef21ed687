"""Reads about members, and the one place that decides who sees what.

Roles: visitor (anonymous), guest (signed in, not a member), member,
organisation manager (sees their organisation's private data), staff,
superuser. Views ask these functions; they never test roles themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from compagnon.members.models import (
    Interest,
    MembershipStatus,
    MembershipType,
    Organisation,
    Person,
    Skill,
    Tag,
    Visibility,
)

_MEMBER_TYPES_WITHOUT_ORGANISATION = {
    MembershipType.RESIDENT,
    MembershipType.RESEARCHER,
    MembershipType.STAFF,
}


@dataclass(frozen=True)
class Viewer:
    is_authenticated: bool = False
    is_staff: bool = False
    is_superuser: bool = False
    person: Person | None = None
    user: Any = field(default=None, repr=False)

    @property
    def organisation_id(self) -> int | None:
        return self.person.organisation_id if self.person else None

    @property
    def is_member(self) -> bool:
        """Members use the directory and the club's private pages."""
        if self.is_staff:
            return True
        person = self.person
        if person is None or person.left_organisation_on is not None:
            return False
        if person.membership_type in _MEMBER_TYPES_WITHOUT_ORGANISATION:
            return True
        if person.membership_type == MembershipType.EMPLOYEE and person.organisation is not None:
            return person.organisation.status == MembershipStatus.ACTIVE
        return False

    @property
    def role(self) -> str:
        if self.is_superuser:
            return "superuser"
        if self.is_staff:
            return "staff"
        if self.is_member and self.person and self.person.is_org_manager:
            return "manager"
        if self.is_member:
            return "member"
        return "guest" if self.is_authenticated else "visitor"

    def manages(self, organisation: Organisation) -> bool:
        return bool(
            self.is_member
            and self.person
            and self.person.is_org_manager
            and self.person.organisation_id == organisation.pk
        )


ANONYMOUS = Viewer()


def viewer_for(user) -> Viewer:
    """The viewer behind a user, computed once per request (cached on the user object)."""
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    cached = getattr(user, "_compagnon_viewer", None)
    if cached is not None:
        return cached
    person: Person | None
    if get_user_model().person.is_cached(user):
        # The sign-in backend (accounts.backends.MemberBackend) read it with the user.
        try:
            person = user.person
        except Person.DoesNotExist:
            person = None
    else:
        # get() rather than first(): one person per user (a one-to-one), and first()'s
        # ORDER BY costs more to compile than the query takes (this runs on every page).
        try:
            person = Person.objects.select_related("organisation").get(user=user)
        except Person.DoesNotExist:
            person = None
    viewer = Viewer(
        is_authenticated=True,
        is_staff=user.is_staff,
        is_superuser=user.is_superuser,
        person=person,
        user=user,
    )
    user._compagnon_viewer = viewer
    return viewer


def people_visible_to(viewer: Viewer) -> QuerySet[Person]:
    people = Person.objects.all()
    if viewer.is_staff:
        return people
    if not viewer.is_member:
        return people.none()
    visible = Q(directory_visibility=Visibility.CLUB)
    if viewer.organisation_id is not None:
        visible |= Q(
            directory_visibility=Visibility.ORGANISATION, organisation_id=viewer.organisation_id
        )
    # People who left their organisation stay in the records (the retention KPI
    # needs them) but drop out of the directory.
    current = Q(left_organisation_on__isnull=True)
    if viewer.person is not None:
        visible |= Q(pk=viewer.person.pk)
        current |= Q(pk=viewer.person.pk)
    return people.filter(visible & current)


def person_for_viewer(viewer: Viewer, pk: int) -> Person:
    """A person's page, or 404 when the viewer may not see it."""
    try:
        return (
            people_visible_to(viewer)
            .select_related("organisation", "base", "user")
            .prefetch_related(
                Prefetch("skills", queryset=Skill.objects.select_related("tag")),
                Prefetch("interests", queryset=Interest.objects.select_related("tag")),
            )
            .get(pk=pk)
        )
    except Person.DoesNotExist:
        raise Http404 from None


def organisations_visible_to(viewer: Viewer) -> QuerySet[Organisation]:
    """Organisation pages (name, kind, base, public members) are for members."""
    if viewer.is_member:
        return Organisation.objects.all()
    return Organisation.objects.none()


def organisation_for_viewer(viewer: Viewer, slug: str) -> Organisation:
    try:
        return organisations_visible_to(viewer).select_related("home_base").get(slug=slug)
    except Organisation.DoesNotExist:
        raise Http404 from None


def organisation_private_for_viewer(viewer: Viewer, slug: str) -> Organisation:
    """Membership details and all people of an organisation: its managers and staff only."""
    organisation = Organisation.objects.select_related("home_base").filter(slug=slug).first()
    if organisation is None or not (viewer.is_staff or viewer.manages(organisation)):
        raise Http404
    return organisation


def people_with_profile(queryset: QuerySet[Person]) -> QuerySet[Person]:
    """Everything a person card shows, in a fixed number of queries."""
    return queryset.select_related("organisation", "base").prefetch_related(
        Prefetch(
            "skills",
            queryset=Skill.objects.select_related("tag").order_by("-level", "tag__label_en"),
        ),
        Prefetch("interests", queryset=Interest.objects.select_related("tag")),
    )


def tags_all() -> QuerySet[Tag]:
    return Tag.objects.select_related("parent").order_by("label_en")


@dataclass(frozen=True)
class ClubFigures:
    organisations_active: int
    organisations_lapsed: int
    people: int
    people_with_account: int
    people_without_skills: int
    invitations_pending: int
    emails_waiting: int
    emails_failing: int


def club_figures(now=None) -> ClubFigures:
    """The handful of numbers staff check first: who is in, who has not joined yet, what is stuck."""
    from django.db.models import Count
    from django.utils import timezone

    from compagnon.accounts.models import Invitation
    from compagnon.core.models import OutboundEmail

    now = now or timezone.now()
    organisations = dict(
        Organisation.objects.values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    people = Person.objects.filter(left_organisation_on__isnull=True)
    waiting = OutboundEmail.objects.filter(sent_at__isnull=True)
    return ClubFigures(
        organisations_active=organisations.get(MembershipStatus.ACTIVE, 0),
        organisations_lapsed=organisations.get(MembershipStatus.LAPSED, 0),
        people=people.count(),
        people_with_account=people.filter(user__isnull=False).count(),
        people_without_skills=people.filter(skills__isnull=True).count(),
        invitations_pending=Invitation.objects.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
        ).count(),
        emails_waiting=waiting.filter(attempts=0).count(),
        emails_failing=waiting.filter(attempts__gt=0).count(),
    )


def teachers_for_interests(viewer: Viewer, *, limit: int = 6) -> list[Person]:
    """People who can teach what the viewer wants to learn, from other organisations first."""
    if not viewer.is_member or viewer.person is None:
        return []
    wanted = list(viewer.person.interests.values_list("tag_id", flat=True))
    if not wanted:
        return []
    candidates = (
        people_visible_to(viewer)
        .filter(skills__tag_id__in=wanted, skills__can_teach=True)
        .exclude(pk=viewer.person.pk)
        .distinct()
    )
    if viewer.organisation_id is not None:
        candidates = candidates.exclude(organisation_id=viewer.organisation_id)
    return list(people_with_profile(candidates).order_by("last_name", "first_name", "id")[:limit])


@dataclass(frozen=True)
class ProfileProgress:
    skills: int
    interests: int
    has_bio: bool

    @property
    def complete(self) -> bool:
        return self.skills >= 2 and self.interests >= 1 and self.has_bio


def profile_progress(person: Person) -> ProfileProgress:
    return ProfileProgress(
        skills=person.skills.count(),
        interests=person.interests.count(),
        has_bio=bool(person.bio.strip()),
    )


def person_language(person: Person) -> str:
    """The interface language to write to the person in: the first of the site's languages
    they read (French first), else the site's default."""
    languages = person.languages or []
    for code, _name in settings.LANGUAGES:
        if code in languages:
            return code
    return settings.LANGUAGE_CODE
