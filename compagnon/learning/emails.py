"""Cohort emails, each queued once under a key naming its event (see workshops/emails.py)."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from compagnon.core.email import email_queue
from compagnon.learning.models import CohortMember
from compagnon.members.models import Person
from compagnon.members.selectors import person_language


def _language(email: str) -> str:
    person = Person.objects.filter(email__iexact=email).first()
    return person_language(person) if person else settings.LANGUAGE_CODE


def _send(member: CohortMember, *, template: str, subject: str, key: str, extra: dict) -> None:
    cohort = member.cohort
    with translation.override(_language(member.email)):
        context = {
            "cohort": cohort,
            "programme_title": cohort.programme.title,
            "site_name": settings.SITE_NAME,
            "join_url": settings.SITE_URL
            + reverse("learning:cohort_join", kwargs={"token": cohort.invite_token}),
            "cohort_url": settings.SITE_URL + cohort.get_absolute_url(),
            **extra,
        }
        text = render_to_string(f"learning/email/{template}.txt", context)
        line = gettext(subject) % {"title": cohort.title}
    email_queue(to=[member.email], subject=line, text=text, key=key)


def cohort_invitation_email(*, member: CohortMember) -> None:
    _send(
        member,
        template="cohort_invitation",
        subject="You are invited to the course « %(title)s »",
        key=f"learning:cohort-invite:{member.cohort_id}:{member.email}",
        extra={},
    )


def cohort_reminder_email(*, member: CohortMember, week: int, year_week: tuple[int, int]) -> None:
    year, iso_week = year_week
    _send(
        member,
        template="cohort_reminder",
        subject="This week in « %(title)s »",
        key=f"learning:cohort-reminder:{member.cohort_id}:{year}-W{iso_week:02d}:{member.pk}",
        extra={"week": week},
    )
