"""Importing Docusaurus posts: the two seed posts, idempotence, and every named bad file."""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib

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
    warnings = [str(w) for w in binaire.warnings]
    assert any(
        re.match(r"line \d+: File not found: ./img/2021-03-23-binaire/Hiba.png \(the post", w)
        for w in warnings
    ), warnings
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
        ("---\ntitle: [unclosed\n---\nText\n", "line 2: The front matter is not valid YAML"),
        ("---\ntitle: T\nText with no closing line\n", "line 1: The front matter opened here"),
        ("---\n- a list\n---\nText\n", "line 2: The front matter is not a list"),
        ("---\nslug: x\n---\n\n", "The post has neither a title nor any text."),
        ("---\n---\n", "The post has neither a title nor any text."),
    ],
)
def test_only_broken_front_matter_or_an_empty_post_is_refused(tmp_path, content, message):
    (tmp_path / "2024-01-01-bad.md").write_text(content)
    (tmp_path / "2024-01-02-good.md").write_text(GOOD)
    report = import_directory(tmp_path)
    bad, good = report.files
    assert bad.outcome == "error" and message in bad.error, bad.error
    assert good.outcome == "created"
    assert list(Post.objects.values_list("slug", flat=True)) == ["hello"]


@pytest.mark.parametrize(
    ("content", "warning"),
    [
        ("Just text, no front matter.\n", "No title: it is made from the file name"),
        ("---\nslug: x\n---\n# A heading title\n\nText\n", "line 4: No title in the front"),
        (b"---\ntitle: T\n---\n\xe9t\xe9 not utf-8\n", "read as Windows-1252"),
        ("---\ntitle: T\nslug: '!!!'\n---\nx\n", "line 3: The slug !!! becomes t."),
        ("---\ntitle: T\nauthor: " + "A" * 201 + "\n---\nx\n", "line 3: The author's name is cut"),
        (
            "---\ntitle: T\nauthor: Bob\nauthor_url: javascript:alert(1)\n---\nx\n",
            "is not a web page or an e-mail; it is dropped",
        ),
        ("---\ntitle: T\ndate: someday\n---\nx\n", "line 3: The date someday cannot be read"),
        ("---\ntitle: T\nfavourite_colour: blue\n---\nx\n", "line 3: The front-matter field"),
    ],
)
def test_a_detail_never_refuses_a_post(tmp_path, content, warning):
    path = tmp_path / "2024-01-01-odd.md"
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    (entry,) = import_directory(tmp_path).files
    assert entry.outcome == "created", entry.error
    assert any(warning in str(w) for w in entry.warnings), [str(w) for w in entry.warnings]
    post = Post.objects.get()
    assert post.title and post.body
    assert not Author.objects.filter(url__icontains="javascript").exists()


def test_an_author_mailto_link_is_kept(tmp_path):
    (tmp_path / "2024-01-01-x.md").write_text(
        "---\ntitle: T\nauthor: Club\nauthor_url: mailto:contact@club.example\n---\nx\n"
    )
    (entry,) = import_directory(tmp_path).files
    assert entry.outcome == "created" and not entry.warnings
    assert Author.objects.get().url == "mailto:contact@club.example"


def test_no_date_anywhere_takes_the_files_date(tmp_path):
    (tmp_path / "undated.md").write_text("---\ntitle: T\n---\nx\n")
    (entry,) = import_directory(tmp_path).files
    assert entry.outcome == "created"
    assert "No date in the front matter nor the file name" in str(entry.warnings[0])


def test_front_matter_date_wins_over_the_file_name(tmp_path):
    (tmp_path / "2024-01-01-x.md").write_text("---\ntitle: T\ndate: 2023-05-06\n---\nx\n")
    import_directory(tmp_path)
    assert str(Post.objects.get().date) == "2023-05-06"


