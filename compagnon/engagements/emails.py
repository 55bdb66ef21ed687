"""The engagements' emails, each queued once under a key naming its event.

An email to the expert names the person who asked only when the expert may know
them (`engagement_hides_asker_from_expert`): an anonymised case stays anonymous.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from compagnon.core.email import email_queue
from compagnon.core.models import OutboundEmail
from compagnon.engagements.models import Engagement, EntryStatus, LedgerEntry
from compagnon.engagements.selectors import engagement_hides_asker_from_expert
from compagnon.members.selectors import person_language


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def engagement_started_render(*, engagement_id: int) -> bool:
    """Tell the expert and the person who asked that the engagement is set up."""
    engagement = (
        Engagement.objects.select_related("case", "expert", "asker")
        .filter(pk=engagement_id)
        .first()
    )
    if engagement is None:
        return False
    hidden = engagement_hides_asker_from_expert(engagement)
    for person, role in ((engagement.expert, "expert"), (engagement.asker, "asker")):
        with translation.override(person_language(person)):
            context = {
                "engagement": engagement,
                "person": person,
                "role": role,
                "hidden": hidden and role == "expert",
                "url": _absolute(engagement.get_absolute_url()),
                "site_name": settings.SITE_NAME,
            }
            subject = gettext("Expert engagement set up: %(case)s") % {
                "case": engagement.case.title
            }
            text = render_to_string("engagements/email/started.txt", context)
        email_queue(
            to=[person.email],
            subject=subject,
            text=text,
            key=f"engagements:started:{engagement.pk}:{role}",
        )
    return True


def entry_logged_render(*, entry_id: int) -> bool:
    """Ask the person who asked to confirm time the expert logged."""
    entry = (
        LedgerEntry.objects.select_related("engagement__case", "engagement__asker", "logged_by")
        .filter(pk=entry_id)
        .first()
    )
    if entry is None or entry.status != EntryStatus.PENDING:
        return False
    asker = entry.engagement.asker
    with translation.override(person_language(asker)):
        context = {
            "entry": entry,
            "engagement": entry.engagement,
            "url": _absolute(entry.engagement.get_absolute_url()),
            "site_name": settings.SITE_NAME,
        }
        subject = gettext("%(expert)s logged time on “%(case)s”: please confirm") % {
            "expert": entry.logged_by.full_name,
            "case": entry.engagement.case.title,
        }
        text = render_to_string("engagements/email/entry_logged.txt", context)
    email_queue(
        to=[asker.email], subject=subject, text=text, key=f"engagements:entry-logged:{entry.pk}"
    )
    return True


def entry_disputed_render(*, entry_id: int) -> bool:
    """Tell the expert their time was disputed, and why."""
    entry = (
        LedgerEntry.objects.select_related(
            "engagement__case", "engagement__expert", "engagement__asker"
        )
        .filter(pk=entry_id)
        .first()
    )
    if entry is None or entry.status != EntryStatus.DISPUTED:
        return False
    engagement = entry.engagement
    expert = engagement.expert
    with translation.override(person_language(expert)):
        context = {
            "entry": entry,
            "engagement": engagement,
            "hidden": engagement_hides_asker_from_expert(engagement),
            "url": _absolute(engagement.get_absolute_url()),
            "site_name": settings.SITE_NAME,
        }
        subject = gettext("Time disputed on “%(case)s”") % {"case": engagement.case.title}
        text = render_to_string("engagements/email/entry_disputed.txt", context)
    email_queue(
        to=[expert.email], subject=subject, text=text, key=f"engagements:entry-disputed:{entry.pk}"
    )
    return True


def entry_reminder_render(*, engagement_id: int, now: dt.datetime) -> bool:
    """The weekly reminder of time to confirm; False when this week's is already queued."""
    year, week, _day = timezone.localdate(now).isocalendar()
    key = f"engagements:reminder:{engagement_id}:{year}-W{week:02d}"
    if OutboundEmail.objects.filter(key=key).exists():
        return False
    engagement = (
        Engagement.objects.select_related("case", "asker", "expert")
        .filter(pk=engagement_id)
        .first()
    )
    if engagement is None:
        return False
    entries = list(engagement.entries.filter(status=EntryStatus.PENDING).order_by("worked_on"))
    if not entries:
        return False
    asker = engagement.asker
    with translation.override(person_language(asker)):
        context = {
            "engagement": engagement,
            "entries": entries,
            "url": _absolute(engagement.get_absolute_url()),
            "site_name": settings.SITE_NAME,
        }
        subject = gettext("Time to confirm on “%(case)s”") % {"case": engagement.case.title}
        text = render_to_string("engagements/email/entry_reminder.txt", context)
    email_queue(to=[asker.email], subject=subject, text=text, key=key)
    return True
