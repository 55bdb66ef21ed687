"""The API reads through the pages' selectors and writes through their services."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.utils import override_settings
from django.urls import reverse

from compagnon.api.tests.world import bearer, token_for
from compagnon.cases.models import Case, CaseInvitation, CaseStatus
from compagnon.challenges.models import RulesAcceptance, Submission
from compagnon.members.models import Visibility
from compagnon.members.tests.factories import PersonFactory
from compagnon.workshops.models import Audience, Registration, RegistrationStatus
from compagnon.workshops.tests.factories import WorkshopFactory

pytestmark = pytest.mark.django_db


def _get(client, name, user, **kwargs):
    params = kwargs.pop("params", {})
    return client.get(reverse(f"api_v1:{name}", kwargs=kwargs), params, **bearer(token_for(user)))


def _post(client, name, user, data, **kwargs):
    return client.post(
        reverse(f"api_v1:{name}", kwargs=kwargs),
        data,
        content_type="application/json",
        **bearer(token_for(user)),
    )


def test_people_are_those_the_directory_shows(client, org_a, member_a, member_b):
    private = PersonFactory(organisation=org_a, directory_visibility=Visibility.ORGANISATION)
    hidden = PersonFactory(organisation=org_a, directory_visibility=Visibility.HIDDEN)
    seen_by_b = {row["id"] for row in _get(client, "people", member_b.user).json()["results"]}
    assert member_a.pk in seen_by_b
    assert private.pk not in seen_by_b and hidden.pk not in seen_by_b
    seen_by_a = {row["id"] for row in _get(client, "people", member_a.user).json()["results"]}
    assert private.pk in seen_by_a and hidden.pk not in seen_by_a


def test_an_anonymised_case_does_not_name_its_bringer_outside(client, org_a, member_a, member_b):
    from django.utils import timezone

    case = Case.objects.create(
        title="Churn doubled",
        description="After the price change.",
        brought_by=member_a,
        organisation=org_a,
        status=CaseStatus.OPEN,
        opened_at=timezone.now(),
        confidentiality="anonymised",
    )
    outside = _get(client, "case", member_b.user, case_id=case.pk).json()
    assert outside["organisation"] is None and outside["brought_by"] is None
    listed = _get(client, "cases", member_b.user).json()["results"]
    assert [row["brought_by"] for row in listed if row["id"] == case.pk] == [None]
    assert member_a.last_name not in str(listed) and org_a.name not in str(listed)
    inside = _get(client, "case", member_a.user, case_id=case.pk).json()
    assert inside["brought_by"]["id"] == member_a.pk
    assert inside["organisation"]["slug"] == org_a.slug


def test_cursor_pagination_walks_every_item_once(client, member_a):
    for _ in range(5):
        WorkshopFactory(audience=Audience.PUBLIC)
    seen, url = [], reverse("api_v1:workshops") + "?page_size=2"
    headers = bearer(token_for(member_a.user))
    while url:
        page = client.get(url, **headers).json()
        assert len(page["results"]) <= 2
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    assert len(seen) == 5 == len(set(seen))


def test_filters(client, member_a):
    WorkshopFactory(audience=Audience.PUBLIC)
    draft = WorkshopFactory(audience=Audience.PUBLIC, draft=True, hosts=[member_a])
    rows = _get(client, "workshops", member_a.user, params={"status": "draft"}).json()["results"]
    assert [row["id"] for row in rows] == [draft.pk]


def test_etag_gives_304_when_nothing_changed(client, member_a):
    WorkshopFactory(audience=Audience.PUBLIC)
    headers = bearer(token_for(member_a.user))
    url = reverse("api_v1:workshops")
    first = client.get(url, **headers)
    etag = first["ETag"]
    again = client.get(url, HTTP_IF_NONE_MATCH=etag, **headers)
    assert again.status_code == 304 and again.content == b""
    WorkshopFactory(audience=Audience.PUBLIC)
    assert client.get(url, HTTP_IF_NONE_MATCH=etag, **headers).status_code == 200


@override_settings(API_RATE_LIMIT="3/min")
def test_rate_limit_per_token_is_429_with_retry_after(client, member_a, member_b):
    url = reverse("api_v1:posts")
    mine = bearer(token_for(member_a.user))
    assert [client.get(url, **mine).status_code for _ in range(3)] == [200] * 3
    limited = client.get(url, **mine)
    assert limited.status_code == 429
    assert 0 < int(limited["Retry-After"]) <= 60
    # Another token has its own bucket, even for the same user.
    assert client.get(url, **bearer(token_for(member_a.user))).status_code == 200
    assert client.get(url, **bearer(token_for(member_b.user))).status_code == 200


@override_settings(API_RATE_LIMIT="often")
def test_a_bad_rate_setting_names_the_variable(client, member_a):
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="API_RATE_LIMIT"):
        client.get(reverse("api_v1:posts"), **bearer(token_for(member_a.user)))


def test_registering_goes_through_the_service(client, member_a):
    workshop = WorkshopFactory(audience=Audience.PUBLIC, onsite_seats=1)
    first = _post(client, "workshop_register", member_a.user, {}, workshop_id=workshop.pk)
    assert first.status_code == 201
    assert first.json()["status"] == RegistrationStatus.CONFIRMED
    again = _post(client, "workshop_register", member_a.user, {}, workshop_id=workshop.pk)
    assert again.json()["id"] == first.json()["id"]
    assert Registration.objects.count() == 1
    mine = _get(client, "registrations", member_a.user).json()["results"]
    assert [row["workshop_id"] for row in mine] == [workshop.pk]


def test_a_refused_registration_says_why_and_writes_nothing(client, member_a):
    workshop = WorkshopFactory(audience=Audience.PUBLIC, terms="Keep it secret.")
    refused = _post(client, "workshop_register", member_a.user, {}, workshop_id=workshop.pk)
    assert refused.status_code == 409
    assert "confidentiality terms" in refused.json()["detail"]
    assert not Registration.objects.exists()


def test_filing_a_case_validates_and_writes_nothing_when_refused(client, member_a):
    refused = _post(
        client,
        "case_file",
        member_a.user,
        {"title": "Forecasts", "description": "Why?", "confidentiality": "secret", "tags": []},
    )
    assert refused.status_code == 400
    assert "confidentiality" in refused.json()["errors"]
    assert not Case.objects.exists()
    unknown_tag = _post(
        client, "case_file", member_a.user, {"title": "F", "description": "W", "tags": ["nope"]}
    )
    assert unknown_tag.status_code == 400 and "nope" in unknown_tag.json()["errors"]["tags"][0]
    assert not Case.objects.exists()


def test_filing_a_case_is_idempotent_with_a_key(client, member_a):
    headers = {**bearer(token_for(member_a.user)), "HTTP_IDEMPOTENCY_KEY": "k-1"}
    url = reverse("api_v1:case_file")
    body = {"title": "Forecasts broke", "description": "Since 2020.", "submit": True}
    first = client.post(url, body, content_type="application/json", **headers)
    assert first.status_code == 201 and first.json()["status"] == CaseStatus.SUBMITTED
    second = client.post(url, body, content_type="application/json", **headers)
    assert second.status_code == 200 and second.json()["id"] == first.json()["id"]
    assert Case.objects.count() == 1


def test_answering_an_invitation(client, org_a, member_a, member_b):
    from django.utils import timezone

    case = Case.objects.create(
        title="Forecasts",
        description="Why?",
        brought_by=member_a,
        organisation=org_a,
        status=CaseStatus.OPEN,
        opened_at=timezone.now(),
    )
    invitation = CaseInvitation.objects.create(case=case, person=member_b)
    wrong = _post(
        client, "invitation_answer", member_b.user, {"answer": "maybe"}, invitation_id=invitation.pk
    )
    assert wrong.status_code == 400 and "answer" in wrong.json()["errors"]
    assert (
        _post(
            client,
            "invitation_answer",
            member_a.user,
            {"answer": "interested"},
            invitation_id=invitation.pk,
        ).status_code
        == 404
    )
    done = _post(
        client,
        "invitation_answer",
        member_b.user,
        {"answer": "interested"},
        invitation_id=invitation.pk,
    )
    assert done.status_code == 200 and done.json()["answer"] == "interested"


def test_submitting_respects_the_rules_and_the_quota(client, member_a, staff_user):
    from compagnon.challenges.services import solution_upload
    from compagnon.challenges.tests.conftest import solution_bytes, upload
    from compagnon.challenges.tests.factories import ChallengeFactory

    challenge = ChallengeFactory(submissions_per_day=1)
    headers = bearer(token_for(member_a.user))
    url = reverse("api_v1:challenge_submit", kwargs={"slug": challenge.slug})

    def send():
        upload = SimpleUploadedFile("p.csv", b"id,target\n1,2\n", content_type="text/csv")
        return client.post(url, {"file": upload}, **headers)

    refused = send()
    assert refused.status_code == 400 and "rules" in refused.json()["detail"]
    RulesAcceptance.objects.create(challenge=challenge, user=member_a.user)
    no_solution = send()
    assert no_solution.status_code == 400 and "solution" in no_solution.json()["detail"]
    assert not Submission.objects.exists()
    solution_upload(
        challenge=challenge, upload=upload(solution_bytes(), "solution.csv"), actor=staff_user
    )
    accepted = send()
    assert accepted.status_code == 201, accepted.content
    over_quota = send()
    assert (
        over_quota.status_code == 400 and "1 submissions for today" in over_quota.json()["detail"]
    )
    assert Submission.objects.count() == 1
