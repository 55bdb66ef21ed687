"""Recruitment sessions (booking, schedules in .ics), help to recruit, privacy, query counts."""

import io
import json
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from compagnon.accounts.privacy import person_data_export, person_erase
from compagnon.careers import services
from compagnon.careers.models import (
    CandidateProfile,
    CandidateVisibility,
    JobApplication,
    SlotBooking,
    Thread,
)
from compagnon.careers.tests.factories import (
    PDF,
    CandidateFactory,
    OfferFactory,
    SessionFactory,
    slots,
)
from compagnon.cases.models import CaseFormat
from compagnon.knowledge.models import Note
from compagnon.members.models import MembershipType
from compagnon.members.tests.factories import PersonFactory, TagFactory

pytestmark = pytest.mark.django_db


def _candidate(**kwargs):
    return CandidateFactory(
        person=PersonFactory(
            organisation=None, membership_type=MembershipType.RESEARCHER, with_account=True
        ),
        **kwargs,
    )


def test_a_slot_is_booked_once_and_a_candidate_cannot_be_in_two_places(org_a, org_b):
    session = SessionFactory()
    first, second = slots(session, org_a, 2)
    (same_time_elsewhere,) = slots(session, org_b, 1)
    ada, bruno = _candidate(), _candidate()
    services.slot_book(slot=first, candidate=ada, actor=ada.person.user)
    with pytest.raises(ValidationError, match="just taken"):
        services.slot_book(slot=first, candidate=bruno, actor=bruno.person.user)
    with pytest.raises(ValidationError, match="already have a meeting"):
        services.slot_book(slot=same_time_elsewhere, candidate=ada, actor=ada.person.user)
    services.slot_book(slot=second, candidate=ada, actor=ada.person.user)
    assert SlotBooking.objects.filter(slot=first).count() == 1
    hidden = _candidate(visibility=CandidateVisibility.HIDDEN)
    with pytest.raises(ValidationError, match="visible to recruiters"):
        services.slot_book(slot=same_time_elsewhere, candidate=hidden, actor=hidden.person.user)


def test_schedules_download_as_ics_for_the_candidate_and_the_recruiter(client_of, org_a, manager_a):
    session = SessionFactory(title="Recruitment afternoon")
    session.organisations.add(org_a)
    slot_one, slot_two = slots(session, org_a, 2)
    ada, bruno = _candidate(), _candidate()
    services.slot_book(slot=slot_one, candidate=ada, actor=ada.person.user)
    services.slot_book(slot=slot_two, candidate=bruno, actor=bruno.person.user)
    response = client_of(ada.person).get(f"/careers/sessions/{session.slug}/schedule.ics")
    assert response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == [f"Recruitment afternoon: {org_a.name}"]
    assert events[0].decoded("dtstart") == slot_one.starts_at.replace(microsecond=0)
    response = client_of(manager_a).get(f"/careers/sessions/{session.slug}/schedule.ics")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert sorted(str(e["summary"]) for e in events) == sorted(
        f"Recruitment afternoon: {p.person.full_name}" for p in (ada, bruno)
    )
    assert len({str(e["uid"]) for e in events}) == 2


def test_the_session_page_books_and_shows_the_schedule(client_of, org_a):
    session = SessionFactory()
    session.organisations.add(org_a)
    (slot,) = slots(session, org_a, 1)
    ada = _candidate()
    client = client_of(ada.person)
    response = client.post(f"/careers/slots/{slot.pk}/book/", follow=True)
    page = response.content.decode()
    assert 'data-testid="schedule"' in page and org_a.name in page
    bruno = _candidate()
    response = client_of(bruno.person).post(f"/careers/slots/{slot.pk}/book/", follow=True)
    assert "This slot was just taken" in response.content.decode()


def test_help_to_recruit_is_a_recruitment_case_with_comments_kit_and_shortlist(
    member_a, staff_user, client_of
):
    tag = TagFactory(slug="data-engineering-x", label_en="Data engineering X")
    kit_note = Note.objects.create(title="Interview questions for data engineers", body="1. …")
    kit_note.tags.add(tag)
    Note.objects.create(title="Unrelated note on gardening", body="…")
    help_request = services.recruitment_help_request(
        person=member_a,
        actor=member_a.user,
        title="Recruit our first data engineer",
        profile_wanted="data_engineer",
        job_description="We need **pipelines**.",
        tags=[tag],
    )
    case = help_request.case
    assert case.format == CaseFormat.RECRUITMENT and case.brought_by == member_a
    assert list(case.tags.all()) == [tag]
    services.help_comment_add(
        help_request=help_request, author=staff_user.person, body="Say which cloud."
    )
    candidate = _candidate()
    services.shortlist_add(help_request=help_request, candidate=candidate, actor=staff_user)
    services.shortlist_add(help_request=help_request, candidate=candidate, actor=staff_user)
    assert help_request.shortlist.count() == 1
    page = client_of(member_a).get(help_request.get_absolute_url()).content.decode()
    assert "Say which cloud." in page
    assert "Interview questions for data engineers" in page
    assert "gardening" not in page
    assert candidate.person.full_name in page


def test_help_without_a_job_description_files_no_case(member_a):
    from compagnon.cases.models import Case

    with pytest.raises(ValidationError) as error:
        services.recruitment_help_request(
            person=member_a,
            actor=member_a.user,
            title="Recruit",
            profile_wanted="astronaut",
            job_description=" ",
        )
    assert {"profile_wanted", "job_description"} <= set(error.value.message_dict)
    assert not Case.objects.exists()


