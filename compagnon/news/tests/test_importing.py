"""Importing Docusaurus posts: the two seed posts, idempotence, and every named bad file."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from compagnon.news.importing import ImportRefused, import_directory, import_zip
from compagnon.news.models import IMAGE_MAX_BYTES, Author, Post, PostImage, PostJob, PostTag
from compagnon.news.tests.conftest import DATA, make_blog_folder
from compagnon.news.tests.factories import png_bytes

pytestmark = pytest.mark.django_db

GOOD = "---\ntitle: Hello\nslug: hello\ntags: [a, b]\n---\n\nSome text.\n"


def _zip(files: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content.encode() if isinstance(content, str) else content)
    return buffer.getvalue()


def test_the_two_seed_posts_import_with_everything(blog_folder):
    report = import_directory(blog_folder)
    assert [f.outcome for f in report.files] == ["created", "created"]
    assert all(not f.warnings for f in report.files)
    binaire = Post.objects.get(slug="datacraft-binaire")
    datacraft = Post.objects.get(slug="datacraft")
    assert binaire.title == "L\u2019artisanat de la science des données avec datacraft"
    assert str(binaire.date) == "2021-03-23"  # from the file name
    assert binaire.is_published and binaire.language == "fr"
    assert [a.name for a in binaire.authors.all()] == ["Serge Abiteboul"]
    author = Author.objects.get(name="Serge Abiteboul")
    assert author.title == "Directeur de recherche à l'INRIA et à l'ENS"
    assert author.url == "https://www.inria.fr/fr/serge-abiteboul-1"
    assert sorted(t.slug for t in binaire.tags.all()) == ["club", "datacraft"]
    assert binaire.header_image.source_path == "img/blog/binaire_logo.png"
    assert binaire.images.count() == 4
    assert datacraft.header_image is not None

    html = binaire.body_html
    # Every image with a title is a figure with a visible caption, served from media.
    assert html.count('<figure class="post-figure">') == 3
    assert "<figcaption>©datacraft, atelier computer vision" in html
    assert re.search(r'<img src="/media/news/[^"]+Hiba[^"]*\.png"', html)
    # The citation: a styled quotation with its attribution; the video: a card.
    html = datacraft.body_html
    assert '<figure class="citation"><blockquote class="quote">' in html
    assert '<figcaption class="citation-attribution">Isabelle Hilali \u2013 Datacraft' in html
    assert 'class="video-card"' in html and "Présentation de datacraft par Isabelle" in html
    assert "<iframe" not in html
    for post in (binaire, datacraft):
        for leftover in ("Job :", "Image here", ":::", "{{", "-->", "il manque une légende"):
            assert leftover not in post.body_html, (post.slug, leftover)
        assert post.excerpt_html and post.reading_minutes >= 2
    # The editors' jobs are kept for staff.
    assert PostJob.objects.filter(post=datacraft, text__startswith="Changer le style").exists()
    assert PostJob.objects.filter(post=binaire, text__startswith="Rendre visible").exists()


def test_import_is_idempotent_by_slug_and_keeps_ticked_jobs(blog_folder, staff_user):
    import_directory(blog_folder)
    job = PostJob.objects.get(
        post__slug="datacraft-binaire", text="Rendre visible les légendes des images."
    )
    job.done_at, job.done_by = job.post.updated_at, staff_user
    job.save()
    report = import_directory(blog_folder)
    assert [f.outcome for f in report.files] == ["updated", "updated"]
    assert Post.objects.count() == 2
    assert Author.objects.count() == 2
    assert PostTag.objects.count() == 2
    assert PostImage.objects.count() == 6  # replaced, not added
    job.refresh_from_db()
    assert job.done_at is not None and job.is_current


def test_missing_images_are_reported_not_fatal(tmp_path):
    folder = make_blog_folder(tmp_path / "blog", with_images=False)
    report = import_directory(folder)
    assert [f.outcome for f in report.files] == ["created", "created"]
    binaire = next(f for f in report.files if f.slug == "datacraft-binaire")
    assert (
        "Image not found: ./img/2021-03-23-binaire/Hiba.png (the post is imported without it)."
        in (binaire.warnings)
    )
    post = Post.objects.get(slug="datacraft-binaire")
    assert post.header_image is None and post.images.count() == 0
    assert "Hiba.png" not in post.body_html  # no broken src left for readers


def test_the_management_command(blog_folder, capsys):
    call_command("import_posts", str(blog_folder))
    out = capsys.readouterr().out
    assert "created: 2021-03-23-binaire.md -> datacraft-binaire" in out
    assert "2 created, 0 updated, 0 errors" in out
    with pytest.raises(CommandError, match="is not a folder"):
        call_command("import_posts", str(blog_folder / "nope"))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("Just text, no front matter.\n", "No front matter"),
        ("---\ntitle: [unclosed\n---\nText\n", "The front matter is not valid YAML (line"),
        ("---\nslug: x\n---\nText\n", "The front matter has no title."),
        ("---\n---\nText\n", "The front matter is empty"),
    ],
)
def test_bad_files_are_refused_with_a_message_and_nothing_written(tmp_path, content, message):
    (tmp_path / "2024-01-01-bad.md").write_text(content)
    (tmp_path / "2024-01-02-good.md").write_text(GOOD)
    report = import_directory(tmp_path)
    bad, good = report.files
    assert bad.outcome == "error" and message in bad.error
    assert good.outcome == "created"
    assert list(Post.objects.values_list("slug", flat=True)) == ["hello"]


def test_no_date_anywhere_is_refused(tmp_path):
    (tmp_path / "undated.md").write_text("---\ntitle: T\n---\nx\n")
    (entry,) = import_directory(tmp_path).files
    assert "No date" in entry.error
    assert not Post.objects.exists()


def test_front_matter_date_wins_over_the_file_name(tmp_path):
    (tmp_path / "2024-01-01-x.md").write_text("---\ntitle: T\ndate: 2023-05-06\n---\nx\n")
    import_directory(tmp_path)
    assert str(Post.objects.get().date) == "2023-05-06"


def test_a_too_large_image_refuses_the_post_and_leaves_nothing(tmp_path, settings):
    (tmp_path / "2024-01-01-big.md").write_text(
        "---\ntitle: Big\n---\n![a](img/small.png)\n![b](img/big.png)\n"
    )
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "small.png").write_bytes(png_bytes())
    (tmp_path / "img" / "big.png").write_bytes(png_bytes() + b"\0" * IMAGE_MAX_BYTES)
    (entry,) = import_directory(tmp_path).files
    assert entry.outcome == "error"
    assert "The image img/big.png is 10.0 MB; images may be at most 10 MB." in entry.error
    assert not Post.objects.exists() and not PostImage.objects.exists()
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_a_file_that_is_not_an_image_refuses_the_post_and_removes_saved_images(tmp_path, settings):
    (tmp_path / "2024-01-01-x.md").write_text("---\ntitle: X\n---\n![a](a.png)\n![b](b.png)\n")
    (tmp_path / "a.png").write_bytes(png_bytes())
    (tmp_path / "b.png").write_bytes(b"<svg onload=alert(1)>")
    (entry,) = import_directory(tmp_path).files
    assert entry.outcome == "error" and "is not an image this site can show" in entry.error
    assert not Post.objects.exists() and not PostImage.objects.exists()
    assert not any(p.is_file() for p in Path(settings.MEDIA_ROOT).rglob("*"))


def test_zip_upload_of_the_seed_posts():
    files = {f"blog/{p.name}": p.read_bytes() for p in DATA.glob("*.md")}
    files["blog/img/2021-03-23-binaire/Hiba.png"] = png_bytes()
    report = import_zip(_zip(files))
    assert sorted(f.outcome for f in report.files) == ["created", "created"]
    assert Post.objects.get(slug="datacraft-binaire").images.count() == 1


def test_zip_duplicate_slug_inside_the_upload():
    report = import_zip(_zip({"2024-01-01-a.md": GOOD, "2024-01-02-b.md": GOOD}))
    first, second = report.files
    assert first.outcome == "created"
    assert second.outcome == "error"
    assert "The slug hello is already used by 2024-01-01-a.md in this upload." in second.error
    assert Post.objects.count() == 1


def test_zip_slip_paths_are_refused():
    report = import_zip(
        _zip({"../../evil.md": GOOD, "/etc/abs.md": GOOD, "2024-01-01-ok.md": GOOD})
    )
    errors = {f.path: f.error for f in report.errors}
    assert errors == {
        "../../evil.md": "Refused: this path leaves the archive's folder.",
        "/etc/abs.md": "Refused: this path leaves the archive's folder.",
    }
    assert list(Post.objects.values_list("slug", flat=True)) == ["hello"]


def test_zip_bomb_is_refused_whole():
    with pytest.raises(ImportRefused, match="zip bomb"):
        import_zip(_zip({"2024-01-01-a.md": GOOD, "zeros.bin": b"\0" * (20 * 1024 * 1024)}))
    assert not Post.objects.exists()


def test_not_a_zip_is_refused():
    with pytest.raises(ImportRefused, match="not a zip archive"):
        import_zip(b"PK but not really")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"---\ntitle: T\n---\n\xff\xfe not utf-8\n", "The file is not UTF-8 text."),
        (b"---\ntitle: T\nslug: '!!!'\n---\nx\n", "No slug could be made"),
        (b"---\ntitle: T\n---\n" + b"x" * (2 * 1024 * 1024), "The file is over 2 MB"),
        (
            b"---\ntitle: T\nauthor: " + b"A" * 201 + b"\n---\nx\n",
            "name: Ensure this value has at most 200 characters",
        ),
    ],
)
def test_more_bad_files_are_refused_and_nothing_is_written(tmp_path, content, message):
    (tmp_path / "2024-01-01-bad.md").write_bytes(content)
    (entry,) = import_directory(tmp_path).files
    assert entry.outcome == "error" and message in entry.error
    assert not Post.objects.exists() and not Author.objects.exists()


def test_a_failed_re_import_keeps_the_images_already_there(tmp_path):
    (tmp_path / "2024-01-01-x.md").write_text("---\ntitle: X\n---\n![a](a.png)\n![b](b.png)\n")
    (tmp_path / "a.png").write_bytes(png_bytes())
    (tmp_path / "b.png").write_bytes(png_bytes(colour=(1, 2, 3)))
    import_directory(tmp_path)
    before = {image.source_path: image.file.name for image in PostImage.objects.all()}
    # Second run: a.png is replaced first, then b.png is not an image and the post fails.
    (tmp_path / "a.png").write_bytes(png_bytes(colour=(200, 0, 0)))
    (tmp_path / "b.png").write_bytes(b"not an image")
    (entry,) = import_directory(tmp_path).files
    assert entry.outcome == "error" and "is not an image this site can show" in entry.error
    after = {image.source_path: image.file.name for image in PostImage.objects.all()}
    assert after == before
    assert all(image.file.storage.exists(image.file.name) for image in PostImage.objects.all())


def test_a_replaced_image_file_is_deleted_once_committed(
    tmp_path, django_capture_on_commit_callbacks
):
    (tmp_path / "2024-01-01-x.md").write_text("---\ntitle: X\n---\n![a](a.png)\n")
    (tmp_path / "a.png").write_bytes(png_bytes())
    import_directory(tmp_path)
    old = PostImage.objects.get().file.name
    (tmp_path / "a.png").write_bytes(png_bytes(colour=(200, 0, 0)))
    with django_capture_on_commit_callbacks(execute=True):
        import_directory(tmp_path)
    image = PostImage.objects.get()
    assert image.file.name != old and image.file.storage.exists(image.file.name)
    assert not image.file.storage.exists(old)
