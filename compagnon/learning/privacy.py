"""What learning holds on a person, for their data export and their erasure (`accounts.privacy`)."""

from __future__ import annotations

from typing import Any

from compagnon.core.outbox import ERASED_EMAIL_DOMAIN
from compagnon.learning.models import (
    Badge,
    Certificate,
    CohortMember,
    DiscussionPost,
    LearnerConsent,
    LessonProgress,
    SkillProposal,
)


def _when(value: Any) -> Any:
    return value.isoformat() if value is not None else None


def learning_export(person, user) -> dict[str, list[dict[str, Any]]]:
    if user is None:
        return {}
    return {
        "learning_progress": [
            {
                "lesson": p.lesson.title_en,
                "started_at": _when(p.started_at),
                "share_watched": p.share_watched,
                "position_seconds": p.position_seconds,
                "quiz_score": p.quiz_score,
                "attempts": p.attempts,
                "completed_at": _when(p.completed_at),
            }
            for p in LessonProgress.objects.filter(user=user).select_related("lesson")
        ],
        "learning_badges": [
            {"module": b.module.title_en, "awarded_at": _when(b.awarded_at)}
            for b in Badge.objects.filter(user=user).select_related("module")
        ],
        "learning_certificates": [
            {
                "programme": c.programme_title,
                "holder": c.holder_name,
                "number": c.code,
                "issued_at": _when(c.issued_at),
            }
            for c in Certificate.objects.filter(user=user)
        ],
        "learning_consent": [
            {"propose_skills": c.propose_skills, "decided_at": _when(c.decided_at)}
            for c in LearnerConsent.objects.filter(user=user)
        ],
        "learning_skill_proposals": [
            {"tag": s.tag.slug, "level": s.level, "status": s.status}
            for s in SkillProposal.objects.filter(user=user).select_related("tag")
        ],
        "learning_cohorts": [
            {
                "cohort": m.cohort.title,
                "email": m.email,
                "joined_at": _when(m.joined_at),
                "wants_more_at": _when(m.wants_more_at),
            }
            for m in CohortMember.objects.filter(user=user).select_related("cohort")
        ],
        "learning_discussion_posts": [
            {"cohort": p.cohort.title, "at": _when(p.created_at), "message": p.body}
            for p in DiscussionPost.objects.filter(author=user).select_related("cohort")
        ],
    }


def learning_erase(person, user) -> None:
    """Runs inside `person_erase`'s transaction. Progress stays (counts), unnamed.

    The certificates go: the public verification page would otherwise keep the
    name. Their messages go. Their cohort rows stay for the funnel, without the address.
    """
    addresses = {
        a.lower() for a in (person.email if person else "", user.email if user else "") if a
    }
    if user is not None:
        Certificate.objects.filter(user=user).delete()
        DiscussionPost.objects.filter(author=user).delete()
        SkillProposal.objects.filter(user=user).delete()
        LearnerConsent.objects.filter(user=user).delete()
    members = (
        CohortMember.objects.filter(user=user) if user is not None else CohortMember.objects.none()
    )
    for address in addresses:
        members = members | CohortMember.objects.filter(email__iexact=address)
    for member in members.distinct():
        member.email = f"erased-{member.pk}@{ERASED_EMAIL_DOMAIN}"
        member.save(update_fields=["email"])
