"""Markdown typed by members: CommonMark and tables in, only safe HTML out."""

from html.parser import HTMLParser

import pytest

from compagnon.core.markdown import render_markdown, sanitise_html


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict]]:
    """The real elements of the output (escaped text that looks like a tag is not one)."""
    parser = _Elements()
    parser.feed(html)
    return parser.elements


def hrefs(html: str) -> list[str]:
    return [attrs["href"] for tag, attrs in elements(html) if "href" in attrs]


def test_commonmark_and_tables():
    html = render_markdown(
        "## Context\n\nSales **dropped** and *nobody* knew why.\n\n"
        "- weekly sales\n- prices\n\n"
        "| year | sales |\n|---|---|\n| 2020 | 12 |\n\n"
        "```python\nprint('hi')\n```"
    )
    assert "<h2>Context</h2>" in html
    assert "<strong>dropped</strong>" in html and "<em>nobody</em>" in html
    assert "<ul>" in html and "<li>weekly sales</li>" in html
    assert "<table>" in html and "<td>2020</td>" in html
    assert "<pre><code>print(&#x27;hi&#x27;)" in html or "<pre><code>print('hi')" in html


def test_empty_text_renders_nothing():
    assert render_markdown("") == ""


def test_script_is_shown_as_text_never_run():
    html = render_markdown("Hello <script>alert(1)</script> and <b onclick='x()'>bold</b>")
    assert "<script" not in html.lower()
    assert "&lt;script&gt;" in html
    assert [tag for tag, _attrs in elements(html)] == ["p"]
    assert not any(name.startswith("on") for _tag, attrs in elements(html) for name in attrs)


@pytest.mark.parametrize(
    "text",
    [
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click]( javascript:alert(1))",
        "[click](vbscript:msgbox(1))",
        "<javascript:alert(1)>",
        '<a href="javascript:alert(1)">click</a>',
        "[click][ref]\n\n[ref]: javascript:alert(1)",
        "[click](java&#115;cript:alert(1))",
    ],
)
def test_no_script_link_survives(text):
    html = render_markdown(text)
    assert not [href for href in hrefs(html) if "script" in href.lower()], html


def test_web_and_mail_links_kept_with_rel():
    html = render_markdown("[site](https://example.org) [mail](mailto:help@club.example)")
    assert hrefs(html) == ["https://example.org", "mailto:help@club.example"]
    assert html.count('rel="noopener nofollow"') == 2


def test_bare_urls_are_not_linked():
    assert "<a" not in render_markdown("See https://example.org for details")


def test_images_from_data_urls_are_dropped():
    html = render_markdown(
        "![pixel](data:image/png;base64,iVBORw0KGgo=) ![chart](https://example.org/chart.png)"
    )
    assert "data:" not in html
    assert 'src="https://example.org/chart.png"' in html


def test_sanitiser_drops_frames_styles_and_handlers():
    html = sanitise_html(
        '<iframe src="https://evil.example"></iframe><style>p{color:red}</style>'
        '<p style="color:red" onmouseover="steal()">text</p><img src="x.png" onerror="steal()">'
        '<a href="javascript:steal()">a</a><object data="x"></object><form><input></form>'
    )
    for forbidden in ("iframe", "<style", "style=", "onmouseover", "onerror", "javascript:"):
        assert forbidden not in html
    assert "<object" not in html and "<form" not in html and "<input" not in html
    assert "<p>text</p>" in html


def test_headings_can_be_pushed_down_under_the_page_title():
    html = render_markdown("# Title\n\n###### Deep", heading_offset=2)
    assert "<h3>Title</h3>" in html
    assert "<h6>Deep</h6>" in html
    assert "<h1>" not in html
