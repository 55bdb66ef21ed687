""" "What I learned" quotes: only from people who ticked consent, without their name, only the
organisation's own people, on the page and in the PDF."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from compagnon.insights.selectors import learned_quotes_for_organisation
from compagnon.insights.services import snapshot_compute
from compagnon.members.tests.factories import BaseFactory, PersonFactory
from compagnon.workshops.feedback import feedback_submit
from compagnon.workshops.models import Attendance, Feedback
from compagnon.workshops.tests.factories import RegistrationFactory, WorkshopFactory

pytestmark = pytest.mark.django_db

SHARED = (
    "I learned to check a model against a shifted period, thanks Ada Martin (ada@alpha.example)."
)
PRIVATE = "I learned that my manager never reads these forms."
ELSEWHERE = "I learned how another lab runs its pipelines."


@pytest.fixture
def past_workshop(manager_a):
    start = timezone.now() - dt.timedelta(days=2)
    return WorkshopFactory(
        base=BaseFactory(), hosts=[manager_a], sessions=[(start, start + dt.timedelta(hours=3))]
    )


def _feedback(workshop, person, learned, quotable):
    RegistrationFactory(workshop=workshop, person=person, attendance=Attendance.PRESENT)
    return feedback_submit(
        workshop=workshop, person=person, rating=4, learned=learned, learned_quotable=quotable
    )


@pytest.fixture
def feedback(past_workshop, member_a, org_a, org_b):
    _feedback(past_workshop, member_a, SHARED, True)
    _feedback(past_workshop, PersonFactory(organisation=org_a), PRIVATE, False)
    _feedback(past_workshop, PersonFactory(organisation=org_b), ELSEWHERE, True)


def test_consent_is_off_unless_ticked(past_workshop, member_a):
    RegistrationFactory(workshop=past_workshop, person=member_a, attendance=Attendance.PRESENT)
    feedback_submit(workshop=past_workshop, person=member_a, rating=5, learned="Something")
    assert Feedback.objects.get().learned_quotable is False


def test_the_feedback_form_has_the_tick_off_and_saves_it(client_of, past_workshop, member_a):
    RegistrationFactory(workshop=past_workshop, person=member_a, attendance=Attendance.PRESENT)
    url = reverse("workshops:feedback", args=[past_workshop.pk])
    client = client_of(member_a)

    page = client.get(url)
    assert "may be quoted anonymously in my organisation&#x27;s report" in page.text
    assert (
        'name="learned_quotable"' in page.text
        and "checked" not in page.text.split('name="learned_quotable"')[1].split(">")[0]
    )

    client.post(url, {"rating": "5", "learned": "Joins", "learned_quotable": "on"})
    assert Feedback.objects.get().learned_quotable is True
    client.post(url, {"rating": "5", "learned": "Joins"})  # unticked: consent withdrawn
    assert Feedback.objects.get().learned_quotable is False


def test_only_consenting_feedback_of_the_organisation_is_quoted_without_names(org_a, feedback):
    quotes = learned_quotes_for_organisation(org_a)

    assert len(quotes) == 1
    text = quotes[0]["text"]
    assert text.startswith("I learned to check a model against a shifted period")
    assert "Ada" not in text and "Martin" not in text and "@" not in text


def test_the_page_never_shows_feedback_without_consent(client_of, manager_a, org_a, feedback):
    snapshot_compute(organisation=org_a)
    response = client_of(manager_a).get(reverse("insights:organisation", args=[org_a.slug]))

    assert 'data-testid="insights-quote"' in response.text
    assert "shifted period" in response.text
    assert PRIVATE not in response.text and "never reads" not in response.text
    assert ELSEWHERE not in response.text
    assert "Ada Martin" not in response.text


def test_the_pdf_never_shows_feedback_without_consent(
    client_of, manager_a, org_a, feedback, monkeypatch
):
    """The HTML handed to WeasyPrint is the PDF's text: read it there."""
    import weasyprint

    rendered: list[str] = []

    class FakeHTML:
        def __init__(self, *, string, base_url):
            rendered.append(string)

        def write_pdf(self, stylesheets):
            return b"%PDF-1.7 fake"

    monkeypatch.setattr(weasyprint, "HTML", FakeHTML)
    snapshot_compute(organisation=org_a)

    response = client_of(manager_a).get(reverse("insights:organisation_pdf", args=[org_a.slug]))

    assert response.status_code == 200
    (html,) = rendered
    assert "shifted period" in html
    assert PRIVATE not in html and "never reads" not in html
    assert ELSEWHERE not in html
    assert "Ada Martin" not in html and "ada@alpha.example" not in html


def test_an_erased_person_is_not_quoted(org_a, feedback, member_a):
    from compagnon.members.models import ERASED_EMAIL_DOMAIN

    type(member_a).objects.filter(pk=member_a.pk).update(
        email=f"erased-{member_a.pk}@{ERASED_EMAIL_DOMAIN}"
    )
    assert learned_quotes_for_organisation(org_a) == []
