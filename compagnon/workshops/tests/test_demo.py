from io import StringIO
from zoneinfo import ZoneInfo

from django.core.management import call_command

from compagnon.workshops.demo import DEMO_WORKSHOPS, demo_workshops_load
from compagnon.workshops.models import (
    Feedback,
    Mode,
    Registration,
    RegistrationStatus,
    Session,
    Workshop,
    WorkshopStatus,
)


def test_demo_workshops_show_the_product_and_load_once(db):
    call_command("load_demo", stdout=StringIO())
    demo_workshops_load()
    # The demo benchathon's workshop comes from `benchathons.demo`, not from this list.
    workshops = Workshop.objects.filter(benchathon__isnull=True)
    assert workshops.count() == len(DEMO_WORKSHOPS)
    statuses = set(Workshop.objects.values_list("status", flat=True))
    assert {WorkshopStatus.DONE, WorkshopStatus.PUBLISHED, WorkshopStatus.CANCELLED} <= statuses
    assert {Mode.REMOTE, Mode.HYBRID, Mode.ONSITE} <= set(
        Workshop.objects.values_list("mode", flat=True)
    )
    assert Workshop.objects.filter(parent__isnull=False).exists()
    assert Workshop.objects.filter(audience="public").exists()
    assert Registration.objects.filter(status=RegistrationStatus.WAITING).exists()
    assert Feedback.objects.exists()
    registrations = Registration.objects.count()

    assert demo_workshops_load() == 0
    assert workshops.count() == len(DEMO_WORKSHOPS)
    assert Registration.objects.count() == registrations

    # A real club meets on weekdays, in working hours, on its base's own clock.
    for session in Session.objects.select_related("workshop"):
        zone = ZoneInfo(session.workshop.time_zone)
        start = session.starts_at.astimezone(zone)
        end = session.ends_at.astimezone(zone)
        assert start.weekday() < 5, (session.workshop.title, start)
        assert start.hour >= 9 and (end.hour, end.minute) <= (18, 0), (
            session.workshop.title,
            start,
        )
