"""The public pages, feeds and sitemap, the staff desk, the jobs checklist, the cache."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from xml.etree import ElementTree

import feedparser
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from compagnon.news import forms
from compagnon.news.importing import import_directory
from compagnon.news.models import IMAGE_MAX_BYTES, Page, Post, PostImage, PostJob, PostStatus
from compagnon.news.rendering import RENDERER_VERSION
from compagnon.news.selectors import posts_published_between
from compagnon.news.services import post_rendering
from compagnon.news.tests.factories import (
    AuthorFactory,
    PostFactory,
    PostTagFactory,
    ProjectFactory,
    png_bytes,
)

pytestmark = pytest.mark.django_db


def test_blog_list_shows_published_posts_only_with_language(client):
    PostFactory(title="Bonjour", language="fr")
    PostFactory(title="Hello", language="en")
    PostFactory(title="Secret draft", status=PostStatus.DRAFT)
    html = client.get(reverse("news:blog")).content.decode()
    assert "Bonjour" in html and "Hello" in html
    assert "Secret draft" not in html
    assert '<article class="card post-card" lang="fr">' in html


def test_blog_list_is_paginated(client):
    PostFactory.create_batch(12)
    first = client.get(reverse("news:blog")).content.decode()
    assert first.count('class="card post-card"') == 10
    assert "Page 1 of 2" in first
    second = client.get(reverse("news:blog") + "?page=2").content.decode()
    assert second.count('class="card post-card"') == 2


@pytest.mark.parametrize("count", [1, 3])
def test_blog_list_query_count_is_constant(client, django_assert_num_queries, count):
    authors = [AuthorFactory(), AuthorFactory()]
    tags = [PostTagFactory(), PostTagFactory()]
    PostFactory.create_batch(count, authors=authors, tags=tags)
    client.get(reverse("news:blog"))  # warm the session and the site caches
    # count, page, authors, tags (the tags-in-use box is cached by the warm-up call)
    with django_assert_num_queries(4):
        response = client.get(reverse("news:blog"))
    assert response.status_code == 200


def test_post_page_marks_its_language_and_has_meta(client):
    post = PostFactory(language="en", title="An English post", description="About things.")
    html = client.get(post.get_absolute_url()).content.decode()
    assert '<article class="post" lang="en"' in html
    assert '<meta property="og:title" content="An English post">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:description" content="About things.">' in html
    assert f'<link rel="canonical" href="http://testserver{post.get_absolute_url()}">' in html or (
        f'{post.get_absolute_url()}">' in html
    )


def test_draft_is_404_for_readers_and_visible_to_staff(client, client_of, staff_user):
    post = PostFactory(status=PostStatus.DRAFT)
    assert client.get(post.get_absolute_url()).status_code == 404
    response = client_of(staff_user).get(post.get_absolute_url())
    assert response.status_code == 200
    assert "Draft: readers do not see it" in response.content.decode()


def test_tag_author_and_archive_pages(client):
    author = AuthorFactory(name="Serge Abiteboul", slug="serge-abiteboul", title="Researcher")
    tag = PostTagFactory(name="club")
    PostFactory(title="March post", date=dt.date(2021, 3, 23), authors=[author], tags=[tag])
    PostFactory(title="Other", date=dt.date(2022, 1, 1))
    tag_page = client.get(tag.get_absolute_url()).content.decode()
    assert "March post" in tag_page and "Other" not in tag_page
    author_page = client.get(author.get_absolute_url()).content.decode()
    assert (
        "Researcher" in author_page and "March post" in author_page and "Other" not in author_page
    )
    archive = client.get(reverse("news:archive")).content.decode()
    assert reverse("news:archive_month", kwargs={"year": 2021, "month": 3}) in archive
    month = client.get(reverse("news:archive_month", kwargs={"year": 2021, "month": 3}))
    assert "March post" in month.content.decode() and "Other" not in month.content.decode()
    assert client.get("/blog/archive/2021/13/").status_code == 404


def test_feeds_parse(client, blog_folder):
    import_directory(blog_folder)
    for name, version in (("news:rss", "rss20"), ("news:atom", "atom10")):
        feed = feedparser.parse(client.get(reverse(name)).content)
        assert not feed.bozo, feed.bozo_exception
        assert feed.version == version
        titles = [entry.title for entry in feed.entries]
        assert titles == [
            "L\u2019artisanat de la science des données avec datacraft",
            "datacraft - un club dédié à la data science et l\u2019Intelligence Artificielle",
        ]
        assert feed.entries[0].link.endswith("/blog/datacraft-binaire/")
        assert feed.entries[0].author == "Serge Abiteboul"


def test_sitemap_is_valid_xml_with_posts(client):
    post = PostFactory()
    PostFactory(slug="hidden-draft", status=PostStatus.DRAFT)
    response = client.get(reverse("news:sitemap"))
    root = ElementTree.fromstring(response.content)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = [loc.text for loc in root.findall("s:url/s:loc", ns)]
    assert any(loc.endswith(post.get_absolute_url()) for loc in locations)
    assert any(loc.endswith("/about/") for loc in locations)
    assert not any("hidden-draft" in loc for loc in locations)


def test_robots_txt_points_to_the_sitemap(client):
    text = client.get(reverse("news:robots")).content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Disallow: /admin/" in text


def test_home_shows_latest_posts_and_projects(client):
    PostFactory(title="Fresh news")
    ProjectFactory(name="EthicalAI toolkit")
    html = client.get(reverse("site:home")).content.decode()
    assert "Fresh news" in html and "EthicalAI toolkit" in html


def test_projects_and_bases_and_about(client, staff_user, client_of):
    ProjectFactory(name="EthicalAI toolkit", repository_url="https://example.org/ethicalai")
    assert "https://example.org/ethicalai" in client.get(reverse("news:projects")).content.decode()
    assert client.get(reverse("news:bases")).status_code == 200
    staff = client_of(staff_user)
    response = staff.post(
        reverse("news:about_edit"),
        {
            "title_fr": "À propos",
            "title_en": "About us",
            "body_fr": "Le club.",
            "body_en": "The club.",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("news:about")).content.decode()
    assert "About us" in page and "The club." in page
    assert Page.objects.get().updated_by == staff_user


def test_about_edit_bad_input_writes_nothing(client_of, staff_user):
    response = client_of(staff_user).post(
        reverse("news:about_edit"), {"title_fr": "", "title_en": ""}
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Page.objects.exists()


# ------------------------------------------------------------------- cache


def test_rendering_is_cached_and_invalidated_on_edit(client, client_of, staff_user):
    post = PostFactory(body="Hello **world**.")
    client.get(post.get_absolute_url())
    post.refresh_from_db()
    assert post.rendered_version == RENDERER_VERSION
    assert "<strong>world</strong>" in post.body_html
    first_hash = post.rendered_hash
    # A second view does not render again: the hash is unchanged and no UPDATE runs.
    Post.objects.filter(pk=post.pk).update(body_html="CACHED")
    assert "CACHED" in client.get(post.get_absolute_url()).content.decode()
    # An edit through the staff form invalidates the cache.
    staff = client_of(staff_user)
    response = staff.post(
        reverse("news:post_edit", kwargs={"slug": post.slug}),
        {
            "title": post.title,
            "slug": post.slug,
            "language": "fr",
            "date": "2024-02-02",
            "body": "Hello *edited*.",
        },
    )
    assert response.status_code == 302
    html = client.get(post.get_absolute_url()).content.decode()
    assert "<em>edited</em>" in html and "CACHED" not in html
    post.refresh_from_db()
    assert post.rendered_hash != first_hash


def test_a_new_translation_catalogue_re_renders(client, monkeypatch):
    """The video card's labels come from the catalogue: new translations reach cached posts."""
    from compagnon.news import services

    post = PostFactory(body="Text.")
    post_rendering(post)
    Post.objects.filter(pk=post.pk).update(body_html="OLD")
    post.refresh_from_db()
    assert post_rendering(post).body_html == "OLD"
    monkeypatch.setattr(services, "catalogue_fingerprint", lambda language: "new-catalogue")
    assert "OLD" not in post_rendering(post).body_html


