"""`{% case_engagements case %}`: the engagements part of a case's page.

The case page (cases app) includes it, so cases needs no import of this app: the
tag asks this app's selectors who sees which engagement.
"""

from __future__ import annotations

from django import template

from compagnon.engagements.selectors import (
    engagement_can_be_set_up_for,
    engagement_shown_to,
    engagements_for_case,
)
from compagnon.members.selectors import viewer_for

register = template.Library()


@register.inclusion_tag("engagements/_case_engagements.html", takes_context=True)
def case_engagements(context, case):
    request = context.get("request")
    viewer = viewer_for(getattr(request, "user", None))
    engagements = engagements_for_case(case, viewer)
    # Whoever may not see who brought the case does not see what grew from it either.
    rows = [(e, engagement_shown_to(e, viewer, with_case_link=False)) for e in engagements]
    return {
        "case": case,
        "rows": rows,
        "can_set_up": viewer.is_staff and engagement_can_be_set_up_for(case),
    }
