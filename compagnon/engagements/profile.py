"""The "time given to the community" section of a member's profile page."""

from __future__ import annotations

from typing import Any

from compagnon.engagements.selectors import time_given
from compagnon.members.profile import ProfileSection


def time_given_profile_section(*, person: Any, viewer: Any) -> ProfileSection | None:
    given = time_given(person)
    if given.is_empty:
        return None
    # Figures only: no case, organisation or engagement is named here.
    return ProfileSection("engagements/_profile_time_given.html", {"time_given": given})
