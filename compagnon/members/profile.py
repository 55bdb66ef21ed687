"""Extra sections on a person's profile page, added by other apps (badges, certificates…).

Members knows nothing of those apps: each registers a function in its
`AppConfig.ready()`. The function gets the person and the viewer and returns a
`ProfileSection` (a template and its context), or None to show nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ProfileSection:
    template: str
    context: dict[str, Any] = field(default_factory=dict)


SectionSource = Callable[..., ProfileSection | None]
_SOURCES: list[SectionSource] = []


def profile_section_add(source: SectionSource) -> None:
    if source not in _SOURCES:
        _SOURCES.append(source)


def profile_sections(*, person: Any, viewer: Any) -> list[ProfileSection]:
    sections = []
    for source in _SOURCES:
        section = source(person=person, viewer=viewer)
        if section is not None:
            sections.append(section)
    return sections
