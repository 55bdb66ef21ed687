"""Markdown typed by members, turned into HTML that is safe to show to others.

Two layers: markdown-it-py renders CommonMark (+ tables) with raw HTML off, so
a `<script>` typed in a description comes out as text; nh3 then cleans the
result against an allow-list, so a gap in the first layer (or a future plugin)
still cannot put a script, a style, an event handler, a frame or a
`javascript:` / `data:` URL in a page.
"""

from __future__ import annotations

from functools import cache
from urllib.parse import urlsplit

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.token import Token

ALLOWED_TAGS = frozenset(
    {
        "a",
        "blockquote",
        "br",
        "code",
        "del",
        "em",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "img",
        "li",
        "ol",
        "p",
        "pre",
        "s",
        "strong",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "ul",
    }
)
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
}
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
IMAGE_SCHEMES = frozenset({"http", "https"})
LINK_REL = "noopener nofollow"


@cache
def _parser() -> MarkdownIt:
    # "html": False escapes raw HTML instead of passing it through; linkify off:
    # only links the author wrote become links.
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        scheme = urlsplit(value.strip()).scheme.lower()
        # No data: images (nor mailto:), only relative or http(s) addresses.
        return value if scheme in IMAGE_SCHEMES or not scheme else None
    return value


def _shift_headings(tokens: list[Token], offset: int) -> None:
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(6, int(token.tag[1]) + offset)
            token.tag = f"h{level}"


def sanitise_html(html: str) -> str:
    """Clean HTML against the allow-list (tags, attributes, URL schemes)."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_keep_attribute,
        url_schemes=set(LINK_SCHEMES),
        link_rel=LINK_REL,
    )


def render_markdown(text: str, *, heading_offset: int = 0) -> SafeString:
    """Markdown to sanitised HTML, ready for a template.

    `heading_offset` pushes headings down so a `# Title` typed by a member
    does not compete with the page's own `<h1>`: with 2, it becomes `<h3>`.
    """
    if not text:
        return mark_safe("")
    parser = _parser()
    tokens = parser.parse(text)
    if heading_offset:
        _shift_headings(tokens, heading_offset)
    html = parser.renderer.render(tokens, parser.options, {})
    # Safe to mark: nh3 has just cleaned it against the allow-list.
    return mark_safe(sanitise_html(html))
