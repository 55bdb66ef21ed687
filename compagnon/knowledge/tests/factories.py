"""Workshops, reports and notes for the knowledge tests, written through the services."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from compagnon.knowledge.models import Note, Report, Visibility
from compagnon.knowledge.services import note_create, report_publish, report_save
from compagnon.workshops.models import Audience, Workshop, WorkshopStatus


def make_workshop(
    *,
    hosts=(),
    tags=(),
    status=WorkshopStatus.DONE,
    audience=Audience.MEMBERS,
    title="Forecasting after Covid",
    origin_case=None,
    parent=None,
    excluded=(),
    days_ago=10,
) -> Workshop:
    starts_at = timezone.now() - timedelta(days=days_ago)
    workshop = Workshop.objects.create(
        title=title,
        status=status,
        audience=audience,
        origin_case=origin_case,
        parent=parent,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=4),
    )
    workshop.hosts.set(hosts)
    workshop.tags.set(tags)
    workshop.excluded_organisations.set(excluded)
    return workshop


def make_report(
    *,
    workshop: Workshop,
    actor,
    publish: bool = True,
    visibility: str = Visibility.MEMBERS,
    **sections,
) -> Report:
    sections.setdefault("what_worked", "Gradient boosting on weekly sales worked well.")
    report = report_save(workshop=workshop, actor=actor, visibility=visibility, **sections)
    if publish:
        report = report_publish(report=report, actor=actor)
    return report


def make_note(*, author, title="Version your datasets", body="Use DVC.", **kwargs) -> Note:
    return note_create(author=author, actor=author.user, title=title, body=body, **kwargs)
