import csv
import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from compagnon.core.models import OutboundEmail
from compagnon.learning import selectors, services
from compagnon.learning.models import CohortMember, DiscussionPost
from compagnon.members.selectors import viewer_for
from compagnon.members.tests.factories import PersonFactory

from .factories import LessonFactory, ModuleFactory, ProgrammeFactory

MONDAY = dt.date(2026, 3, 2)


@pytest.fixture
def programme(db):
    programme = ProgrammeFactory(slug="acculturation")
    module = ModuleFactory(programme=programme)
    LessonFactory(module=module)
    LessonFactory(module=module)
    return programme


def _cohort(actor, programme, organisations, *, starts_on=MONDAY, **extra):
    return services.cohort_create(
        actor=actor,
        programme=programme,
        title="Spring MOOC",
        organisations=organisations,
        starts_on=starts_on,
        ends_on=starts_on + dt.timedelta(days=60),
        **extra,
    )


def test_a_manager_launches_for_their_organisation_only(programme, manager_a, org_a, org_b):
    cohort = _cohort(manager_a.user, programme, [org_a])
    assert list(cohort.organisations.all()) == [org_a]
    with pytest.raises(PermissionDenied):
        _cohort(manager_a.user, programme, [org_a, org_b])


def test_a_member_cannot_launch(programme, member_a, org_a):
    with pytest.raises(PermissionDenied):
        _cohort(member_a.user, programme, [org_a])


def test_staff_launch_for_several(programme, staff_user, org_a, org_b):
    cohort = _cohort(staff_user, programme, [org_a, org_b])
    assert cohort.organisations.count() == 2


def test_bad_dates_are_refused_with_a_message(programme, staff_user, org_a):
    with pytest.raises(ValidationError) as error:
        services.cohort_create(
            actor=staff_user,
            programme=programme,
            title="Backwards",
            organisations=[org_a],
            starts_on=MONDAY,
            ends_on=MONDAY - dt.timedelta(days=1),
        )
    assert "The cohort must end after it starts." in error.value.messages


def test_create_page(client_of, manager_a, programme, org_a):
    client = client_of(manager_a)
    response = client.post(
        reverse("learning:cohort_create"),
        {
            "programme": programme.pk,
            "title": "Alpha spring",
            "organisations": [org_a.pk],
            "starts_on": "2026-03-02",
            "ends_on": "2026-03-01",
            "reminder_weekday": 0,
        },
    )
    assert "The cohort must end after it starts." in response.content.decode()
    response = client.post(
        reverse("learning:cohort_create"),
        {
            "programme": programme.pk,
            "title": "Alpha spring",
            "organisations": [org_a.pk],
            "starts_on": "2026-03-02",
            "ends_on": "2026-05-01",
            "reminder_weekday": 0,
            "enrol_by_domain": "on",
        },
    )
    assert response.status_code == 302


def test_invite_by_email_once(programme, manager_a, org_a):
    cohort = _cohort(manager_a.user, programme, [org_a])
    services.cohort_invite(
        cohort=cohort, emails_text="x@alpha.example\ny@alpha.example", actor=manager_a.user
    )
    services.cohort_invite(cohort=cohort, emails_text="x@alpha.example", actor=manager_a.user)
    assert cohort.members.count() == 2
    assert (
        OutboundEmail.objects.filter(key__startswith=f"learning:cohort-invite:{cohort.pk}:").count()
        == 2
    )
    email = OutboundEmail.objects.get(key=f"learning:cohort-invite:{cohort.pk}:x@alpha.example")
    assert cohort.invite_token in email.body_text


def test_invite_refuses_strangers_and_keeps_nothing(programme, manager_a, org_a):
    cohort = _cohort(manager_a.user, programme, [org_a])
    with pytest.raises(ValidationError) as error:
        services.cohort_invite(
            cohort=cohort,
            emails_text="ok@alpha.example, evil@beta.example, nope",
            actor=manager_a.user,
        )
    assert "evil@beta.example, nope" in " ".join(error.value.messages)
    assert not cohort.members.exists()


def test_join_by_domain_or_link(programme, staff_user, org_a, member_a, member_b):
    cohort = _cohort(staff_user, programme, [org_a])
    member = services.cohort_join(cohort=cohort, user=member_a.user, by_link=False, now=_at(MONDAY))
    assert member.joined_at is not None and member.organisation == member_a.organisation
    with pytest.raises(ValidationError, match="people of its organisations"):
        services.cohort_join(cohort=cohort, user=member_b.user, by_link=False, now=_at(MONDAY))
    # The invite link lets anyone who has it in.
    services.cohort_join(cohort=cohort, user=member_b.user, by_link=True, now=_at(MONDAY))
    assert cohort.members.filter(joined_at__isnull=False).count() == 2


