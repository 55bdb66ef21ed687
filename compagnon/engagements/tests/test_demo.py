from io import StringIO

from django.core.management import call_command

from compagnon.engagements.demo import CLOSED_TITLE, RUNNING_TITLE, demo_engagements_load
from compagnon.engagements.models import Engagement, EngagementStatus, EntryStatus
from compagnon.members.models import Person


def test_the_demo_engagements_are_real_and_load_once(db, client):
    call_command("load_demo", stdout=StringIO())
    running = Engagement.objects.get(case__title=RUNNING_TITLE)
    closed = Engagement.objects.get(case__title=CLOSED_TITLE)
    assert running.status == EngagementStatus.ACTIVE and running.case.status == "planned"
    statuses = list(running.entries.values_list("status", flat=True))
    assert statuses.count(EntryStatus.CONFIRMED) == 6 and statuses.count(EntryStatus.PENDING) == 2
    assert closed.status == EngagementStatus.CLOSED and closed.outcome is not None
    assert closed.outcome.case_id == closed.case_id
    assert demo_engagements_load() == 0
    assert Engagement.objects.count() == 2

    asker = Person.objects.get(email="data.scientist@accor.example.org")
    client.force_login(asker.user)
    page = client.get(running.get_absolute_url()).content.decode()
    assert page.count('data-testid="entry-confirm"') == 2
    expert_page = client.get(running.expert.get_absolute_url()).content.decode()
    assert 'data-testid="profile-time-given"' in expert_page
