"""Workshop journey: from a matched case to a workshop, and from the workshop to what everyone
learned.

Staff plans a workshop from a matched case (2 seats); two members register, the first gets a
confirmation email with an .ics; a third lands on the waiting list; the first cancels; the
third is promoted and confirms; after the workshop the host marks attendance, an attendee
gives feedback, the host publishes the report; another member finds it by searching a word
from "what worked".
"""

import datetime as dt

import pytest
from allauth.account.models import EmailAddress
from icalendar import Calendar
from playwright.sync_api import expect

from compagnon.cases.models import Answer, Case, CaseInvitation, CaseStatus
from compagnon.core.models import OutboundEmail
from compagnon.members.models import Base, Tag
from compagnon.members.tests.factories import OrganisationFactory, PersonFactory, UserFactory
from compagnon.workshops.models import (
    Feedback,
    Registration,
    RegistrationStatus,
    Session,
    Workshop,
)
from e2e.accounts import PASSWORD, account, sign_in


@pytest.fixture
def club(transactional_db):
    base = Base.objects.create(
        name="Paris base", slug="paris-base", city="Paris", country="FR", time_zone="Europe/Paris"
    )
    alpha, beta, gamma = (OrganisationFactory(name=n) for n in ("Alpha", "Beta", "Gamma"))
    owner = account(PersonFactory(organisation=alpha, email="owner@alpha.example"))
    staff = UserFactory(email="animateur@club.example", is_staff=True, password=PASSWORD)
    EmailAddress.objects.create(user=staff, email=staff.email, verified=True, primary=True)
    PersonFactory(user=staff, email=staff.email, organisation=None, membership_type="staff")
    first = account(PersonFactory(organisation=beta, email="first@beta.example"))
    second = account(PersonFactory(organisation=gamma, email="second@gamma.example"))
    third = account(PersonFactory(organisation=alpha, email="third@alpha.example"))
    reader = account(PersonFactory(organisation=beta, email="reader@beta.example"))
    case = Case.objects.create(
        title="Nos prévisions ont cassé",
        description="Depuis le Covid nos prévisions ne tiennent plus.",
        brought_by=owner,
        organisation=alpha,
        base=base,
        status=CaseStatus.MATCHED,
    )
    case.tags.set([Tag.objects.get(slug="forecasting")])
    CaseInvitation.objects.create(case=case, person=first, answer=Answer.INTERESTED)
    return {"case": case, "first": first, "second": second, "third": third, "reader": reader}


def register(browser, live_server, email, url):
    context, page = sign_in(browser, live_server, email, locale="en-GB")
    page.goto(url)
    page.get_by_test_id("register-button").click()
    expect(page.get_by_test_id("registration-status")).to_be_visible()
    return context, page


