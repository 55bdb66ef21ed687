"""Staff edit the vocabulary: odd input gets a clear message and writes nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from compagnon.matching.models import Vocabulary
from compagnon.matching.services import vocabulary_save
from compagnon.members.models import Tag

pytestmark = pytest.mark.django_db


@pytest.fixture
def nlp(db):
    return Tag.objects.get(slug="nlp")


@pytest.mark.parametrize("french, english", [("", ""), (" , ,\n", "\n\n"), (",", "  ")])
def test_an_entry_without_a_single_term_is_refused_and_nothing_is_written(nlp, french, english):
    before = Vocabulary.objects.count()
    with pytest.raises(ValidationError) as error:
        vocabulary_save(tag=nlp, sub_area="chatbots", terms_fr=french, terms_en=english)
    assert "Give at least one term" in " ".join(error.value.messages)
    assert Vocabulary.objects.count() == before


def test_changing_an_entry_to_no_term_is_refused_and_keeps_its_terms(nlp):
    entry = vocabulary_save(tag=nlp, sub_area="chatbots", terms_fr="agent conversationnel")
    with pytest.raises(ValidationError):
        vocabulary_save(tag=nlp, sub_area="chatbots", terms_fr=" ", vocabulary=entry)
    entry.refresh_from_db()
    assert entry.terms_fr == "agent conversationnel"


def test_the_admin_says_an_entry_needs_a_term_instead_of_failing(admin_client, nlp):
    before = Vocabulary.objects.count()
    response = admin_client.post(
        reverse("admin:matching_vocabulary_add"),
        {"tag": nlp.pk, "sub_area": "chatbots", "terms_fr": " , ", "terms_en": ""},
    )
    assert response.status_code == 200
    assert "Give at least one term" in response.content.decode()
    assert Vocabulary.objects.count() == before


def test_the_admin_keeps_hostile_text_as_text(admin_client, nlp):
    script = "<script>alert(1)</script>"
    response = admin_client.post(
        reverse("admin:matching_vocabulary_add"),
        {"tag": nlp.pk, "sub_area": "bots", "terms_fr": script, "terms_en": "chatbot"},
    )
    assert response.status_code == 302
    page = admin_client.get(reverse("admin:matching_vocabulary_changelist")).content.decode()
    assert script not in page and "&lt;script&gt;" in page


def test_the_admin_refuses_10000_characters_with_a_message(admin_client, nlp):
    before = Vocabulary.objects.count()
    response = admin_client.post(
        reverse("admin:matching_vocabulary_add"),
        {"tag": nlp.pk, "sub_area": "bots", "terms_fr": "x" * 10_000, "terms_en": ""},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "4000" in page and "Give at least one term" not in page
    assert Vocabulary.objects.count() == before


def test_the_admin_list_shortens_long_term_lists_so_rows_stay_readable(admin_client, nlp):
    terms = ", ".join(f"terme{n}" for n in range(400))[:3900]
    vocabulary_save(tag=nlp, sub_area="bots", terms_fr=terms, terms_en="chatbot")
    page = admin_client.get(reverse("admin:matching_vocabulary_changelist")).content.decode()
    assert "terme0, terme1" in page
    assert terms not in page
