"""The fidelity corpus: 34 posts written for the project (FR and EN) in a Docusaurus site tree.

corpus/site is a site as Docusaurus has it (blog/ beside static/, blog/authors.yml,
blog/tags.yml, a folder post). corpus/expected.yml says what each post must become. Each
post is imported on its own (with the site's static folder and authors) and checked; then
the whole site is imported at once: every post in, every image resolved, no Markdown or
MDX left in any page.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

from compagnon.news.importing import import_directory
from compagnon.news.models import Post, PostStatus
from compagnon.news.rendering import syntax_left
from compagnon.news.tests.test_rendering import Tree, text_of

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).parent / "corpus"
SITE = CORPUS / "site"
EXPECTED = yaml.safe_load((CORPUS / "expected.yml").read_text())


def _site_with_only(tmp_path: Path, post: str) -> Path:
    site = tmp_path / "site"
    shutil.copytree(SITE / "static", site / "static")
    (site / "blog").mkdir(parents=True)
    for name in ("authors.yml", "tags.yml"):
        shutil.copy(SITE / "blog" / name, site / "blog" / name)
    source = SITE / "blog" / post
    if source.name == "index.md":  # a folder post: its folder comes along
        shutil.copytree(source.parent, site / "blog" / source.parent.name)
    else:
        (site / "blog" / post).write_bytes(source.read_bytes())
        images = SITE / "blog" / "img"
        if images.is_dir():
            shutil.copytree(images, site / "blog" / "img", dirs_exist_ok=True)
    return site


def _has(tree: Tree, spec: str) -> bool:
    selector, _sep, text = spec.partition(":")
    tag, _dot, cls = selector.partition(".")
    return any(text in text_of(node) for node in tree.find(tag, cls or None))


def test_the_corpus_is_big_enough_and_bilingual():
    posts = sorted(p.relative_to(SITE / "blog").as_posix() for p in (SITE / "blog").rglob("*.md*"))
    assert posts == sorted(EXPECTED)
    assert len(posts) >= 30
    english = [p for p in posts if "-en" in p]
    assert len(english) >= 10 and len(posts) - len(english) >= 10  # both languages


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_corpus_post_renders_as_expected(tmp_path, name):
    expected = EXPECTED[name] or {}
    report = import_directory(_site_with_only(tmp_path, name))
    (entry,) = report.files
    assert entry.outcome == "created", entry.error
    post = Post.objects.get(slug=entry.slug)
    html = post.body_html
    tree = Tree(html)
    assert syntax_left(html) == [], syntax_left(html)
    assert not [w for w in entry.warnings if "File not found" in str(w)]
    for spec in expected.get("has", []):
        assert _has(tree, spec), (spec, html)
    text = post.plain_text
    for words in expected.get("text", []):
        assert words in text, (words, text)
    for fragment in expected.get("lacks", []):
        assert fragment not in html, (fragment, html)
    for fragment in expected.get("excerpt_lacks", []):
        assert fragment not in post.excerpt_html
    media_images = [n for n in tree.find("img") if n["attrs"]["src"].startswith("/media/")]
    assert len(media_images) == expected.get("media_images", len(media_images))
    assert all(n["attrs"]["src"].startswith("/media/") for n in tree.find("img")), html
    media_links = [n for n in tree.find("a") if n["attrs"].get("href", "").startswith("/media/")]
    assert len(media_links) == expected.get("media_links", len(media_links))
    for change in expected.get("changes", []):
        assert any(change in str(c) for c in entry.changes), [str(c) for c in entry.changes]
    warnings = [str(w) for w in entry.warnings]
    assert warnings == expected.get("warnings", []), warnings
    jobs = list(post.jobs.values_list("text", flat=True))
    for job in expected.get("jobs", []):
        assert any(job in j for j in jobs), jobs
    if "authors" in expected:
        assert [a.name for a in post.authors.all()] == sorted(expected["authors"]) or sorted(
            a.name for a in post.authors.all()
        ) == sorted(expected["authors"])
    if "author_url" in expected:
        assert post.authors.get().url == expected["author_url"]
    if "tags" in expected:
        assert sorted(t.name for t in post.tags.all()) == sorted(expected["tags"])
    if "date" in expected:
        assert post.date.isoformat() == expected["date"]
    if "slug" in expected:
        assert post.slug == expected["slug"]
    if "cover" in expected:
        assert post.header_image is not None
        assert post.header_image.source_path == expected["cover"]
    assert post.status == expected.get("status", PostStatus.PUBLISHED)
    assert post.unlisted == expected.get("unlisted", False)
    for field in ("keywords", "description"):
        if field in expected:
            assert getattr(post, field) == expected[field]
    assert post.language == ("en" if "-en" in name or "undated-post-en" in name else "fr")


def test_the_whole_site_tree_imports_every_post_and_every_image(tmp_path, capsys):
    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    report = import_directory(site / "blog")  # the blog folder: static/ is found beside it
    assert len(report.files) == len(EXPECTED)
    assert report.errors == []
    assert not [w for f in report.files for w in f.warnings if "not found" in str(w)]
    assert Post.objects.count() == len(EXPECTED)
    for post in Post.objects.all():
        assert syntax_left(post.body_html) == [], (post.slug, syntax_left(post.body_html))
        for node in Tree(post.body_html).find("img"):
            assert node["attrs"]["src"].startswith("/media/"), (post.slug, node)
    # The authors come from authors.yml, with their pictures and e-mail links.
    camille = Post.objects.get(slug="admonitions").authors.get()
    assert camille.name == "Camille Martin" and camille.url == "mailto:camille@club.example"
    assert camille.image and camille.image.name.endswith(".png")
    # A second run changes nothing and creates nothing.
    again = import_directory(site)
    assert {f.outcome for f in again.files} == {"updated"}
    assert Post.objects.count() == len(EXPECTED)
    # The dry run reports per post and writes nothing.
    capsys.readouterr()
    call_command("import_posts", str(site), "--dry-run")
    out = capsys.readouterr().out
    assert f"0 to create, {len(EXPECTED)} to update, 0 errors, 1 warnings" in out
    assert "would-update: blog/2024-05-13-billet-dossier/index.md -> billet-dossier" in out


def test_a_zip_of_the_site_root_in_a_wrapper_folder_imports_the_same():
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in SITE.rglob("*"):
            if path.is_file():
                archive.write(path, f"club-site-main/{path.relative_to(SITE).as_posix()}")
        archive.writestr("club-site-main/docs/intro.md", "---\ntitle: Not a post\n---\nDocs.\n")
        archive.writestr("club-site-main/node_modules/x/README.md", "# not a post\n")
    from compagnon.news.importing import import_zip

    report = import_zip(buffer.getvalue())
    assert len(report.files) == len(EXPECTED) and report.errors == []
    assert not [w for f in report.files for w in f.warnings if "not found" in str(w)]
    assert not Post.objects.filter(title="Not a post").exists()
