from io import StringIO

from django.core.management import call_command

from compagnon.workshops.demo import DEMO_WORKSHOPS, demo_workshops_load
from compagnon.workshops.models import (
    Feedback,
    Mode,
    Registration,
    RegistrationStatus,
    Workshop,
    WorkshopStatus,
)


def test_demo_workshops_show_the_product_and_load_once(db):
    call_command("load_demo", stdout=StringIO())
    demo_workshops_load()
    assert Workshop.objects.count() == len(DEMO_WORKSHOPS)
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
    assert Workshop.objects.count() == len(DEMO_WORKSHOPS)
    assert Registration.objects.count() == registrations
