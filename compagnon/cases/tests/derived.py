"""Objects derived from confidential cases, for the persona walk (made once per world).

- a workshop planned (by the service, with its defaults) from an anonymised case
  that colleague_a of organisation A brought, then published;
- an invitation of member_b (organisation B) to A's named-organisations case.
"""

from __future__ import annotations


def anonymised_case_workshop(world):
    if not hasattr(world, "anonymised_workshop"):
        from django.utils import timezone

        from compagnon.cases.models import Case
        from compagnon.workshops.models import WorkshopStatus
        from compagnon.workshops.services import workshop_plan_from_case

        case = Case.objects.create(
            title="Churn doubled since March",
            description="Our subscribers leave after the price change.",
            brought_by=world.colleague_a,
            organisation=world.org_a,
            status="matched",
            opened_at=timezone.now(),
            confidentiality="anonymised",
        )
        workshop = workshop_plan_from_case(case=case, by=world.staff_user)
        workshop.status = WorkshopStatus.PUBLISHED
        workshop.published_at = timezone.now()
        workshop.save(update_fields=["status", "published_at"])
        world.anonymised_workshop = workshop
    return world.anonymised_workshop


def named_case_invitation(world):
    if not hasattr(world, "named_invitation"):
        from compagnon.cases.models import CaseInvitation

        world.named_invitation = CaseInvitation.objects.create(
            case=world.named_case_a, person=world.member_b
        )
    return world.named_invitation