def test_invited_person_joining_fills_their_row(programme, manager_a, org_a, member_a):
    cohort = _cohort(manager_a.user, programme, [org_a], enrol_by_domain=False)
    services.cohort_invite(cohort=cohort, emails_text=member_a.email, actor=manager_a.user)
    services.cohort_join(cohort=cohort, user=member_a.user, by_link=False, now=_at(MONDAY))
    row = CohortMember.objects.get(cohort=cohort)
    assert row.user == member_a.user and row.joined_at is not None


def _at(day):
    return dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC)


def test_funnel_counts_and_export(client_of, programme, manager_a, org_a, org_b, staff_user):
    cohort = _cohort(staff_user, programme, [org_a, org_b])
    lessons = list(programme.modules.first().lessons.all())
    people = [
        PersonFactory(organisation=org_a, email=f"p{i}@alpha.example", with_account=True)
        for i in range(4)
    ]
    outsider = PersonFactory(organisation=org_b, email="b@beta.example", with_account=True)
    for person in [*people, outsider]:
        services.cohort_join(cohort=cohort, user=person.user, by_link=True, now=_at(MONDAY))
    services.progress_start(user=people[1].user, lesson=lessons[0])
    services.lesson_mark_read(user=people[2].user, lesson=lessons[0])
    for lesson in lessons:
        services.lesson_mark_read(user=people[3].user, lesson=lesson)
    services.cohort_want_more(cohort=cohort, user=people[3].user)
    funnel = selectors.cohort_funnel(cohort, viewer_for(manager_a.user))
    assert funnel.counts == {"invited": 4, "started": 3, "half": 2, "finished": 1, "wants_more": 1}
    assert selectors.cohort_funnel(cohort, viewer_for(staff_user)).counts["invited"] == 5
    client = client_of(manager_a)
    page = client.get(reverse("learning:cohort_funnel", args=[cohort.pk])).content.decode()
    assert "b@beta.example" not in page
    export = client.get(reverse("learning:cohort_funnel_export", args=[cohort.pk]))
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert rows[0][0] == "Email" or rows[0][0] == "E-mail" or rows[0][0]
    assert len(rows) == 5
    assert {row[-1] for row in rows[1:]} == {"invited", "started", "half", "wants more"}


def test_export_is_formula_safe(client_of, programme, staff_user, org_a):
    org_a.email_domains = "alpha.example"
    org_a.save()
    cohort = _cohort(staff_user, programme, [org_a])
    CohortMember.objects.create(cohort=cohort, email="=cmd@alpha.example", organisation=org_a)
    client = client_of(staff_user)
    body = b"".join(
        client.get(reverse("learning:cohort_funnel_export", args=[cohort.pk])).streaming_content
    ).decode("utf-8-sig")
    assert "'=cmd@alpha.example" in body


def test_another_organisations_manager_gets_404(client_of, programme, staff_user, org_a, org_b):
    cohort = _cohort(staff_user, programme, [org_a])
    manager_b = PersonFactory(
        organisation=org_b, email="mb@beta.example", is_org_manager=True, with_account=True
    )
    client = client_of(manager_b)
    for name in ("cohort_detail", "cohort_funnel", "cohort_funnel_export"):
        assert client.get(reverse(f"learning:{name}", args=[cohort.pk])).status_code == 404
    assert cohort not in selectors.cohorts_visible_to(viewer_for(manager_b.user))


@pytest.mark.parametrize("count", [1, 3])
def test_funnel_page_queries_do_not_grow(
    client_of, programme, staff_user, org_a, django_assert_num_queries, count
):
    cohort = _cohort(staff_user, programme, [org_a])
    for i in range(count):
        person = PersonFactory(organisation=org_a, email=f"q{i}@alpha.example", with_account=True)
        services.cohort_join(cohort=cohort, user=person.user, by_link=True, now=_at(MONDAY))
        services.progress_start(user=person.user, lesson=programme.modules.first().lessons.first())
    client = client_of(staff_user)
    url = reverse("learning:cohort_funnel", args=[cohort.pk])
    client.get(url)
    with django_assert_num_queries(8):
        client.get(url)