def test_workshop_from_case_to_report(browser, live_server, club):
    case = club["case"]
    # Staff plans the workshop from the matched case, with 2 seats.
    staff_context, staff = sign_in(browser, live_server, "animateur@club.example", locale="en-GB")
    staff.goto(f"/cases/{case.pk}/")
    staff.get_by_test_id("case-plan-workshop").click()
    staff.locator("input[name=onsite_seats]").fill("2")
    staff.get_by_test_id("plan-submit").click()
    expect(staff.get_by_test_id("session-form")).to_be_visible()
    workshop = Workshop.objects.get(origin_case=case)
    day = (dt.date.today() + dt.timedelta(days=10)).isoformat()
    staff.locator("input[name=starts_at]").fill(f"{day}T09:00")
    staff.locator("input[name=ends_at]").fill(f"{day}T13:00")
    staff.get_by_test_id("session-save").click()
    expect(staff.get_by_test_id("session-list")).to_contain_text("09:00")
    staff.goto(f"/workshops/{workshop.pk}/")
    staff.get_by_test_id("workshop-publish").click()
    expect(staff.get_by_test_id("workshop-status")).to_have_text("Published")
    url = f"/workshops/{workshop.pk}/"

    # Two members register; the first gets a confirmation with an .ics that parses back.
    first_context, first = register(browser, live_server, "first@beta.example", url)
    email = OutboundEmail.objects.filter(to=[club["first"].email]).latest("pk")
    ics = next(a for a in email.attachments if a["filename"].endswith(".ics"))
    event = Calendar.from_ical(ics["content"]).walk("VEVENT")[0]
    assert event.decoded("DTSTART").astimezone(dt.UTC) == Session.objects.get().starts_at
    second_context, _second = register(browser, live_server, "second@gamma.example", url)
    # A third lands on the waiting list.
    third_context, third = register(browser, live_server, "third@alpha.example", url)
    expect(third.get_by_test_id("registration-status")).to_contain_text("waiting list")

    # The first cancels; the third is offered the seat and confirms it.
    first.get_by_test_id("registration-cancel").click()
    expect(first.get_by_test_id("register-button")).to_be_visible()
    third.goto(url)
    third.get_by_test_id("offer-confirm-link").click()
    third.get_by_test_id("offer-confirm").click()
    third.goto(url)
    expect(third.get_by_test_id("registration-status")).to_contain_text("registered")
    confirmed = set(
        Registration.objects.filter(status=RegistrationStatus.CONFIRMED).values_list(
            "person__email", flat=True
        )
    )
    assert confirmed == {"second@gamma.example", "third@alpha.example"}

    # Time passes: the workshop took place yesterday.
    shift = dt.timedelta(days=11)
    for session in Session.objects.all():
        session.starts_at -= shift
        session.ends_at -= shift
        session.save()
    Workshop.objects.filter(pk=workshop.pk).update(
        starts_at=Session.objects.get().starts_at, ends_at=Session.objects.get().ends_at
    )

    # The host marks attendance and marks the workshop done.
    staff.goto(f"/workshops/{workshop.pk}/roster/")
    rows = staff.get_by_test_id("roster-row")
    expect(rows).to_have_count(2)
    for index in range(2):
        row = staff.get_by_test_id("roster-row").nth(index)
        row.get_by_test_id("attendance-present").click()
        expect(
            staff.get_by_test_id("roster-row").nth(index).get_by_test_id("attendance-present")
        ).to_have_attribute("aria-pressed", "true")
    staff.goto(url)
    staff.get_by_test_id("workshop-done").click()
    expect(staff.get_by_test_id("workshop-status")).to_have_text("Done")

    # An attendee gives feedback.
    third.goto(url)
    third.get_by_test_id("feedback-link").click()
    form = third.get_by_test_id("feedback-form")
    form.locator("textarea[name=learned]").fill("I learned to spot a structural break.")
    form.locator("input[name=rating][value='5']").check()
    tag = Tag.objects.get(slug="forecasting")
    form.locator(f"select[name=level_before_{tag.pk}]").select_option("1")
    form.locator(f"select[name=level_after_{tag.pk}]").select_option("3")
    third.get_by_test_id("feedback-submit").click()
    feedback = Feedback.objects.get()
    assert feedback.learned.startswith("I learned")
    assert [(lv.before, lv.after) for lv in feedback.levels.all()] == [(1, 3)]

    # The host publishes the report.
    staff.goto(f"/knowledge/workshops/{workshop.pk}/report/")
    report = staff.get_by_test_id("report-form")
    report.locator("textarea[name=question]").fill("Why did our forecasts break?")
    report.locator("textarea[name=what_worked]").fill(
        "Changepoint detection with a Bayesian model worked well."
    )
    staff.get_by_test_id("report-publish").click()
    expect(staff.get_by_test_id("report")).to_be_visible()

    # Another member finds it by searching a word from "what worked".
    reader_context, reader = sign_in(browser, live_server, "reader@beta.example", locale="en-GB")
    reader.goto("/knowledge/?q=changepoint")
    expect(reader.get_by_test_id("search-hit").first).to_contain_text(workshop.title)

    for context in (staff_context, first_context, second_context, third_context, reader_context):
        context.close()