def test_a_too_large_image_is_left_out_and_the_post_imported(tmp_path):
    (tmp_path / "2024-01-01-big.md").write_text(
        "---\ntitle: Big\n---\n![a](img/small.png)\n![b](img/big.png)\n"
    )
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "small.png").write_bytes(png_bytes())
    (tmp_path / "img" / "big.png").write_bytes(png_bytes() + b"\0" * IMAGE_MAX_BYTES)
    (entry,) = import_directory(tmp_path).files
    assert entry.outcome == "created"
    expected = "line 5: The image img/big.png is 10.0 MB; images may be at most 10 MB."
    assert any(str(w).startswith(expected) for w in entry.warnings)
    assert [i.source_path for i in PostImage.objects.all()] == ["img/small.png"]


def test_a_file_that_is_not_an_image_is_left_out(tmp_path):
    (tmp_path / "2024-01-01-x.md").write_text("---\ntitle: X\n---\n![a](a.png)\n![b](b.png)\n")
    (tmp_path / "a.png").write_bytes(png_bytes())
    (tmp_path / "b.png").write_bytes(b"<svg onload=alert(1)>")
    (entry,) = import_directory(tmp_path).files
    assert entry.outcome == "created"
    assert any("b.png is not an image this site can show" in str(w) for w in entry.warnings)
    assert [i.source_path for i in PostImage.objects.all()] == ["a.png"]
    assert "onload" not in Post.objects.get().body_html


def _png_bomb(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\0" * 1000)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("side", [9000, 30000])  # over our limit; over twice Pillow's
def test_a_png_decompression_bomb_is_refused_with_a_clear_warning(tmp_path, side):
    (tmp_path / "2024-01-01-x.md").write_text("---\ntitle: X\n---\nText\n\n![a](bomb.png)\n")
    (tmp_path / "bomb.png").write_bytes(_png_bomb(side, side))
    (entry,) = import_directory(tmp_path).files
    assert entry.outcome == "created"
    (warning,) = [str(w) for w in entry.warnings if "bomb" in str(w)]
    pixels = round(side * side / 1_000_000)
    assert warning.startswith(f"line 6: bomb.png would take {pixels} million pixels once opened")
    assert not PostImage.objects.exists()


def test_zip_upload_of_the_seed_posts():
    files = {f"blog/{p.name}": p.read_bytes() for p in DATA.glob("*.md")}
    files["blog/img/2021-03-23-binaire/Hiba.png"] = png_bytes()
    report = import_zip(_zip(files))
    assert sorted(f.outcome for f in report.files) == ["created", "created"]
    assert Post.objects.get(slug="datacraft-binaire").images.count() == 1


def test_zip_duplicate_slug_inside_the_upload_gets_a_number():
    report = import_zip(_zip({"2024-01-01-a.md": GOOD, "2024-01-02-b.md": GOOD}))
    first, second = report.files
    assert (first.outcome, second.outcome) == ("created", "created")
    assert (
        "The slug hello is already used by 2024-01-01-a.md in this upload; this post gets hello-2."
        in [str(w) for w in second.warnings]
    )
    assert sorted(Post.objects.values_list("slug", flat=True)) == ["hello", "hello-2"]


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


def test_a_broken_image_on_re_import_keeps_the_one_already_there(tmp_path):
    (tmp_path / "2024-01-01-x.md").write_text("---\ntitle: X\n---\n![a](a.png)\n![b](b.png)\n")
    (tmp_path / "a.png").write_bytes(png_bytes())
    (tmp_path / "b.png").write_bytes(png_bytes(colour=(1, 2, 3)))
    import_directory(tmp_path)
    before = PostImage.objects.get(source_path="b.png").file.name
    (tmp_path / "b.png").write_bytes(b"not an image")
    (entry,) = import_directory(tmp_path).files
    assert entry.outcome == "updated"
    assert any("is not an image this site can show" in str(w) for w in entry.warnings)
    image = PostImage.objects.get(source_path="b.png")
    assert image.file.name == before and image.file.storage.exists(before)


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
