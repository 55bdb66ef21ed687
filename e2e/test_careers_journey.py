"""Careers, end to end: a PhD candidate from outside asks to join, staff accept, she completes
her candidate profile and is matched to a member's offer; the recruiter writes to her through
the platform, she answers, books a slot at a recruitment session, applies, and is hired.
The candidate's last steps run at a 390 px viewport.
"""

import datetime as dt
import re

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from playwright.sync_api import expect

from compagnon.careers.models import CandidateApplication, OfferAudience, OfferSkill
from compagnon.careers.selectors import placements_count
from compagnon.careers.tests.factories import OfferFactory, SessionFactory, slots
from compagnon.members.models import Skill, Tag
from compagnon.members.tests.factories import OrganisationFactory, PersonFactory, UserFactory
from e2e.accounts import PASSWORD, account

PHONE = {"width": 390, "height": 844}
# The machine running the journeys is shared: generous waits, the steps stay the same.
TIMEOUT = 120_000


def _context(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.set_default_navigation_timeout(TIMEOUT)
    return context, page


def sign_in(browser, live_server, email):
    context, page = _context(browser, live_server)
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    return context, page


@pytest.fixture
def patient_expect():
    expect.set_options(timeout=TIMEOUT)
    yield
    expect.set_options(timeout=5_000)


@pytest.fixture
def club(transactional_db, patient_expect):
    staff = UserFactory(email="animateur@club.example", is_staff=True, password=PASSWORD)
    EmailAddress.objects.create(user=staff, email=staff.email, verified=True, primary=True)
    PersonFactory(user=staff, email=staff.email, organisation=None, membership_type="staff")
    alpha = OrganisationFactory(name="Alpha Retail", email_domains="alpha.example")
    recruiter = account(
        PersonFactory(
            organisation=alpha,
            email="rh@alpha.example",
            first_name="Rachid",
            last_name="Haddad",
            is_org_manager=True,
        )
    )
    causal = Tag.objects.get(slug="causality")
    offer = OfferFactory(
        organisation=alpha,
        posted_by=recruiter,
        title="Data scientist en inférence causale",
        description="Mesurer l'effet des promotions avec l'inférence causale.",
        audience=OfferAudience.MEMBERS,
    )
    OfferSkill.objects.create(offer=offer, tag=causal, level=3)
    session = SessionFactory(title="Après-midi recrutement", slug="apres-midi")
    session.organisations.add(alpha)
    slots(session, alpha, 3)
    return {"offer": offer, "session": session, "causal": causal}


def test_a_phd_candidate_is_matched_contacted_booked_and_hired(browser, live_server, club):
    offer = club["offer"]

    # A PhD candidate from outside the club asks to join.
    context, visitor = _context(browser, live_server)
    visitor.goto("/careers/join/")
    form = visitor.get_by_test_id("careers-join-form")
    form.locator("input[name=contact_name]").fill("Paula Docteure")
    form.locator("input[name=contact_email]").fill("paula@univ.example")
    form.locator("input[name=thesis_title]").fill("Inférence causale pour la grande distribution")
    form.locator("input[name=lab]").fill("LIRIS")
    form.locator("textarea[name=needs]").fill("Un premier poste en data science.")
    visitor.get_by_test_id("careers-join-submit").click()
    expect(visitor.get_by_test_id("careers-join-done")).to_be_visible()
    context.close()

    # Staff accept her from the careers moderation page.
    staff_context, staff = sign_in(browser, live_server, "animateur@club.example")
    staff.goto("/careers/moderation/")
    application = CandidateApplication.objects.get()
    staff.get_by_test_id(f"accept-{application.pk}").click()
    expect(staff.get_by_test_id("pending-candidate")).to_have_count(0)
    staff_context.close()
    application.refresh_from_db()
    profile = application.profile
    person = profile.person
    # She claims her account from the invitation (the join journey covers that page).
    account(person)
    Skill.objects.create(person=person, tag=club["causal"], level=4)

    # She completes her profile, on a phone, and finds the offer among « offers for me ».
    context, candidate = sign_in(browser, live_server, "paula@univ.example")
    candidate.set_viewport_size(PHONE)
    candidate.goto("/careers/profile/")
    form = candidate.get_by_test_id("profile-form")
    form.locator("input[name=supervisor]").fill("Pr Marie Curie")
    form.locator("input[name=visibility][value=recruiters]").check()
    candidate.get_by_test_id("profile-save").click()
    candidate.goto("/careers/mine/")
    expect(candidate.get_by_test_id("offers-for-me")).to_contain_text(offer.title)
    assert candidate.evaluate("document.documentElement.scrollWidth") <= 390

    # The recruiter sees her among the matching candidates and writes to her.
    recruiter_context, recruiter = sign_in(browser, live_server, "rh@alpha.example")
    recruiter.goto(f"/careers/offers/{offer.pk}/candidates/")
    ranked = recruiter.get_by_test_id("ranked-candidates")
    expect(ranked).to_contain_text("Paula Docteure")
    ranked.get_by_role("link", name="Paula Docteure").click()
    recruiter.get_by_test_id("message-form").locator("textarea[name=body]").fill(
        "Bonjour, votre thèse nous intéresse : venez nous rencontrer ?"
    )
    recruiter.get_by_test_id("message-send").click()
    expect(recruiter.get_by_test_id("candidate-email")).not_to_contain_text("paula@univ.example")

    # She answers on the platform: now the recruiter sees her address.
    candidate.goto("/careers/mine/")
    candidate.get_by_test_id("threads").get_by_role("link").first.click()
    expect(candidate.get_by_test_id("messages")).to_contain_text("votre thèse nous intéresse")
    candidate.get_by_test_id("reply-form").locator("textarea[name=body]").fill("Avec plaisir !")
    candidate.get_by_test_id("reply-send").click()
    recruiter.reload()
    expect(recruiter.get_by_test_id("candidate-email")).to_contain_text("paula@univ.example")

    # She books a slot at the recruitment session and gets her schedule.
    candidate.goto("/careers/sessions/apres-midi/")
    candidate.locator("[data-testid^=book-]").first.click()
    expect(candidate.get_by_test_id("schedule")).to_contain_text("Alpha Retail")
    expect(candidate.get_by_test_id("schedule-ics")).to_be_visible()
    assert candidate.evaluate("document.documentElement.scrollWidth") <= 390

    # She applies to the offer.
    candidate.goto(f"/careers/offers/{offer.pk}/")
    candidate.get_by_test_id("offer-apply").click()
    expect(candidate.get_by_test_id("already-applied")).to_be_visible()

    # The recruiter moves her application to « hired » from the pipeline.
    recruiter.goto("/careers/pipeline/")
    for step in ("seen", "interview", "offer", "hired"):
        row = recruiter.locator("[data-testid^=application-]").first
        row.locator("select[name=to_status]").select_option(step)
        row.locator("[data-testid^=move-]").click()
    expect(recruiter.locator("[data-testid^=status-]").first).to_have_text(
        re.compile("Embauch|Hired")
    )
    candidate.goto("/careers/mine/")
    expect(candidate.get_by_test_id("applications")).to_contain_text(re.compile("Embauch|Hired"))
    assert placements_count(since=timezone.now() - dt.timedelta(hours=1)) == 1

    # On a phone, the recruiter rewrites the offer's text: it goes back to staff.
    recruiter.set_viewport_size(PHONE)
    recruiter.goto(f"/careers/offers/{offer.pk}/")
    recruiter.get_by_test_id("offer-edit").click()
    assert recruiter.evaluate("document.documentElement.scrollWidth") <= 390
    form = recruiter.get_by_test_id("offer-form")
    form.locator("textarea[name=description]").fill("Mesurer l'effet des promotions en magasin.")
    recruiter.get_by_test_id("offer-submit").click()
    expect(recruiter.get_by_test_id("offer-status")).to_be_visible()
    assert recruiter.evaluate("document.documentElement.scrollWidth") <= 390
    offer.refresh_from_db()
    assert offer.status == "pending"
    recruiter_context.close()
    context.close()
