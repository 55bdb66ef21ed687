"""What the API tests need beyond the permission table's World: tokens and content."""

from __future__ import annotations

from types import SimpleNamespace

from compagnon.api.models import SCOPES
from compagnon.api.services import token_create


def token_for(user, scopes=SCOPES, days=30) -> str:
    return token_create(user=user, name="test", scopes=list(scopes), days=days).raw


def bearer(raw: str | None) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"} if raw else {}


def api_world(world):
    """A public workshop, a members-only report, a post, a members-only challenge, and an
    invitation of member_b to an open case (made once per world)."""
    if hasattr(world, "api"):
        return world.api
    from compagnon.cases.tests.derived import anonymised_case_workshop
    from compagnon.challenges.tests.factories import ChallengeFactory
    from compagnon.core.tests.test_permissions import _invitation_of_member_b
    from compagnon.knowledge.tests.factories import make_report, make_workshop
    from compagnon.news.tests.factories import PostFactory
    from compagnon.workshops.models import Audience
    from compagnon.workshops.tests.factories import WorkshopFactory

    workshop = WorkshopFactory(audience=Audience.PUBLIC, title="Open forecasting")
    done = make_workshop(hosts=[world.member_a])
    report = make_report(workshop=done, actor=world.staff_user)
    world.api = SimpleNamespace(
        workshop=workshop,
        report=report,
        post=PostFactory(),
        challenge=ChallengeFactory(),
        invitation=_invitation_of_member_b(world),
        anonymised_case=anonymised_case_workshop(world).origin_case,
    )
    return world.api
