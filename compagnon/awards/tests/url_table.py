"""Who reaches each awards URL.

Public pages are for everyone; an application is its applicant's and team's (and
staff's), 404 for everyone else; a review is its juror's only, and 404 for a juror
whose organisation applied (the conflict rule, tried here as well as in test_jury).
"""

from __future__ import annotations

from compagnon.core.tests.urltable import LOGIN, REDIRECT, Case, everyone, signed_in, staff_only

PDF = b"%PDF-1.4\n%%EOF\n"


def _awards(world):
    """An open, blind edition: member_a's draft and submitted application, member_b and
    manager_a on the jury (manager_a is conflicted: same organisation as member_a)."""
    if hasattr(world, "awards"):
        return world.awards
    from types import SimpleNamespace

    from django.core.files.base import ContentFile

    from compagnon.awards.models import (
        ApplicationStatus,
        Attachment,
        Juror,
        JurorStatus,
        Outcome,
        PublicVote,
        Review,
    )
    from compagnon.awards.tests.factories import ApplicationFactory, CategoryFactory

    category = CategoryFactory(
        edition__blind_review=True,
        edition__public_vote=True,
        edition__shortlist_published=True,
    )
    edition = category.edition
    draft = ApplicationFactory(
        category=category, applicant=world.member_a, status=ApplicationStatus.DRAFT
    )
    submitted = ApplicationFactory(
        category=category, applicant=world.member_a, outcome=Outcome.SHORTLISTED
    )
    attachment = Attachment(application=draft, name="deck.pdf", content_type="x", size=len(PDF))
    attachment.file.save("deck.pdf", ContentFile(PDF))
    juror_b = Juror.objects.create(
        edition=edition, person=world.member_b, status=JurorStatus.ACCEPTED
    )
    juror_manager = Juror.objects.create(
        edition=edition, person=world.manager_a, status=JurorStatus.ACCEPTED
    )
    review_b = Review.objects.create(application=submitted, juror=juror_b)
    review_conflicted = Review.objects.create(application=submitted, juror=juror_manager)
    past = CategoryFactory(edition__winners_published=True).edition
    vote = PublicVote.objects.create(
        edition=edition, application=submitted, email="reader@example.org", token="vote-token"
    )
    world.awards = SimpleNamespace(
        edition=edition,
        past=past,
        draft=draft,
        submitted=submitted,
        attachment=attachment,
        review_b=review_b,
        review_conflicted=review_conflicted,
        vote=vote,
    )
    return world.awards


def _slug(world):
    return {"slug": _awards(world).edition.slug}


def _draft(world):
    return {"pk": _awards(world).draft.pk}


def _submitted(world):
    return {"pk": _awards(world).submitted.pk}


def _vote_data(world):
    from django.core.cache import cache

    cache.clear()  # every persona posts from 127.0.0.1: a fresh rate-limit window per row
    return {"email": "visitor@example.org"}


APPLICANT = {
    "anonymous": LOGIN,
    "guest": 404,
    "lapsed": 404,
    "member_a": 200,
    "manager_a": 404,
    "member_b": 404,
    "staff": 200,
}
APPLICANT_POST = {**APPLICANT, "member_a": REDIRECT, "staff": REDIRECT}
JUROR = {**everyone(404), "anonymous": LOGIN, "member_b": 200, "manager_a": 200}
JUROR_POST = {**JUROR, "member_b": REDIRECT, "manager_a": REDIRECT}
POST_ONLY = {**signed_in(405), "anonymous": LOGIN}

