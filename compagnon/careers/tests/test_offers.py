"""Offers, moderation, the JobPosting markup, matching both ways, applications, messages."""

import datetime as dt
import json
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from compagnon.careers import services
from compagnon.careers.matching import candidates_for_offer, offers_for_candidate
from compagnon.careers.models import (
    AccessKind,
    ApplicationStatus,
    CandidateAccess,
    CandidateVisibility,
    Offer,
    OfferAudience,
    OfferStatus,
)
from compagnon.careers.selectors import placements_count
from compagnon.careers.tests.factories import CandidateFactory, OfferFactory, offer_skill
from compagnon.core.models import OutboundEmail
from compagnon.members.models import Skill
from compagnon.members.tests.factories import PersonFactory, TagFactory

pytestmark = pytest.mark.django_db


def _offer_fields(**overrides):
    fields = {
        "title": "Data scientist, forecasting",
        "team": "Supply chain",
        "level": "junior",
        "contract": "permanent",
        "base": None,
        "work_place": "hybrid",
        "salary_min": 45000,
        "salary_max": 55000,
        "description": "Forecast **demand**.",
        "language": "fr",
        "audience": "public",
        "expires_on": timezone.localdate() + dt.timedelta(days=30),
    }
    return {**fields, **overrides}


def test_a_recruiter_posts_an_offer_that_waits_for_staff(manager_a, staff_user, committed):
    tag = TagFactory(slug="time-series-x")
    offer = services.offer_create(
        posted_by=manager_a, actor=manager_a.user, skills=[(tag, 3)], **_offer_fields()
    )
    assert offer.status == OfferStatus.PENDING
    assert [(s.tag.slug, s.level) for s in offer.skills.all()] == [("time-series-x", 3)]
    committed(services.offer_moderate, offer=offer, actor=staff_user, publish=True)
    offer.refresh_from_db()
    assert offer.status == OfferStatus.PUBLISHED and offer.published_at is not None
    assert OutboundEmail.objects.filter(
        key__startswith=f"careers:offer:{offer.pk}:moderated:"
    ).exists()
    with pytest.raises(ValidationError, match="already moderated"):
        services.offer_moderate(offer=offer, actor=staff_user, publish=False)


def test_bad_offers_are_refused_with_messages_and_nothing_written(manager_a, member_a):
    with pytest.raises(ValidationError) as error:
        services.offer_create(
            posted_by=manager_a,
            actor=manager_a.user,
            **_offer_fields(
                salary_min=60000, salary_max=50000, expires_on=timezone.localdate(), title=""
            ),
        )
    assert {"salary_max", "expires_on", "title"} <= set(error.value.message_dict)
    with pytest.raises(PermissionDenied):
        services.offer_create(posted_by=member_a, actor=member_a.user, **_offer_fields())
    assert not Offer.objects.exists()


