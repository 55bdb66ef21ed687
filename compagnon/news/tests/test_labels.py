"""A blog tag or author is one record with two labels (FR/EN), not two records."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from compagnon.news.importing import import_directory
from compagnon.news.models import Author, Post, PostTag
from compagnon.news.tests.factories import PostFactory

pytestmark = pytest.mark.django_db

FR = "---\ntitle: Atelier\nauthor: Équipe du club\ntags: [ateliers]\n---\nLe texte.\n"
EN = "---\ntitle: Workshop\nauthor: Club staff\ntags: [workshops]\nlanguage: en\n---\nThe text.\n"


def test_posts_in_both_languages_share_one_tag_and_one_author(tmp_path):
    (tmp_path / "2024-01-01-atelier.md").write_text(FR)
    (tmp_path / "2024-01-02-workshop.md").write_text(EN)
    import_directory(tmp_path)
    tag = PostTag.objects.get()
    author = Author.objects.get()
    assert (tag.name, tag.name_en) == ("ateliers", "workshops")
    assert (author.name, author.name_en) == ("Équipe du club", "Club staff")
    assert Post.objects.filter(tags=tag, authors=author).count() == 2
    with translation.override("en"):
        assert (tag.label, author.label) == ("workshops", "Club staff")
    with translation.override("fr"):
        assert (tag.label, author.label) == ("ateliers", "Équipe du club")


def test_the_english_first_finds_the_french_later(tmp_path):
    (tmp_path / "2024-01-02-workshop.md").write_text(EN)
    import_directory(tmp_path)
    (tmp_path / "2024-01-01-atelier.md").write_text(FR)
    import_directory(tmp_path)
    assert PostTag.objects.count() == 1 and Author.objects.count() == 1


def test_the_data_migration_merges_existing_duplicates(client):
    ateliers = PostTag.objects.create(slug="ateliers", name="ateliers")
    workshops = PostTag.objects.create(slug="workshops", name="workshops")
    equipe = Author.objects.create(slug="equipe-du-club", name="Équipe du club")
    staff = Author.objects.create(slug="club-staff", name="Club staff", url="https://x.example")
    fr = PostFactory(slug="fr")
    en = PostFactory(slug="en", language="en")
    fr.tags.add(ateliers)
    fr.authors.add(equipe)
    en.tags.add(workshops)
    en.authors.add(staff)
    migration = importlib.import_module("compagnon.news.migrations.0004_merge_bilingual_duplicates")
    migration.merge(apps, None)
    migration.merge(apps, None)  # twice: nothing more to do
    assert list(PostTag.objects.values_list("slug", "name", "name_en")) == [
        ("ateliers", "ateliers", "workshops")
    ]
    author = Author.objects.get()
    assert (author.name, author.name_en, author.url) == (
        "Équipe du club",
        "Club staff",
        "https://x.example",
    )
    assert set(Post.objects.filter(tags__slug="ateliers").values_list("slug", flat=True)) == {
        "fr",
        "en",
    }
    # The old address of the English tag leads to the one tag.
    response = client.get(reverse("news:tag", kwargs={"slug": "workshops"}))
    assert response.status_code == 301 and response["Location"].endswith("/blog/tags/ateliers/")
    assert client.get(reverse("news:tag", kwargs={"slug": "nothing"})).status_code == 404


def test_an_unlisted_post_is_reachable_but_out_of_lists_and_not_indexed(client):
    post = PostFactory(slug="hidden", unlisted=True, keywords="club, données")
    PostFactory(slug="shown")
    html = client.get(reverse("news:post", kwargs={"slug": "hidden"})).content.decode()
    assert '<meta name="robots" content="noindex">' in html
    assert '<meta name="keywords" content="club, données">' in html
    listed = client.get(reverse("news:blog")).content.decode()
    assert "/blog/shown/" in listed and "/blog/hidden/" not in listed
    assert "/blog/hidden/" not in client.get("/sitemap.xml").content.decode()
    assert post.title not in client.get(reverse("news:rss")).content.decode()
