from io import StringIO

from django.core.management import call_command

from compagnon.knowledge.demo import NOTES, demo_knowledge_load
from compagnon.knowledge.models import Note, Outcome, Report, SearchDocument
from compagnon.knowledge.search import search
from compagnon.knowledge.tests.factories import make_workshop
from compagnon.members.models import Person
from compagnon.members.selectors import viewer_for


def test_demo_knowledge_loads_once(db):
    """load_demo writes the reports, notes and outcomes; loading again adds only what is new."""
    call_command("load_demo", stdout=StringIO())
    assert Note.objects.count() == len(NOTES)
    assert Report.objects.exists()
    outcome = Outcome.objects.get(title="EthicalAI toolkit")
    assert {o.slug for o in outcome.organisations.all()} == {"danone", "sorbonne-universite"}
    # A demo login (the demo also has members who claimed their account: not them).
    host = Person.objects.get(email="data.scientist@accor.example.org")
    make_workshop(hosts=[host], title="Prévoir la demande après une rupture")
    # A finished workshop without a report gets one on the next load, and only that.
    assert demo_knowledge_load() == 1
    assert Report.objects.filter(workshop__title="Prévoir la demande après une rupture").exists()
    documents = SearchDocument.objects.count()

    assert demo_knowledge_load() == 0
    assert SearchDocument.objects.count() == documents
    hits = search(query="rupture", viewer=viewer_for(host.user)).hits
    assert len(hits) >= 2
