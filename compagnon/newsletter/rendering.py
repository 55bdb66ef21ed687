"""A mailing as a club sends it: HTML with the club's look (styles inline, since mail
clients drop <style> blocks and the site's stylesheet), and a plain-text twin.

Both come from the same Markdown: `core.markdown` renders and sanitises it, this
module adds the inline styles and absolute addresses to the HTML, and writes
the text version from the HTML (headings underlined, links as "text (address)"),
so no reader ever sees a raw "##".
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

from django.conf import settings

# The site's palette (core/static/compagnon/site.css), for mail clients.
GREEN_900 = "#0d3b24"
GREEN_700 = "#17603a"
GREEN_100 = "#e3f1e8"
GREEN_50 = "#f3f9f5"
INK = "#1c2321"
MUTED = "#4a5551"
LINE = "#d4ddd8"
FONT = "-apple-system, 'Segoe UI', Roboto, 'Noto Sans', Ubuntu, Arial, sans-serif"

STYLES = {
    "h1": f"font-family:{FONT};color:{GREEN_900};font-size:24px;line-height:1.25;margin:0 0 16px;",
    "h2": f"font-family:{FONT};color:{GREEN_900};font-size:20px;line-height:1.3;margin:28px 0 10px;",
    "h3": f"font-family:{FONT};color:{GREEN_900};font-size:17px;line-height:1.3;margin:22px 0 8px;",
    "h4": f"font-family:{FONT};color:{GREEN_900};font-size:16px;margin:18px 0 6px;",
    "p": f"font-family:{FONT};color:{INK};font-size:16px;line-height:1.55;margin:0 0 14px;",
    "ul": f"font-family:{FONT};color:{INK};font-size:16px;line-height:1.55;margin:0 0 14px;padding-left:22px;",
    "ol": f"font-family:{FONT};color:{INK};font-size:16px;line-height:1.55;margin:0 0 14px;padding-left:22px;",
    "li": "margin:0 0 6px;",
    "a": f"color:{GREEN_700};text-decoration:underline;",
    "blockquote": f"margin:0 0 14px;padding:4px 14px;border-left:4px solid {GREEN_100};color:{MUTED};",
    "img": "max-width:100%;height:auto;border:0;display:block;",
    "hr": f"border:0;border-top:1px solid {LINE};margin:24px 0;",
    "pre": f"background:{GREEN_50};padding:10px;border-radius:6px;overflow-x:auto;font-size:14px;",
    "code": "font-family:Menlo,Consolas,monospace;font-size:14px;",
    "table": "border-collapse:collapse;width:100%;margin:0 0 14px;",
    "th": f"border:1px solid {LINE};padding:6px;text-align:left;",
    "td": f"border:1px solid {LINE};padding:6px;",
}
_TAG = re.compile(r"<(" + "|".join(STYLES) + r")(?=[\s>/])", re.IGNORECASE)
_RELATIVE = re.compile(r'(href|src)="(/[^"/][^"]*|/)"')


def absolute_addresses(html: str) -> str:
    """Links and images that point into the site ("/blog/…") get the site's address."""
    return _RELATIVE.sub(lambda m: f'{m.group(1)}="{settings.SITE_URL}{m.group(2)}"', html)


def inline_styles(html: str) -> str:
    """Give each tag of sanitised HTML (it has no style of its own) the club's look."""
    return _TAG.sub(lambda m: f'<{m.group(1)} style="{STYLES[m.group(1).lower()]}"', html)


def email_html(html: str) -> str:
    return inline_styles(absolute_addresses(html))


class _TextWriter(HTMLParser):
    """HTML of a mailing to readable plain text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.lists: list[list[int]] = []  # per open list: [is_ordered, counter]
        self.heading: list[str] | None = None
        self.heading_level = 0
        self.link: tuple[str, list[str]] | None = None

    def _write(self, text: str) -> None:
        if self.link is not None:
            self.link[1].append(text)
        elif self.heading is not None:
            self.heading.append(text)
        else:
            self.out.append(text)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.out.append("\n\n")
            self.heading, self.heading_level = [], int(tag[1])
        elif tag in ("ul", "ol"):
            self.lists.append([tag == "ol", 0])
            self.out.append("\n")
        elif tag == "li":
            indent = "  " * (len(self.lists) - 1)
            if self.lists and self.lists[-1][0]:
                self.lists[-1][1] += 1
                self.out.append(f"\n{indent}{self.lists[-1][1]}. ")
            else:
                self.out.append(f"\n{indent}- ")
        elif tag == "a":
            self.link = (attributes.get("href") or "", [])
        elif tag == "br":
            self._write("\n")
        elif tag == "hr":
            self.out.append("\n\n----\n\n")
        elif tag == "img":
            self._write(f"[{attributes.get('alt') or ''}]")
        elif tag in ("p", "blockquote", "pre", "table"):
            self.out.append("\n\n")
        elif tag == "tr":
            self.out.append("\n")
        elif tag in ("td", "th"):
            self.out.append(" | ")

    def handle_endtag(self, tag):
        if tag == "a" and self.link is not None:
            href, parts = self.link
            self.link = None
            text = "".join(parts).strip()
            if href and href != text and not href.startswith("mailto:"):
                self._write(f"{text} ({href})" if text else href)
            else:
                self._write(text or href.removeprefix("mailto:"))
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6") and self.heading is not None:
            title = " ".join("".join(self.heading).split())
            self.heading = None
            rule = "=" if self.heading_level <= 2 else "-"
            self.out.append(f"{title}\n{rule * len(title)}\n")
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
            self.out.append("\n")
        elif tag in ("p", "blockquote", "pre"):
            self.out.append("\n\n")

    def handle_data(self, data):
        if self.heading is None and self.link is None and not data.strip() and "\n" in data:
            return
        self._write(data)

    def text(self) -> str:
        joined = "".join(self.out)
        lines = [line.rstrip() for line in joined.splitlines()]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def html_to_text(html: str) -> str:
    writer = _TextWriter()
    writer.feed(absolute_addresses(str(html)))
    writer.close()
    return unescape(writer.text())


def preheader(text: str, limit: int = 110) -> str:
    """The grey line mail clients show after the subject: the first words of the text."""
    words = " ".join(re.sub(r"[=\-]{3,}", " ", text).split())
    return words[:limit]
