"""The learning section of a member's profile: their badges and certificates."""

from __future__ import annotations

from typing import Any

from compagnon.learning.models import Badge, Certificate
from compagnon.members.profile import ProfileSection


def learning_profile_section(*, person: Any, viewer: Any) -> ProfileSection | None:
    if person.user_id is None:
        return None
    badges = list(
        Badge.objects.filter(user_id=person.user_id)
        .select_related("module__programme")
        .order_by("-awarded_at")[:24]
    )
    certificates = list(Certificate.objects.filter(user_id=person.user_id).order_by("-issued_at"))
    if not badges and not certificates:
        return None
    return ProfileSection(
        "learning/_profile_section.html", {"badges": badges, "certificates": certificates}
    )
