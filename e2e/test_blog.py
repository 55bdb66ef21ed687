"""The two seed posts read well in Chromium: captions, quotation style, a video card that
loads nothing from YouTube until play, and no request leaving the machine on page load."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from django.conf import settings

from compagnon.news.importing import import_directory
from compagnon.news.tests.conftest import make_blog_folder

LOCAL_HOSTS = {"localhost", "127.0.0.1"}
SCREENSHOTS = Path("/tmp")


@pytest.fixture
def seeded(transactional_db, tmp_path):
    report = import_directory(make_blog_folder(tmp_path / "blog"))
    assert [f.outcome for f in report.files] == ["created", "created"]


def _serve_media(route):
    """The live server does not serve MEDIA_URL (DEBUG is off): answer from MEDIA_ROOT."""
    path = unquote(urlsplit(route.request.url).path)
    relative = path.removeprefix("/" + settings.MEDIA_URL.strip("/") + "/")
    file = Path(settings.MEDIA_ROOT) / relative
    if not file.is_file():
        route.fulfill(status=404)
        return
    route.fulfill(body=file.read_bytes(), content_type=mimetypes.guess_type(file.name)[0])


@pytest.mark.parametrize("slug", ["datacraft-binaire", "datacraft"])
def test_seed_posts_read_well_and_stay_local(page, seeded, slug):
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.route("**/media/**", _serve_media)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/blog/{slug}/")
    page.wait_for_load_state("networkidle")

    leaving = [url for url in requests if urlsplit(url).hostname not in LOCAL_HOSTS]
    assert leaving == [], leaving
    article = page.locator("article.post")
    assert article.get_attribute("lang") == "fr"
    body = article.inner_text()
    for leftover in ("Job :", "Image here", ":::", "{{", "-->", "il manque une légende"):
        assert leftover not in body

    captions = page.locator("figure.post-figure figcaption")
    assert captions.count() >= 1
    for index in range(captions.count()):
        assert captions.nth(index).is_visible()
    page.screenshot(path=str(SCREENSHOTS / f"blog-{slug}.png"), full_page=True)

    if slug == "datacraft":
        citation = page.locator("figure.citation").first
        assert citation.is_visible()
        attribution = citation.locator("figcaption.citation-attribution")
        assert attribution.inner_text().startswith("Isabelle Hilali")
        # The quotation is styled: not the browser's default blockquote.
        style = citation.locator("blockquote").evaluate(
            "e => { const s = getComputedStyle(e); return [s.borderLeftWidth, s.fontStyle, s.fontSize] }"
        )
        assert style != ["0px", "normal", "16px"], style

        card = page.locator("figure.video-card")
        assert card.is_visible()
        assert "Présentation de datacraft par Isabelle" in card.inner_text()
        assert page.locator("iframe").count() == 0
        external: list[str] = []

        def block(route):
            external.append(route.request.url)
            route.abort()

        page.route("https://www.youtube-nocookie.com/**", block)
        page.route("https://www.youtube.com/**", block)
        card.locator("a.video-card-link").click()
        frame = page.locator("figure.video-card iframe")
        frame.wait_for()
        assert urlsplit(frame.get_attribute("src")).hostname == "www.youtube-nocookie.com"
        assert "0xtPrTo-13o" in frame.get_attribute("src")
        assert page.url.endswith(f"/blog/{slug}/")  # stayed on the page
