"""`{% case_responses case viewer %}`: who was asked about a case and what they answered.

What each viewer gets:

* staff and the person who brought the case: every invitation and hand
  raised, with answers, messages and expiry. The owner sees the name of
  people their directory shows them; someone who hides their profile appears
  as "a club member" (staff see everyone: they run the matching);
* someone invited: their own invitation and a link to answer it;
* any other member who can see an open case: an "I'm interested" button.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from compagnon.cases.invitations import (
    OPEN_FOR_INVITATIONS,
    POSITIVE_ANSWERS,
    invitation_is_expired,
)
from compagnon.cases.models import Case, CaseInvitation
from compagnon.matching.index import person_is_matchable
from compagnon.members.selectors import Viewer, people_visible_to

register = template.Library()


@register.inclusion_tag("cases/_responses_panel.html", takes_context=True)
def case_responses(context: template.Context, case: Case, viewer: Viewer) -> dict[str, Any]:
    person = viewer.person if viewer is not None else None
    panel: dict[str, Any] = {
        "case": case,
        "viewer": viewer,
        "csrf_token": context.get("csrf_token"),
        "request": context.get("request"),
        "role": "",
    }
    if viewer is None or not viewer.is_authenticated:
        return panel
    is_owner = person is not None and person.pk == case.brought_by_id
    now = timezone.now()
    if viewer.is_staff or is_owner:
        invitations = list(
            CaseInvitation.objects.filter(case=case)
            .select_related("person__organisation")
            .order_by("-volunteered", "created_at", "pk")
        )
        if viewer.is_staff:
            visible = {i.person_id for i in invitations}
        else:
            visible = set(
                people_visible_to(viewer)
                .filter(pk__in=[i.person_id for i in invitations])
                .values_list("pk", flat=True)
            )
        panel.update(
            role="manager",
            rows=[
                {
                    "invitation": invitation,
                    "shown": invitation.person_id in visible,
                    "expired": invitation.answer == "pending"
                    and invitation_is_expired(invitation, now),
                }
                for invitation in invitations
            ],
            positive=sum(1 for i in invitations if i.answer in POSITIVE_ANSWERS),
        )
        return panel
    if person is None or not viewer.is_member:
        return panel
    own = CaseInvitation.objects.filter(case=case, person=person).first()
    if own is not None:
        panel.update(role="invitee", own=own, expired=invitation_is_expired(own, now))
        return panel
    if (
        case.status in OPEN_FOR_INVITATIONS
        and person_is_matchable(person)
        and not (
            person.organisation_id is not None
            and case.excluded_organisations.filter(pk=person.organisation_id).exists()
        )
    ):
        panel["role"] = "member"
    return panel
