"""What careers holds on a person, for `accounts.privacy`'s export and erasure.

Erasure deletes the candidate profile with everything hanging from it (publications,
CV file, applications, bookings, conversations, the access log about them): a job
search is personal and no club figure needs it, except placements, which are counted
before erasure only. A recruiter's erasure blanks the text of the messages they wrote
and of their comments on job descriptions (their words); the conversations stay for the
candidate.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from compagnon.careers.models import (
    CandidateAccess,
    CandidateProfile,
    HelpComment,
    JobApplication,
    Message,
    SlotBooking,
    Thread,
)


def _when(value: Any) -> Any:
    return value.isoformat() if value is not None else None


def careers_export(person, user) -> dict[str, list[dict[str, Any]]]:
    if person is None:
        return {}
    sections: dict[str, list[dict[str, Any]]] = {}
    profile = (
        CandidateProfile.objects.filter(person=person)
        .prefetch_related("bases", "publications")
        .first()
    )
    if profile is not None:
        sections["candidate_profile"] = [
            {
                "thesis_title": profile.thesis_title,
                "thesis_abstract": profile.thesis_abstract,
                "lab": profile.lab,
                "supervisor": profile.supervisor,
                "defence_on": _when(profile.defence_on),
                "hal_url": profile.hal_url,
                "thesis_url": profile.thesis_url,
                "orcid": profile.orcid,
                "available_from": _when(profile.available_from),
                "bases": ", ".join(base.name for base in profile.bases.all()),
                "remote_ok": profile.remote_ok,
                "contracts": ", ".join(profile.contracts or []),
                "languages": ", ".join(profile.languages or []),
                "visibility": profile.visibility,
                "cv_file_name": profile.cv_name,
            }
        ]
        sections["candidate_publications"] = [
            {"title": p.title, "authors": p.authors, "venue": p.venue, "year": p.year, "doi": p.doi}
            for p in profile.publications.all()
        ]
        sections["job_applications"] = [
            {
                "offer": a.offer.title,
                "organisation": a.offer.organisation.name,
                "status": a.status,
                "sent_at": _when(a.created_at),
                "note": a.note,
            }
            for a in JobApplication.objects.filter(candidate=profile).select_related(
                "offer__organisation"
            )
        ]
        sections["recruiter_accesses"] = [
            {
                "organisation": access.organisation.name if access.organisation else "",
                "kind": access.kind,
                "at": _when(access.at),
            }
            for access in CandidateAccess.objects.filter(candidate=profile).select_related(
                "organisation"
            )
        ]
        sections["recruitment_slots"] = [
            {
                "session": b.slot.session.title,
                "organisation": b.slot.organisation.name,
                "starts_at": _when(b.slot.starts_at),
            }
            for b in SlotBooking.objects.filter(candidate=profile).select_related(
                "slot__session", "slot__organisation"
            )
        ]
    messages = Message.objects.filter(
        thread__in=Thread.objects.filter(candidate__person=person)
        | Thread.objects.filter(recruiter=person)
    ).select_related("thread")
    sections["career_messages"] = [
        {
            "conversation": m.thread_id,
            "from_candidate": m.from_candidate,
            "sent_at": _when(m.sent_at),
            "body": m.body,
        }
        for m in messages
    ]
    return sections


def careers_erase(person, user) -> None:
    """Runs inside `person_erase`'s transaction."""
    if person is None:
        return
    profile = CandidateProfile.objects.filter(person=person).first()
    if profile is not None:
        if profile.cv:
            name, storage = profile.cv.name, profile.cv.storage
            transaction.on_commit(lambda: storage.delete(name))
        profile.delete()
    Message.objects.filter(thread__recruiter=person, from_candidate=False).update(body="")
    HelpComment.objects.filter(author=person).update(body="")
