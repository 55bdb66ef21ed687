"""The awards' emails, each queued once under a key naming its event."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext

from compagnon.awards.models import Application, ApplicationStatus, Juror, PublicVote
from compagnon.core.email import email_queue
from compagnon.members.selectors import person_language


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def application_confirmation_render(*, application_id: int) -> bool:
    """Queue the 'we received your application' email; False if it is not submitted."""
    application = (
        Application.objects.select_related("edition", "category", "applicant")
        .filter(pk=application_id)
        .first()
    )
    if application is None or application.status == ApplicationStatus.DRAFT:
        return False
    assert application.submitted_at is not None
    person = application.applicant
    with (
        translation.override(person_language(person)),
        timezone.override(application.edition.time_zone),
    ):
        context = {
            "application": application,
            "person": person,
            "submitted": formats.date_format(
                timezone.localtime(application.submitted_at), "DATETIME_FORMAT"
            ),
            "url": _absolute(application.get_absolute_url()),
            "site_name": settings.SITE_NAME,
        }
        subject = gettext("Your application to %(edition)s is in") % {
            "edition": application.edition.name
        }
        text = render_to_string("awards/email/application_submitted.txt", context)
    email_queue(
        to=[person.email],
        subject=subject,
        text=text,
        key=f"awards:application-submitted:{application.pk}:{int(application.submitted_at.timestamp())}",
    )
    return True


def juror_invitation_render(*, juror_id: int) -> bool:
    juror = Juror.objects.select_related("edition", "person").filter(pk=juror_id).first()
    if juror is None:
        return False
    with translation.override(person_language(juror.person)):
        context = {
            "juror": juror,
            "url": _absolute(reverse("awards:jury", args=[juror.edition.slug])),
            "site_name": settings.SITE_NAME,
        }
        subject = gettext("Join the jury of %(edition)s") % {"edition": juror.edition.name}
        text = render_to_string("awards/email/juror_invitation.txt", context)
    email_queue(
        to=[juror.person.email],
        subject=subject,
        text=text,
        key=f"awards:juror-invited:{juror.pk}",
    )
    return True


def vote_confirmation_render(*, vote_id: int) -> bool:
    vote = PublicVote.objects.select_related("edition", "application").filter(pk=vote_id).first()
    if vote is None or vote.confirmed_at is not None:
        return False
    context = {
        "vote": vote,
        "url": _absolute(reverse("awards:vote_confirm", args=[vote.token])),
        "site_name": settings.SITE_NAME,
    }
    subject = gettext("Confirm your vote for %(edition)s") % {"edition": vote.edition.name}
    email_queue(
        to=[vote.email],
        subject=subject,
        text=render_to_string("awards/email/vote_confirm.txt", context),
        key=f"awards:vote:{vote.pk}",
    )
    return True