def test_a_new_renderer_version_re_renders(client):
    post = PostFactory(body="Text.")
    post_rendering(post)
    Post.objects.filter(pk=post.pk).update(rendered_version=0, body_html="OLD")
    assert "OLD" not in client.get(post.get_absolute_url()).content.decode()


# ------------------------------------------------------------------- staff desk


def test_staff_write_a_post_then_publish_it(client_of, staff_user):
    client = Client()  # a reader, beside the signed-in staff client
    staff = client_of(staff_user)
    author = AuthorFactory()
    response = staff.post(
        reverse("news:post_new"),
        {
            "title": "Nouveau",
            "slug": "nouveau",
            "language": "fr",
            "date": "2024-05-01",
            "authors": [author.pk],
            "tags": "club, ateliers",
            "description": "Desc",
            "body": "Texte.\n\n**Job : ajouter une image.**",
        },
    )
    assert response.status_code == 302
    post = Post.objects.get(slug="nouveau")
    assert post.status == PostStatus.DRAFT
    assert sorted(t.slug for t in post.tags.all()) == ["ateliers", "club"]
    assert client.get(post.get_absolute_url()).status_code == 404
    staff.post(reverse("news:post_publish", kwargs={"slug": "nouveau"}), {"action": "publish"})
    reader = client.get(post.get_absolute_url()).content.decode()
    assert "Texte." in reader and "Job" not in reader and "ajouter une image" not in reader
    staff_view = staff.get(post.get_absolute_url()).content.decode()
    assert "ajouter une image." in staff_view and 'data-testid="jobs"' in staff_view
    staff.post(reverse("news:post_publish", kwargs={"slug": "nouveau"}), {"action": "unpublish"})
    assert client.get(post.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"slug": "new"}, "This slug is reserved"),
        ({"slug": "taken"}, "Another post already has this slug."),
        ({"title": ""}, "This field is required."),
        ({"date": "not a date"}, "Enter a valid date."),
    ],
)
def test_post_form_bad_input_writes_nothing(client_of, staff_user, changes, message):
    PostFactory(slug="taken")
    data = {"title": "T", "slug": "fresh", "language": "fr", "date": "2024-05-01", "body": "x"}
    response = client_of(staff_user).post(reverse("news:post_new"), {**data, **changes})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert list(Post.objects.values_list("slug", flat=True)) == ["taken"]