def test_candidate_data_is_exported_and_erased(
    org_a, manager_a, staff_user, django_capture_on_commit_callbacks
):
    candidate = _candidate(thesis_title="Graph learning for grids")
    services.candidate_cv_upload(
        profile=candidate, actor=candidate.person.user, name="cv.pdf", data=PDF
    )
    offer = OfferFactory(organisation=org_a, posted_by=manager_a)
    JobApplication.objects.create(offer=offer, candidate=candidate)
    thread = services.thread_start(
        recruiter=manager_a, candidate=candidate, actor=manager_a.user, body="Hello"
    )
    export = person_data_export(person=candidate.person, actor=candidate.person.user)
    with zipfile.ZipFile(io.BytesIO(export.content)) as archive:
        names = archive.namelist()
        data = {n: archive.read(n).decode() for n in names if n.endswith(".json")}
    blob = json.dumps(data)
    assert "Graph learning for grids" in blob and offer.title in blob and "Hello" in blob
    candidate.refresh_from_db()
    storage, cv_name = candidate.cv.storage, candidate.cv.name
    with django_capture_on_commit_callbacks(execute=True):
        person_erase(person=candidate.person, actor=staff_user)
    assert not CandidateProfile.objects.filter(pk=candidate.pk).exists()
    assert not Thread.objects.filter(pk=thread.pk).exists()
    assert not storage.exists(cv_name)


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("page", ["index", "pipeline", "mine", "sessions", "moderation"])
def test_query_count_does_not_grow_with_items(client_of, org_a, manager_a, staff_user, page):
    counts = []
    for size in (1, 3):
        session = SessionFactory()
        session.organisations.add(org_a)
        candidate = _candidate()
        for _ in range(size):
            offer = OfferFactory(organisation=org_a, posted_by=manager_a)
            JobApplication.objects.create(offer=offer, candidate=candidate)
            OfferFactory(organisation=org_a, posted_by=manager_a, status="pending")
            services.thread_start(
                recruiter=manager_a, candidate=candidate, actor=manager_a.user, body="Hi"
            )
        who = {
            "pipeline": manager_a,
            "mine": candidate.person,
            "moderation": staff_user,
        }.get(page, manager_a)
        url = {
            "index": "/careers/",
            "pipeline": "/careers/pipeline/",
            "mine": "/careers/mine/",
            "sessions": "/careers/sessions/",
            "moderation": "/careers/moderation/",
        }[page]
        client = client_of(who)
        client.get(url)  # warm the ranker and the caches
        counts.append(_count(client, url))
        JobApplication.objects.all().delete()
        Thread.objects.all().delete()
        from compagnon.careers.models import Offer

        Offer.objects.all().delete()
    assert counts[0] == counts[1], f"{page}: {counts}"


def test_a_candidate_who_hides_after_booking_leaves_the_recruiters_schedule(
    client_of, org_a, manager_a
):
    session = SessionFactory(title="Recruitment afternoon")
    session.organisations.add(org_a)
    (slot,) = slots(session, org_a, 1)
    ada = _candidate()
    services.slot_book(slot=slot, candidate=ada, actor=ada.person.user)
    ada.visibility = CandidateVisibility.HIDDEN
    ada.save(update_fields=["visibility"])
    response = client_of(manager_a).get(f"/careers/sessions/{session.slug}/schedule.ics")
    assert ada.person.full_name not in response.content.decode()
    page = client_of(manager_a).get(f"/careers/sessions/{session.slug}/").content.decode()
    assert ada.person.full_name not in page
    # The candidate still has their own schedule.
    response = client_of(ada.person).get(f"/careers/sessions/{session.slug}/schedule.ics")
    assert len(Calendar.from_ical(response.content).walk("VEVENT")) == 1


def test_a_candidate_who_hides_leaves_the_shortlist_but_not_the_applications_they_sent(
    client_of, org_a, manager_a, staff_user
):
    help_request = services.recruitment_help_request(
        person=manager_a,
        actor=manager_a.user,
        title="Recruit our first data engineer",
        profile_wanted="data_engineer",
        job_description="We need pipelines.",
        tags=[],
    )
    ada = _candidate()
    services.shortlist_add(help_request=help_request, candidate=ada, actor=staff_user)
    offer = OfferFactory(organisation=org_a, posted_by=manager_a)
    services.application_create(offer=offer, candidate=ada, actor=ada.person.user)
    ada.visibility = CandidateVisibility.HIDDEN
    ada.save(update_fields=["visibility"])

    shortlist = client_of(manager_a).get(help_request.get_absolute_url()).content.decode()
    assert ada.person.full_name not in shortlist
    # Staff, who proposed her, still see the entry.
    staff_page = client_of(staff_user).get(help_request.get_absolute_url()).content.decode()
    assert ada.person.full_name in staff_page
    # The application she sent herself stays in the recruiter's pipeline.
    pipeline = client_of(manager_a).get("/careers/pipeline/").content.decode()
    assert ada.person.full_name in pipeline


def test_a_slot_that_has_already_begun_cannot_be_booked(org_a):
    import datetime as dt

    from django.utils import timezone

    session = SessionFactory(starts_at=timezone.now() - dt.timedelta(hours=2))
    (slot,) = slots(session, org_a, 1)
    ada = _candidate()
    with pytest.raises(ValidationError, match="already begun"):
        services.slot_book(slot=slot, candidate=ada, actor=ada.person.user)
    assert not SlotBooking.objects.exists()