def test_the_offer_form_shows_errors_and_keeps_input(client_of, manager_a):
    client = client_of(manager_a)
    data = {
        **_offer_fields(salary_min=60000, salary_max=50000),
        "base": "",
        "level_1": "2",
        "level_2": "2",
        "level_3": "2",
        "level_4": "2",
    }
    response = client.post("/careers/offers/new/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "The top of the salary range is below its bottom." in page
    assert 'value="Data scientist, forecasting"' in page
    assert not Offer.objects.exists()


def _current(offer, **overrides):
    """The offer's own values, as the edit form sends them back, with some changed."""
    fields = {name: getattr(offer, name) for name in services.OFFER_FIELDS}
    return {**fields, **overrides}


def test_an_edit_of_a_published_offer_s_text_goes_back_to_moderation(
    manager_a, org_a, staff_user, committed
):
    offer = OfferFactory(organisation=org_a, posted_by=manager_a)
    offer_skill(offer, "forecasting-x", 2)
    tag = TagFactory(slug="causal-x")
    # A fact picked from a list or a number: published at once.
    offer, again = services.offer_update(
        offer=offer, actor=manager_a.user, skills=[(tag, 3)], **_current(offer, salary_max=70000)
    )
    assert not again and offer.status == OfferStatus.PUBLISHED and offer.salary_max == 70000
    assert [(s.tag.slug, s.level) for s in offer.skills.all()] == [("causal-x", 3)]
    # The text staff read: back to them, out of the readers' sight.
    offer, again = services.offer_update(
        offer=offer, actor=manager_a.user, **_current(offer, description="A new text.")
    )
    offer.refresh_from_db()
    assert again and offer.status == OfferStatus.PENDING and offer.published_at is None
    assert offer.description == "A new text."
    committed(services.offer_moderate, offer=offer, actor=staff_user, publish=True)
    offer.refresh_from_db()
    assert offer.status == OfferStatus.PUBLISHED
    assert OutboundEmail.objects.filter(key__startswith=f"careers:offer:{offer.pk}:").count() == 1
    # A staff edit is already a moderator's reading.
    offer, again = services.offer_update(
        offer=offer, actor=staff_user, **_current(offer, title="Data scientist (F/M)")
    )
    assert not again and offer.status == OfferStatus.PUBLISHED


def test_a_rejected_offer_edited_is_sent_again_and_a_closed_one_is_not_edited(
    manager_a, org_a, staff_user
):
    rejected = OfferFactory(
        organisation=org_a, posted_by=manager_a, status=OfferStatus.REJECTED, published_at=None
    )
    offer_skill(rejected, "kept-skill")
    rejected, again = services.offer_update(
        offer=rejected, actor=manager_a.user, **_current(rejected, expires_on=rejected.expires_on)
    )
    assert again and rejected.status == OfferStatus.PENDING
    assert rejected.skills.count() == 1  # no skills given: the skills wanted stay
    closed = OfferFactory(organisation=org_a, posted_by=manager_a, status=OfferStatus.CLOSED)
    with pytest.raises(ValidationError, match="A closed offer cannot be edited"):
        services.offer_update(offer=closed, actor=manager_a.user, **_current(closed, title="X"))
    closed.refresh_from_db()
    assert closed.title == "Data scientist, forecasting"


def test_only_the_organisation_s_recruiters_edit_its_offer(manager_a, org_b, member_a):
    offer = OfferFactory(organisation=org_b)
    for outsider in (manager_a, member_a):
        with pytest.raises(PermissionDenied):
            services.offer_update(offer=offer, actor=outsider.user, **_current(offer, title="X"))
    offer.refresh_from_db()
    assert offer.title == "Data scientist, forecasting"


def test_the_edit_page_starts_from_the_offer_and_refuses_bad_input(client_of, manager_a, org_a):
    offer = OfferFactory(organisation=org_a, posted_by=manager_a, salary_min=40000)
    offer_skill(offer, "forecasting-y", 4)
    client = client_of(manager_a)
    url = f"/careers/offers/{offer.pk}/edit/"
    page = client.get(url).content.decode()
    assert 'value="Data scientist, forecasting"' in page and 'value="40000"' in page
    assert "Edit the offer" in client.get(offer.get_absolute_url()).content.decode()
    data = {
        **_offer_fields(salary_min=60000, salary_max=50000, description="Changed."),
        "base": "",
        **{f"level_{i}": "2" for i in range(1, 5)},
    }
    response = client.post(url, data)
    assert "The top of the salary range is below its bottom." in response.content.decode()
    offer.refresh_from_db()
    assert offer.description == "Forecast demand with causal models and time series."
    response = client.post(url, {**data, "salary_min": 45000}, follow=True)
    assert "staff read the offer again before it is published" in response.content.decode()
    offer.refresh_from_db()
    assert offer.status == OfferStatus.PENDING and offer.description == "Changed."


def test_who_reads_which_offer(client, member_a):
    public = OfferFactory(title="Public job")
    members = OfferFactory(title="Members job", audience=OfferAudience.MEMBERS)
    OfferFactory(title="Old job", expires_on=timezone.localdate() - dt.timedelta(days=1))
    OfferFactory(title="Pending job", status=OfferStatus.PENDING)
    page = client.get("/careers/").content.decode()
    assert "Public job" in page and "Members job" not in page
    assert "Old job" not in page and "Pending job" not in page
    assert client.get(members.get_absolute_url()).status_code == 404
    client.force_login(member_a.user)
    page = client.get("/careers/").content.decode()
    assert "Members job" in page and "Old job" not in page
    assert client.get(public.get_absolute_url()).status_code == 200


def _jsonld(page):
    match = re.search(
        r'<script type="application/ld\+json" nonce="[^"]*">(.*?)</script>', page, re.S
    )
    assert match, "no JSON-LD"
    return match.group(1)


def test_the_offer_page_carries_schema_org_job_posting(client):
    offer = OfferFactory(
        title="Data scientist </script><script>alert(1)</script>",
        salary_min=45000,
        salary_max=55000,
    )
    offer_skill(offer, "causal-x")
    page = client.get(offer.get_absolute_url()).content.decode()
    raw = _jsonld(page)
    assert "</script>" not in raw and "<" not in raw
    data = json.loads(raw)
    assert data["@type"] == "JobPosting"
    assert data["title"] == offer.title
    assert data["hiringOrganization"]["name"] == offer.organisation.name
    assert data["validThrough"] == offer.expires_on.isoformat()
    assert data["baseSalary"]["value"]["minValue"] == 45000
    assert data["employmentType"] == "FULL_TIME"


def _skilled_candidate(slug, level, **kwargs):
    candidate = CandidateFactory(**kwargs)
    Skill.objects.create(person=candidate.person, tag=TagFactory(slug=slug), level=level)
    return candidate


def test_matching_both_ways_with_reasons_and_only_consenting_candidates():
    tag_slug = "causal-inference"
    offer = OfferFactory(title="Causal inference scientist")
    offer_skill(offer, tag_slug, level=3)
    other = OfferFactory(title="Front-end developer", description="React and CSS.")
    strong = _skilled_candidate(tag_slug, 4, thesis_title="Causal inference in retail")
    weak = _skilled_candidate("computer-vision", 3, thesis_title="Images of leaves")
    hidden = _skilled_candidate(tag_slug, 4, visibility=CandidateVisibility.HIDDEN)
    ranked = candidates_for_offer(offer)
    ids = [item.profile.pk for item in ranked]
    assert ids[0] == strong.pk
    assert hidden.pk not in ids
    assert ranked[0].reasons, "a match says why"
    if weak.pk in ids:
        assert ids.index(weak.pk) > 0
    suggestions = offers_for_candidate(strong, [offer, other])
    assert suggestions[0].offer == offer and suggestions[0].reasons
    # A hidden candidate still sees the offers that suit them (for themselves only).
    assert offers_for_candidate(hidden, [offer])[0].offer == offer


def test_the_recruiter_s_look_at_candidates_is_logged(client_of, manager_a, org_a, member_a):
    offer = OfferFactory(organisation=org_a, posted_by=manager_a)
    offer_skill(offer, "causal-inference")
    candidate = _skilled_candidate("causal-inference", 4)
    client = client_of(manager_a)
    page = client.get(f"/careers/offers/{offer.pk}/candidates/").content.decode()
    assert candidate.person.full_name in page
    assert candidate.person.email not in page
    client.get(candidate.get_absolute_url())
    kinds = sorted(
        CandidateAccess.objects.filter(candidate=candidate).values_list("kind", flat=True)
    )
    assert kinds == [AccessKind.LISTED, AccessKind.PROFILE]
    assert CandidateAccess.objects.filter(organisation=org_a).count() == 2


def test_an_application_moves_through_its_pipeline_to_a_placement(manager_a, org_a, committed):
    offer = OfferFactory(organisation=org_a, posted_by=manager_a)
    candidate = CandidateFactory(person=PersonFactory(organisation=None, with_account=True))
    user = candidate.person.user
    application = committed(
        services.application_create, offer=offer, candidate=candidate, actor=user, note="Hello"
    )
    with pytest.raises(ValidationError, match="already applied"):
        services.application_create(offer=offer, candidate=candidate, actor=user)
    with pytest.raises(ValidationError, match="cannot go from"):
        services.application_move(application=application, to_status="hired", actor=manager_a.user)
    with pytest.raises(ValidationError, match="cannot go from"):
        services.application_move(application=application, to_status="seen", actor=user)
    for step in ("seen", "interview", "offer", "hired"):
        application = committed(
            services.application_move, application=application, to_status=step, actor=manager_a.user
        )
    assert application.status == ApplicationStatus.HIRED and application.hired_at
    assert placements_count() == 1
    assert placements_count(since=timezone.now() + dt.timedelta(days=1)) == 0
    assert list(application.moves.values_list("to_status", flat=True)) == [
        "sent",
        "seen",
        "interview",
        "offer",
        "hired",
    ]
    assert OutboundEmail.objects.filter(key=f"careers:application:{application.pk}:hired").exists()


def test_a_candidate_withdraws(org_a, manager_a):
    offer = OfferFactory(organisation=org_a, posted_by=manager_a)
    candidate = CandidateFactory(person=PersonFactory(organisation=None, with_account=True))
    application = services.application_create(
        offer=offer, candidate=candidate, actor=candidate.person.user
    )
    services.application_move(
        application=application, to_status="declined", actor=candidate.person.user
    )
    application.refresh_from_db()
    assert application.status == "declined"


def test_an_expired_offer_takes_no_application(org_a, manager_a):
    offer = OfferFactory(
        organisation=org_a, posted_by=manager_a, expires_on=timezone.localdate() - dt.timedelta(1)
    )
    candidate = CandidateFactory(person=PersonFactory(organisation=None, with_account=True))
    with pytest.raises(ValidationError, match="closed or has expired"):
        services.application_create(offer=offer, candidate=candidate, actor=candidate.person.user)


def test_messages_are_relayed_and_the_address_shows_only_after_a_reply(
    client_of, manager_a, org_a, committed
):
    candidate = CandidateFactory(person=PersonFactory(organisation=None, with_account=True))
    candidate_email = candidate.person.email
    thread = committed(
        services.thread_start,
        recruiter=manager_a,
        candidate=candidate,
        actor=manager_a.user,
        body="Would you meet our team?",
    )
    (to_candidate,) = [e for e in OutboundEmail.objects.all() if candidate_email in e.to]
    assert "Would you meet our team?" in to_candidate.body_text
    assert f"/careers/conversations/{thread.pk}/" in to_candidate.body_text
    client = client_of(manager_a)
    page = client.get(f"/careers/conversations/{thread.pk}/").content.decode()
    assert candidate_email not in page and "stays hidden" in page
    committed(services.message_send, thread=thread, actor=candidate.person.user, body="Gladly.")
    (to_recruiter,) = [e for e in OutboundEmail.objects.all() if manager_a.email in e.to]
    assert to_recruiter.headers.get("Reply-To") == candidate_email
    client = client_of(manager_a)
    page = client.get(f"/careers/conversations/{thread.pk}/").content.decode()
    assert candidate_email in page


def test_a_hidden_candidate_takes_no_message(manager_a):
    candidate = CandidateFactory(visibility=CandidateVisibility.HIDDEN)
    with pytest.raises(ValidationError):
        services.thread_start(
            recruiter=manager_a, candidate=candidate, actor=manager_a.user, body="Hi"
        )


def test_offers_past_their_date_are_closed_by_the_daily_task():
    from compagnon.careers.tasks import offers_expire

    old = OfferFactory(expires_on=timezone.localdate() - dt.timedelta(days=1))
    live = OfferFactory()
    assert offers_expire.call() == 1
    old.refresh_from_db()
    live.refresh_from_db()
    assert (old.status, live.status) == (OfferStatus.CLOSED, OfferStatus.PUBLISHED)


def test_many_offers_are_shortlisted_by_the_reverse_ranking(monkeypatch):
    """Over EXACT_OFFERS offers, the engine ranks the offers first; the best still comes first."""
    from compagnon.careers import matching

    monkeypatch.setattr(matching, "EXACT_OFFERS", 2)
    best = OfferFactory(title="Causal inference scientist")
    offer_skill(best, "causal-inference", level=3)
    others = [OfferFactory(title=f"Front-end {i}", description="React, CSS.") for i in range(4)]
    strong = _skilled_candidate("causal-inference", 4, thesis_title="Causal inference")
    found = offers_for_candidate(strong, [*others, best], k=3)
    assert found[0].offer == best


def test_the_candidates_index_follows_changes_without_refitting():
    from compagnon.careers import matching

    offer = OfferFactory(title="Causal inference scientist")
    offer_skill(offer, "causal-inference", level=3)
    first = _skilled_candidate("causal-inference", 3)
    ranker = matching.candidates_ranker()
    assert [item.profile for item in candidates_for_offer(offer)] == [first]
    second = _skilled_candidate("causal-inference", 4)
    assert matching.candidates_ranker() is ranker
    assert second.pk in ranker
    second.visibility = CandidateVisibility.HIDDEN
    second.updated_at = timezone.now()
    second.save()
    assert matching.candidates_ranker() is ranker
    assert second.pk not in ranker