def test_live_preview_renders_without_saving(client_of, staff_user):
    response = client_of(staff_user).post(
        reverse("news:preview"),
        {"body": '![a](x.png "A caption")\n\n<script>alert(1)</script>\n\n**Job : fix**'},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "<figcaption>A caption</figcaption>" in html
    assert "<script>" not in html
    assert "Editors' jobs found" in html and "fix" in html
    assert not Post.objects.exists()


def test_image_upload_and_the_10_mb_limit(client_of, staff_user):
    post = PostFactory()
    staff = client_of(staff_user)
    url = reverse("news:post_images", kwargs={"slug": post.slug})
    staff.post(url, {"image": SimpleUploadedFile("pic.png", png_bytes(), "image/png"), "alt": "A"})
    image = PostImage.objects.get()
    assert image.post == post and image.source_path == "pic.png"
    big = SimpleUploadedFile("big.png", png_bytes() + b"\0" * IMAGE_MAX_BYTES, "image/png")
    response = staff.post(url, {"image": big}, follow=True)
    assert "images may be at most 10 MB" in response.content.decode()
    fake = SimpleUploadedFile("fake.png", b"not an image", "image/png")
    response = staff.post(url, {"image": fake}, follow=True)
    assert "Upload a valid image" in response.content.decode()
    assert PostImage.objects.count() == 1
    # The image is used by the post's Markdown through its path.
    Post.objects.filter(pk=post.pk).update(body='![x](./pic.png "Cap")')
    post.refresh_from_db()
    assert image.file.url in post_rendering(post).body_html


def test_image_upload_without_a_file_says_so_and_writes_nothing(client_of, staff_user):
    post = PostFactory()
    url = reverse("news:post_images", kwargs={"slug": post.slug})
    response = client_of(staff_user).post(url, {"alt": "A"}, follow=True)
    assert "Choose an image file to upload." in response.content.decode()
    assert not PostImage.objects.exists()


def test_a_reader_opening_a_post_another_reader_just_rendered_writes_nothing():
    post = PostFactory(body="Text.\n\n**Job : add a picture.**")
    stale = Post.objects.get(pk=post.pk)  # read before the other reader's render
    post_rendering(Post.objects.get(pk=post.pk))
    with CaptureQueriesContext(connection) as queries:
        rendered = post_rendering(stale)
    assert "add a picture" not in rendered.body_html and "Text." in rendered.body_html
    writes = [
        q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
    ]
    assert writes == []
    assert list(PostJob.objects.values_list("text", flat=True)) == ["add a picture."]


def test_staff_tick_a_job_with_htmx_and_without(client_of, staff_user, member_a):
    post = PostFactory(body="Text.\n\n**Job : Changer le style des citations.**")
    post_rendering(post)
    job = PostJob.objects.get(post=post)
    url = reverse("news:post_job", kwargs={"slug": post.slug, "pk": job.pk})
    staff = client_of(staff_user)
    response = staff.post(url, {"done": "1"}, HTTP_HX_REQUEST="true")
    assert 'class="job job-done"' in response.content.decode()
    job.refresh_from_db()
    assert job.done_at is not None and job.done_by == staff_user
    response = staff.post(url, {"done": "0"})
    assert response.status_code == 302 and response["Location"].endswith("#jobs")
    job.refresh_from_db()
    assert job.done_at is None
    assert client_of(member_a.user).post(url, {"done": "1"}).status_code == 403


def test_staff_zip_upload_reports_per_file(client_of, staff_user):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("2024-01-01-ok.md", "---\ntitle: Fine\n---\nText\n")
        archive.writestr("2024-01-02-bad.md", "---\ntitle: [broken\n---\nText\n")
        archive.writestr("2024-01-03-odd.md", "---\ntitle: Odd\n---\n![a](missing.png)\n")
    upload = SimpleUploadedFile("blog.zip", buffer.getvalue(), "application/zip")
    response = client_of(staff_user).post(
        reverse("news:import"), {"archive": upload, "publish": "on"}
    )
    html = response.content.decode()
    assert "2 created, 0 updated, 1 with errors" in html
    assert "line 2: The front matter is not valid YAML" in html
    assert "line 4: File not found: missing.png (the post is imported without it)." in html
    assert sorted(Post.objects.values_list("slug", flat=True)) == ["odd", "ok"]


def test_staff_zip_dry_run_writes_nothing(client_of, staff_user):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("blog/2024-01-01-ok.md", "---\ntitle: Fine\n---\n:::tip[Astuce]\nx\n:::\n")
    upload = SimpleUploadedFile("site.zip", buffer.getvalue(), "application/zip")
    response = client_of(staff_user).post(
        reverse("news:import"), {"archive": upload, "publish": "on", "dry_run": "on"}
    )
    html = response.content.decode()
    assert "Dry run: nothing was written" in html
    assert "1 to create, 0 to update, 0 with errors" in html
    assert not Post.objects.exists()


def test_staff_zip_upload_not_a_zip(client_of, staff_user):
    upload = SimpleUploadedFile("blog.zip", b"hello", "application/zip")
    response = client_of(staff_user).post(reverse("news:import"), {"archive": upload})
    assert "This file is not a zip archive." in response.content.decode()
    assert not Post.objects.exists()


def test_staff_zip_upload_over_the_limit_is_refused(client_of, staff_user, monkeypatch):
    monkeypatch.setattr(forms, "ZIP_MAX_UPLOAD", 10)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("2024-01-01-ok.md", "---\ntitle: Fine\n---\nText\n")
    upload = SimpleUploadedFile("blog.zip", buffer.getvalue(), "application/zip")
    response = client_of(staff_user).post(reverse("news:import"), {"archive": upload})
    assert "The archive is over 100 MB: split the blog folder" in response.content.decode()
    assert not Post.objects.exists()


def test_posts_published_between_for_the_newsletter():
    PostFactory(slug="before", date=dt.date(2024, 1, 1))
    PostFactory(slug="inside", date=dt.date(2024, 2, 10), language="en")
    PostFactory(slug="draft", date=dt.date(2024, 2, 11), status=PostStatus.DRAFT)
    posts = list(posts_published_between(start=dt.date(2024, 2, 1), end=dt.date(2024, 2, 28)))
    assert [p.slug for p in posts] == ["inside"]
    assert posts[0].get_absolute_url() == "/blog/inside/" and posts[0].language == "en"
