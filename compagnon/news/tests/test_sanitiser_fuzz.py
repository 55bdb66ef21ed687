"""Whatever Markdown and HTML a post holds, the rendered page runs no script of its own.

Hypothesis mixes Markdown syntax, raw HTML, attack snippets (event handlers,
`javascript:` and `data:` URLs in many spellings, iframes, MDX) and random text,
then checks the output as a browser would parse it: no <script>, no on* attribute,
links only http/https/mailto or relative, media only http(s) or relative, no frame.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compagnon.news.rendering import render_post

LINK_SCHEMES = {"http", "https", "mailto"}
MEDIA_SCHEMES = {"http", "https"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "cite", "xlink:href"}
FORBIDDEN_TAGS = {
    "script",
    "iframe",
    "object",
    "embed",
    "form",
    "input",
    "button",
    "style",
    "link",
    "meta",
    "base",
    "svg",
    "math",
    "frame",
    "frameset",
    "template",
}

ATTACKS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "<img src=x onerror=alert(1)//",
    '<svg onload="alert(1)"><circle /></svg>',
    '<body onload="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="java\tscript:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="&#x6A;avascript&colon;alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    "[x](javascript:alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x]( javascript:alert(1) )",
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml;base64,PHN2Zz4=)",
    "<javascript:alert(1)>",
    '<iframe src="https://evil.example/"></iframe>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
    '<iframe src="https://www.youtube.com/embed/0xtPrTo-13o" onload="alert(1)"></iframe>',
    '<iframe src="https://www.youtube.com/embed/0xtPrTo-13o"',
    '<audio src="javascript:alert(1)" onplay="alert(1)"></audio>',
    '<audio><source src="data:audio/mp3;base64,AAAA"></audio>',
    '<video src="x.mp4" onerror="alert(1)"></video>',
    '<object data="x.swf"></object>',
    '<embed src="x.swf">',
    '<form action="https://evil.example"><button formaction="javascript:alert(1)">x</button></form>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<style>body{display:none}</style>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="https://evil.example/">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<figure class="video-card" data-video-provider="youtube" data-video-id="../../x">',
    '<a class="video-card-link" href="javascript:alert(1)">x</a>',
    '<div onclick="alert(1)" onmouseover=alert(1)>x</div>',
    "<p/onmouseover=alert(1)>x</p>",
    "<!--><script>alert(1)</script>-->",
    "<!-- <script>alert(1)</script> -->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<template><script>alert(1)</script></template>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    '<div style={{color: "red"}} className="x" onClick={() => alert(1)}>x</div>',
    "import Evil from 'evil';",
    "{/* hidden */}",
]
MARKDOWN = [
    "# Title",
    "## Section",
    "**bold**",
    "*em*",
    "> quote",
    "> — Someone",
    "- item",
    "1. item",
    "`code`",
    "```\ncode <script>\n```",
    "---",
    "[link](https://example.com)",
    "[mail](mailto:a@example.com)",
    "[rel](./page)",
    '![img](./img/a.png "**caption**")',
    "![img](https://example.com/a.png)",
    "*caption*",
    ":::citation",
    ":::note",
    ":::tip[Title]",
    ":::",
    "**Job : do it**",
    "**Image here**",
    "<!--truncate-->",
    "<!-- note -->",
    '<figure><img src="a.png"><figcaption>c</figcaption></figure>',
    '<iframe src="https://www.youtube.com/embed/0xtPrTo-13o" title="t"></iframe>',
    '<iframe src="https://player.vimeo.com/video/123"></iframe>',
    '<audio src="a.mp3" data-transcript="javascript:alert(1)"></audio>',
    "Footnote[^1]\n\n[^1]: note",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "<",
    ">",
    '"',
    "&",
    "\n",
    "\n\n",
    "  ",
]

fragment = st.one_of(
    st.sampled_from(ATTACKS),
    st.sampled_from(MARKDOWN),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=20),
)
documents = st.lists(fragment, max_size=14).map(lambda parts: "".join(parts))
joined = st.lists(fragment, max_size=14).map(lambda parts: "\n\n".join(parts))


class _Elements(HTMLParser):
    """Parses like a browser would read the markup, entities decoded in attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {name: value or "" for name, value in attrs}))

    handle_startendtag = handle_starttag


def _scheme(url: str) -> str:
    # Browsers drop leading spaces/control characters and tabs/newlines anywhere.
    url = re.sub(r"[\t\n\r]", "", url).lstrip(
        "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f"
        "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a"
        "\x1b\x1c\x1d\x1e\x1f "
    )
    match = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*):", url)
    if match:
        return match.group(1).lower()
    return urlsplit(url).scheme.lower()


def _check(html: str) -> None:
    assert "<script" not in html.lower()
    parser = _Elements()
    parser.feed(html)
    parser.close()
    for tag, attrs in parser.elements:
        assert tag not in FORBIDDEN_TAGS, tag
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            assert name not in ("style", "srcdoc", "formaction", "target"), (tag, name)
            if name in URL_ATTRIBUTES:
                scheme = _scheme(value)
                allowed = LINK_SCHEMES if name == "href" else MEDIA_SCHEMES
                assert scheme in allowed or scheme == "", (tag, name, value)
        if tag == "figure" and "data-video-id" in attrs:
            assert re.fullmatch(r"[A-Za-z0-9_-]{6,20}|[0-9]{1,12}", attrs["data-video-id"])


FUZZ = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@FUZZ
@given(documents)
def test_no_script_handler_or_unsafe_url_whatever_the_input(text):
    rendered = render_post(text, image_url=lambda path: "/media/news/" + path, audio=None)
    _check(rendered.html)
    _check(rendered.excerpt_html)


@FUZZ
@given(joined, st.sampled_from(["./a.mp3", "javascript:alert(1)", "data:audio/mp3,AAAA", "x.mp3"]))
def test_block_level_mixes_and_audio_are_safe_too(text, audio):
    rendered = render_post(text, audio=audio, audio_transcript="javascript:alert(1)", language="en")
    _check(rendered.html)
    _check(rendered.excerpt_html)


def test_the_checker_catches_what_it_should():
    for bad in (
        "<script>x</script>",
        '<a href="javascript:x">x</a>',
        '<a href="java&#9;script:x">x</a>',
        '<img src="data:image/png,AA">',
        '<p onclick="x">x</p>',
        '<iframe src="https://x.example"></iframe>',
    ):
        try:
            _check(bad)
        except AssertionError:
            continue
        raise AssertionError(f"the checker let {bad!r} through")