def test_discussion_thread(client_of, programme, staff_user, org_a, member_a):
    cohort = _cohort(staff_user, programme, [org_a])
    services.cohort_join(cohort=cohort, user=member_a.user, by_link=True, now=_at(MONDAY))
    module = programme.modules.first()
    client = client_of(member_a)
    url = reverse("learning:cohort_module", args=[cohort.pk, module.pk])
    response = client.post(url, {"body": "   "})
    assert (
        "This field is required." in response.content.decode()
        or "Write a message" in response.content.decode()
    )
    client.post(url, {"body": "Where is the dataset?"})
    assert DiscussionPost.objects.get().body == "Where is the dataset?"
    other_module = ModuleFactory()
    assert (
        client.get(reverse("learning:cohort_module", args=[cohort.pk, other_module.pk])).status_code
        == 404
    )


def test_reminders_are_weekly_and_idempotent(programme, staff_user, org_a, member_a):
    cohort = _cohort(staff_user, programme, [org_a], reminder_weekday=0)
    services.cohort_join(cohort=cohort, user=member_a.user, by_link=True, now=_at(MONDAY))
    finished = PersonFactory(organisation=org_a, email="done@alpha.example", with_account=True)
    services.cohort_join(cohort=cohort, user=finished.user, by_link=True, now=_at(MONDAY))
    for lesson in programme.modules.first().lessons.all():
        services.lesson_mark_read(user=finished.user, lesson=lesson)
    assert services.cohort_reminders_send(now=_at(MONDAY)) == 1
    services.cohort_reminders_send(now=_at(MONDAY) + dt.timedelta(hours=5))
    assert services.cohort_reminders_send(now=_at(MONDAY + dt.timedelta(days=1))) == 0
    keys = list(
        OutboundEmail.objects.filter(key__startswith="learning:cohort-reminder:").values_list(
            "key", flat=True
        )
    )
    assert len(keys) == 1
    services.cohort_reminders_send(now=_at(MONDAY + dt.timedelta(days=7)))
    assert OutboundEmail.objects.filter(key__startswith="learning:cohort-reminder:").count() == 2


def test_join_page_by_link(client_of, programme, staff_user, org_a, member_b):
    from django.utils import timezone

    cohort = _cohort(staff_user, programme, [org_a], starts_on=timezone.localdate())
    client = client_of(member_b)
    url = reverse("learning:cohort_join", args=[cohort.invite_token])
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response.status_code == 302
    assert cohort.members.filter(user=member_b.user).exists()
    assert client.get(reverse("learning:cohort_join", args=["nope"])).status_code == 404


def test_an_ended_cohort_says_so(client_of, programme, staff_user, org_a, member_a):
    cohort = _cohort(staff_user, programme, [org_a], starts_on=dt.date(2020, 1, 6))
    client = client_of(member_a)
    url = reverse("learning:cohort_join", args=[cohort.invite_token])
    assert "This cohort has ended." in client.post(url).content.decode()
    assert not cohort.members.exists()


def test_want_more_turns_topics_into_interests(client_of, programme, staff_user, org_a, member_a):
    from compagnon.members.models import Interest
    from compagnon.members.tests.factories import TagFactory

    tag = TagFactory(slug="causal", label_en="Causal", label_fr="Causal")
    programme.modules.first().tags.add(tag)
    cohort = _cohort(staff_user, programme, [org_a])
    services.cohort_join(cohort=cohort, user=member_a.user, by_link=True, now=_at(MONDAY))
    client = client_of(member_a)
    response = client.post(reverse("learning:cohort_want_more", args=[cohort.pk]), follow=True)
    assert Interest.objects.filter(person=member_a, tag=tag).exists()
    page = response.content.decode()
    assert 'data-testid="wants-more-done"' in page
    assert reverse("workshops:calendar") in page
    # Twice is once.
    client.post(reverse("learning:cohort_want_more", args=[cohort.pk]))
    assert Interest.objects.filter(person=member_a).count() == 1


@pytest.mark.parametrize("count", [1, 3])
def test_cohort_list_queries_do_not_grow(
    client_of, programme, manager_a, org_a, django_assert_num_queries, count
):
    for _ in range(count):
        _cohort(manager_a.user, programme, [org_a])
    client = client_of(manager_a)
    url = reverse("learning:cohort_list")
    client.get(url)
    with django_assert_num_queries(6):
        response = client.get(url)
    assert response.content.decode().count('data-testid="cohort-card"') == count


@pytest.mark.parametrize("count", [1, 3])
def test_my_learning_queries_do_not_grow(client_of, member_a, django_assert_num_queries, count):
    for _ in range(count):
        lesson = LessonFactory()
        services.lesson_mark_read(user=member_a.user, lesson=lesson)
        services.progress_start(user=member_a.user, lesson=LessonFactory(module=lesson.module))
    client = client_of(member_a)
    url = reverse("learning:my_learning")
    client.get(url)
    with django_assert_num_queries(10):
        client.get(url)