URL_TABLE = {
    "awards:index": Case(everyone(200)),
    "awards:mine": Case(signed_in(200)),
    "awards:edition": [
        Case(everyone(200), kwargs=_slug),
        Case(everyone(404), kwargs=lambda w: {"slug": "no-such-edition"}),
    ],
    "awards:winners": [
        Case(everyone(404), kwargs=_slug, note="not published yet"),
        Case(everyone(200), kwargs=lambda w: {"slug": _awards(w).past.slug}),
    ],
    "awards:apply": Case(signed_in(200), kwargs=_slug),
    "awards:vote": [
        Case(everyone(200), kwargs=lambda w: {**_slug(w), "pk": _awards(w).submitted.pk}),
        Case(
            everyone(REDIRECT),
            method="post",
            kwargs=lambda w: {**_slug(w), "pk": _awards(w).submitted.pk},
            data=_vote_data,
        ),
        Case(
            everyone(404),
            kwargs=lambda w: {**_slug(w), "pk": _awards(w).draft.pk},
            note="not on the shortlist",
        ),
    ],
    "awards:vote_done": Case(everyone(200)),
    "awards:vote_confirm": [
        Case(everyone(200), kwargs=lambda w: {"token": _awards(w).vote.token}),
        Case(everyone(200), method="post", kwargs=lambda w: {"token": _awards(w).vote.token}),
        Case(everyone(404), kwargs=lambda w: {"token": "unknown"}, note="clear page"),
    ],
    "awards:application_edit": [
        Case(APPLICANT, kwargs=_draft),
        Case(APPLICANT, kwargs=_submitted, note="read-only once submitted"),
    ],
    "awards:autosave": [
        Case(POST_ONLY, kwargs=_draft),
        Case(APPLICANT, method="post", kwargs=_draft, data=lambda w: {"title": "Autosaved"}),
    ],
    "awards:attachment_add": [
        Case(POST_ONLY, kwargs=_draft),
        Case(APPLICANT_POST, method="post", kwargs=_draft),
    ],
    "awards:attachment_download": Case(
        APPLICANT, kwargs=lambda w: {"pk": _awards(w).attachment.pk}
    ),
    "awards:attachment_delete": [
        Case(POST_ONLY, kwargs=lambda w: {"pk": _awards(w).attachment.pk}),
        Case(APPLICANT_POST, method="post", kwargs=lambda w: {"pk": _awards(w).attachment.pk}),
    ],
    "awards:jury": Case(JUROR, kwargs=_slug),
    "awards:jury_answer": [
        Case(POST_ONLY, kwargs=_slug),
        Case(JUROR_POST, method="post", kwargs=_slug, data=lambda w: {"answer": "accept"}),
    ],
    "awards:conflict_declare": [
        Case(POST_ONLY, kwargs=_slug),
        Case(JUROR_POST, method="post", kwargs=_slug),
    ],
    "awards:review": [
        Case(
            {**everyone(404), "anonymous": LOGIN, "member_b": 200},
            kwargs=lambda w: {"pk": _awards(w).review_b.pk},
            note="blind: the juror sees no name nor organisation",
            hides=lambda w: ["Alpha Corp", w.member_a.last_name],
            hidden_from=("member_b",),
        ),
        Case(
            {**everyone(404), "anonymous": LOGIN},
            kwargs=lambda w: {"pk": _awards(w).review_conflicted.pk},
            note="manager_a's own organisation applied: 404 even with the row",
        ),
    ],
    "awards:staff": Case(staff_only(), kwargs=_slug),
    "awards:board": Case(staff_only(), kwargs=_slug),
    "awards:juror_invite": [
        Case(staff_only(405), kwargs=_slug),
        Case(
            staff_only(REDIRECT),
            method="post",
            kwargs=_slug,
            data=lambda w: {"email": w.colleague_a.email},
        ),
    ],
    "awards:assign": [
        Case(staff_only(405), kwargs=_slug),
        Case(staff_only(REDIRECT), method="post", kwargs=_slug),
    ],
    "awards:publish": [
        Case(staff_only(405), kwargs=_slug),
        Case(
            staff_only(REDIRECT),
            method="post",
            kwargs=_slug,
            data=lambda w: {"what": "winners", "on": "1"},
        ),
    ],
    "awards:announce": [
        Case(staff_only(405), kwargs=_slug),
        Case(staff_only(REDIRECT), method="post", kwargs=_slug, note="not published: back"),
    ],
    "awards:eligibility": [
        Case(staff_only(405), kwargs=_submitted),
        Case(
            staff_only(REDIRECT),
            method="post",
            kwargs=_submitted,
            data=lambda w: {"eligible": "yes"},
        ),
    ],
    "awards:decide": [
        Case(staff_only(405), kwargs=_submitted),
        Case(
            staff_only(REDIRECT),
            method="post",
            kwargs=_submitted,
            data=lambda w: {"outcome": "winner"},
        ),
    ],
}
