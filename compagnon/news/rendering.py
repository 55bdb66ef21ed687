"""Blog posts: Markdown in, HTML that does the editors' jobs out.

The club's posts were written for Docusaurus and carry the editors' notes the old
site never acted on ("make image captions visible", "show that the embed is a
video", "give quotations a style", "include the interview's audio"). `render_post`
does those jobs:

- `![alt](src "caption")` becomes a `<figure>` with a visible `<figcaption>`;
- `:::citation` becomes a pull quote with its attribution set apart, `>` quotes get
  the same style, `:::note/tip/info/caution/danger` become labelled `<aside>`s;
- a YouTube/Vimeo `<iframe>` becomes a video card: nothing is fetched from the
  video host until the reader presses play (news/video.js swaps the card for a
  youtube-nocookie / player.vimeo.com iframe); other iframes are dropped;
- an `audio=` file or an `<audio>` tag becomes an accessible player;
- editors' notes ("**Job : ...**", "**Image here**", "**il manque une legende**",
  HTML comments) are removed from the HTML and returned in `jobs` for staff;
- MDX leftovers never reach readers (see markdown_plugins.py).

Everything markdown-it produces (raw HTML from the author included) then goes
through nh3 with an explicit allow-list, so no rule above can open a hole.
docs/blog-rendering.md explains each rule.
"""

from __future__ import annotations

import functools
import html as html_lib
import math
import posixpath
import re
import unicodedata
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import nh3
from django.conf import settings
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin

from compagnon.news.markdown_plugins import prepare_mdx

# Bump when the output changes, so cached HTML in the database is re-rendered.
RENDERER_VERSION = 2

WORDS_PER_MINUTE = 200


@dataclass(frozen=True)
class RenderedPost:
    html: str  # sanitised, ready for |safe
    excerpt_html: str  # up to <!--truncate--> (or the first paragraph)
    jobs: list[str] = field(default_factory=list)  # editors' notes, plain text, staff only
    reading_minutes: int = 1
    videos: list[dict[str, Any]] = field(default_factory=list)  # provider, id, title, url...
    text: str = ""  # plain text: search, descriptions, reading time
    # What was changed on the way, for the importer's report: (line in the body, what).
    notices: list[tuple[int, str]] = field(default_factory=list)


# --------------------------------------------------------------------------- parser


def _container_validate(params: str, *args: Any) -> bool:
    return bool(re.match(r"^\s*[A-Za-z][\w-]*", params))


def _container_render(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    # Unknown `:::name` blocks: a plain <div>, the name is not trusted as a class.
    return "<div>\n" if tokens[idx].nesting == 1 else "</div>\n"


def _math_render(content: str, options: dict[str, Any]) -> str:
    # No TeX engine runs here: the formula is shown as written, set apart, without its `$`.
    if options.get("display_mode"):
        return f'<div class="math math-block">{html_lib.escape(content.strip())}</div>\n'
    return f'<span class="math">{html_lib.escape(content)}</span>'


_FENCE_TITLE = re.compile(r"""\btitle\s*=\s*(?:"([^"]*)"|'([^']*)'|(\S+))""")


def _fence_render(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    """```python title="app.py" {1,3}: the code, under its title when it has one."""
    token = tokens[idx]
    info = token.info.strip()
    title_match = _FENCE_TITLE.search(info)
    language = info.split()[0] if info and not info.startswith(("{", "title=")) else ""
    code = html_lib.escape(token.content)
    language_attr = f' data-language="{html_lib.escape(language)}"' if language else ""
    block = f"<pre{language_attr}><code>{code}</code></pre>"
    if title_match:
        title = next(g for g in title_match.groups() if g is not None)
        return (
            f'<figure class="code-block"><figcaption class="code-title">'
            f"{html_lib.escape(title)}</figcaption>{block}</figure>\n"
        )
    return block + "\n"


@cache
def _parser(math: bool = False) -> MarkdownIt:
    """The post parser; with `math`, KaTeX's `$…$` too (only posts holding a `$` pay for it)."""
    md = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    # Docusaurus reads posts as MDX, where indentation never makes code: text indented
    # inside <TabItem> or <details> stays text. Code is fenced.
    md.disable("code")
    # One container rule for every `:::name`: citation, admonitions and unknown
    # names alike, so no `:::` line is ever left as text.
    md.use(container_plugin, name="box", validate=_container_validate, render=_container_render)
    md.use(footnote_plugin)
    if math:
        md.use(
            dollarmath_plugin,
            allow_space=False,
            allow_digits=False,
            allow_labels=False,
            renderer=_math_render,
        )
    md.add_render_rule("fence", _fence_render)
    return md


# ------------------------------------------------------------------------ sanitiser

ALLOWED_TAGS = {
    "a", "abbr", "aside", "audio", "blockquote", "br", "code", "dd", "del", "details",
    "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "section",
    "small", "source", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "time", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": {"lang", "dir"},
    "a": {"href", "title", "id"},
    "abbr": {"title"},
    "audio": {"src", "controls", "preload", "aria-label"},
    "figure": {"data-video-provider", "data-video-id", "data-video-start"},
    "h1": {"id"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "h5": {"id"},
    "h6": {"id"},
    "img": {"src", "alt", "title"},
    "li": {"id"},
    "ol": {"start"},
    "pre": {"data-language"},
    "source": {"src", "type"},
    "span": {"aria-hidden"},
    "sup": {"id"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "time": {"datetime"},
}
ALLOWED_CLASSES = {
    "a": {"video-card-link", "footnote-backref", "post-file", "embed"},
    "aside": {
        "admonition", "admonition-note", "admonition-tip", "admonition-info",
        "admonition-caution", "admonition-danger", "admonition-warning",
        "admonition-important",
    },
    "blockquote": {"quote"},
    "div": {"post-body", "post-excerpt", "tabs", "math", "math-block"},
    "figcaption": {"citation-attribution", "video-card-caption", "audio-label", "code-title"},
    "figure": {"post-figure", "citation", "video-card", "audio", "code-block"},
    "hr": {"footnotes-sep"},
    "li": {"footnote-item"},
    "ol": {"footnotes-list"},
    "p": {"admonition-title", "audio-links", "tab-label", "embed-link"},
    "section": {"footnotes", "tab-panel"},
    "span": {
        "video-card-screen", "video-card-play", "video-card-action", "video-card-label",
        "video-card-title", "video-card-meta", "video-card-notice", "audio-kind",
        "visually-hidden", "math", "file-kind",
    },
    "sup": {"footnote-ref"},
}  # fmt: skip
LINK_SCHEMES = {"http", "https", "mailto"}
MEDIA_SCHEMES = {"http", "https"}
LINK_REL = "noopener noreferrer"
VIDEO_PROVIDERS = {"youtube", "vimeo"}

_ID = re.compile(r"^[A-Za-z][\w:.-]{0,100}$")
_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{6,20}$")
_VIMEO_ID = re.compile(r"^[0-9]{1,12}$")
_DURATION_ISO = re.compile(r"^P(?:T(?:\d+H)?(?:\d+M)?(?:\d+S)?)$")

# Set for the length of one render_post call, read by the sanitiser's callback.
_MEDIA_URL: ContextVar[Callable[[str], str] | None] = ContextVar("news_media_url", default=None)


def _scheme(value: str) -> str | None:
    """The URL's scheme ('' when relative), None when it does not parse."""
    try:
        return urlsplit(value).scheme.lower()
    except ValueError:
        return None


def _is_local_path(value: str) -> bool:
    """A path relative to the post (./img/a.png, img/a.png), not /x, //host or #x."""
    return bool(value) and not value.startswith(("/", "#", "?", "\\"))


def _mapped(value: str) -> str:
    """The media URL of a path the post uses, '' when it is not one of the post's files."""
    mapper = _MEDIA_URL.get()
    if mapper is None or not value or value.startswith(("#", "?", "//", "\\")):
        return ""
    if value.startswith(settings.MEDIA_URL or "/media/"):
        return ""  # already a media URL
    if not posixpath.splitext(value.split("#")[0].split("?")[0])[1]:
        return ""  # a page ("/blog/x/"), not a file
    mapped = mapper(unquote(value.split("#")[0].split("?")[0])) or ""
    return mapped if _scheme(mapped) in ("", *MEDIA_SCHEMES) else ""


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute in ("src", "href"):
        value = value.strip()
        scheme = _scheme(value)
        if scheme is None:
            return None
        if attribute == "href":
            if scheme:
                return value if scheme in LINK_SCHEMES else None
            # A file the post links to (a PDF, an SVG) is served from media once imported.
            mapped = _mapped(value)
            return mapped or value
        if scheme:
            return value if scheme in MEDIA_SCHEMES else None
        mapper = _MEDIA_URL.get()
        if mapper is not None and _is_local_path(value):
            mapped = mapper(unquote(value))
            return mapped if mapped and _scheme(mapped) in ("", *MEDIA_SCHEMES) else None
        # "/img/a.png": Docusaurus's static folder; served from media when it was imported.
        return _mapped(value) or value
    if attribute == "id":
        return value if _ID.match(value) else None
    if attribute == "data-video-provider":
        return value if value in VIDEO_PROVIDERS else None
    if attribute == "data-video-id":
        return value if _YOUTUBE_ID.match(value) or _VIMEO_ID.match(value) else None
    if attribute == "data-video-start":
        return value if value.isdigit() and len(value) < 7 else None
    if attribute == "datetime":
        return value if _DURATION_ISO.match(value) else None
    if attribute == "preload":
        return "none"
    if attribute == "aria-hidden":
        return "true"
    if attribute in ("colspan", "rowspan", "start"):
        return value if value.isdigit() and len(value) < 5 else None
    if attribute == "scope":
        return value if value in ("row", "col", "rowgroup", "colgroup") else None
    return value


@cache
def _cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        attribute_filter=_attribute_filter,
        url_schemes=LINK_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
        set_tag_attribute_values={"img": {"loading": "lazy", "decoding": "async"}},
    )


def sanitise_post_html(html: str, *, media_url: Callable[[str], str] | None = None) -> str:
    """Clean HTML against the post allow-list; relative media paths go through media_url."""
    marker = _MEDIA_URL.set(media_url)
    try:
        return _cleaner().clean(html)
    finally:
        _MEDIA_URL.reset(marker)


# ----------------------------------------------------------------- editors' notes

_PREFIX_ANY = r"job|jobs|todo|to-do|to do|fixme|tbd|xxx"
_PREFIX_EMPHASISED = (
    _PREFIX_ANY + r"|à faire|a faire|editor'?s? note|note to (?:the )?editors?"
    r"|note (?:pour|à|aux) (?:l[\u2019'] ?|les? |la )?(?:éditeur|éditrice|rédact(?:eur|rice)|relect(?:eur|rice))s?"
)
_JOB_PREFIX_ANY = re.compile(rf"^\s*\[?(?:{_PREFIX_ANY})\s*\]?\s*[:\uff1a\u2013-]\s*", re.I)
_JOB_PREFIX_EMPHASISED = re.compile(
    rf"^\s*\[?(?:{_PREFIX_EMPHASISED})\s*\]?\s*[:\uff1a\u2013-]\s*", re.I
)
_NOTE = re.compile(
    r"""^\s*(?:
        images?\s+(?:here|ici|to\s+come|à\s+venir)
      | images?\s+à\s+(?:ajouter|mettre|insérer)
      | (?:ins[ée]rer|mettre|ajouter)\s+(?:une\s+|l[\u2019']\s*|les\s+)?(?:images?|photos?|légendes?)\b.*
      | insert\s+(?:an?\s+|the\s+)?(?:image|picture|photo)s?\b.*
      | (?:il\s+)?manque\s+(?:une?\s+|la\s+|le\s+|les\s+|des\s+|l[\u2019']\s*)?
        (?:l[ée]gende|image|photo|illustration|lien|source|cr[ée]dit|r[ée]f[ée]rence)s?\b.*
      | l[ée]gendes?\s+(?:manquantes?|à\s+(?:ajouter|[ée]crire|compl[ée]ter|trouver))\b.*
      | (?:missing|add(?:\s+an?)?)\s+(?:caption|image|alt\s+text)s?\b.*
      | captions?\s+(?:missing|needed|here)\b.*
    )$""",
    re.I | re.VERBOSE,
)
_JUNK_LINE = re.compile(r"^[\s.…·•_*~-]*$|^\s*:{3,}\s*[\w-]*\s*$")
_COMMENT = re.compile(r"<!--([\s\S]*?)(?:--!?>|$)")
_TRUNCATE_SENTINEL = "<!--compagnon:truncate-->"

# ------------------------------------------------------------------------- media

_TAG_ATTRIBUTE = re.compile(r"""([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
_IFRAME_OPEN = re.compile(r"<iframe\b([^>]*)>", re.I)
_IFRAME_CLOSE = re.compile(r"</iframe\s*>", re.I)
_AUDIO = re.compile(r"<audio\b([^>]*?)(?:/>|>([\s\S]*?)(?:</audio\s*>|$))", re.I)
_IMG_SRC = re.compile(r"""<img\b[^>]*?\bsrc\s*=\s*["']([^"']+)""", re.I)
_AUDIO_CLOSE = re.compile(r"</audio\s*>", re.I)
_SOURCE = re.compile(r"<source\b([^>]*)>", re.I)
_GENERIC_TITLE = re.compile(
    r"^(?:youtube|vimeo|embedded|embed)?[\s_-]*(?:video|vidéo)?[\s_-]*(?:player|lecteur)?$", re.I
)
_YOUTUBE_HOSTS = {
    "youtube.com",
    "www.youtube.com",
    "m.youtube.com",
    "youtube-nocookie.com",
    "www.youtube-nocookie.com",
    "youtu.be",
}
_VIMEO_HOSTS = {"vimeo.com", "www.vimeo.com", "player.vimeo.com"}
_GENERIC_ALTS = {"", "image", "img", "photo", "picture", "illustration", "figure"}


def _attrs(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for match in _TAG_ATTRIBUTE.finditer(text):
        name = match.group(1).lower()
        value = match.group(2) if match.group(2) is not None else match.group(3)
        if value is None:
            value = match.group(4) or ""
        found.setdefault(name, html_lib.unescape(value))
    return found


def _video_from_url(src: str) -> dict[str, Any] | None:
    """Provider and id of a YouTube/Vimeo address; None for anything else."""
    src = src.strip()
    if src.startswith("//"):
        src = "https:" + src
    try:
        parts = urlsplit(src)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https"):
        return None
    host = (parts.hostname or "").lower()
    query = parse_qs(parts.query)
    segments = [s for s in parts.path.split("/") if s]
    start = (query.get("start") or query.get("t") or [""])[0].rstrip("s")
    start = start if start.isdigit() else ""
    if host in _YOUTUBE_HOSTS:
        video_id = ""
        if host == "youtu.be" and segments:
            video_id = segments[0]
        elif segments[:1] in (["embed"], ["shorts"], ["live"], ["v"]) and len(segments) > 1:
            video_id = segments[1]
        elif segments == ["watch"]:
            video_id = (query.get("v") or [""])[0]
        if not _YOUTUBE_ID.match(video_id):
            return None
        return {
            "provider": "youtube",
            "provider_name": "YouTube",
            "id": video_id,
            "url": f"https://www.youtube.com/watch?v={video_id}",
            "embed_url": f"https://www.youtube-nocookie.com/embed/{video_id}",
            "start": int(start) if start else None,
        }
    if host in _VIMEO_HOSTS:
        digits = [s for s in segments if s.isdigit()]
        if not digits or not _VIMEO_ID.match(digits[0]):
            return None
        video_id = digits[0]
        return {
            "provider": "vimeo",
            "provider_name": "Vimeo",
            "id": video_id,
            "url": f"https://vimeo.com/{video_id}",
            "embed_url": f"https://player.vimeo.com/video/{video_id}",
            "start": int(start) if start else None,
        }
    return None


def _embed_kind(src: str) -> str | None:
    """'Google Slides', 'PDF'... for the frames editors embed; None for anything else."""
    try:
        parts = urlsplit(src)
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    path = parts.path.lower()
    if path.endswith(".pdf"):
        return "PDF"
    if host == "docs.google.com":
        for segment, name in (
            ("/presentation/", "Google Slides"),
            ("/document/", "Google Docs"),
            ("/spreadsheets/", "Google Sheets"),
            ("/forms/", "Google Forms"),
        ):
            if path.startswith(segment):
                return name
        return "Google Docs"
    if host == "drive.google.com":
        return "Google Drive"
    return None


_LINKED_FILES = {".pdf": "PDF", ".svg": "SVG"}


def _file_kind(src: str) -> str | None:
    path = src.split("#")[0].split("?")[0].lower()
    return next((kind for suffix, kind in _LINKED_FILES.items() if path.endswith(suffix)), None)


def _file_notice(kind: str, src: str) -> str:
    return _("%(kind)s file %(src)s shown as a link.") % {"kind": kind, "src": src}


def _parse_duration(value: str) -> int | None:
    """Seconds from '4:12', '1:02:03', '252', 'PT4M12S'; None when unreadable."""
    value = (value or "").strip()
    if not value:
        return None
    if value.isdigit():
        return int(value)
    if re.match(r"^\d{1,2}(:\d{1,2}){1,2}$", value):
        seconds = 0
        for part in value.split(":"):
            seconds = seconds * 60 + int(part)
        return seconds
    iso = re.match(r"^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$", value, re.I)
    if iso and any(iso.groups()):
        hours, minutes, secs = (int(g or 0) for g in iso.groups())
        return hours * 3600 + minutes * 60 + secs
    return None


def _duration_display(seconds: int) -> tuple[str, str]:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    iso = "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + f"{secs}S"
    shown = f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
    return iso, shown


def _video_card(video: dict[str, Any]) -> str:
    duration = ""
    if video.get("duration"):
        iso, shown = _duration_display(video["duration"])
        duration = format_html(' · <time datetime="{}">{}</time>', iso, shown)
    start = format_html(' data-video-start="{}"', video["start"]) if video.get("start") else ""
    notice = _("The %(provider)s player loads only when you press play.") % {
        "provider": video["provider_name"]
    }
    return format_html(
        '\n<figure class="video-card" data-video-provider="{provider}" data-video-id="{id}"{start}>'
        '<a class="video-card-link" href="{url}">'
        '<span class="video-card-screen">'
        '<span class="video-card-label">{label}</span>'
        '<span class="video-card-play" aria-hidden="true"></span>'
        '<span class="video-card-action">{action}'
        '<span class="visually-hidden">: {title}</span></span>'
        "</span></a>"
        '<figcaption class="video-card-caption">'
        '<span class="video-card-title">{title}</span>'
        '<span class="video-card-meta">{label} · {provider_name}{duration}</span>'
        '<span class="video-card-notice">{notice}</span>'
        "</figcaption></figure>\n",
        provider=video["provider"],
        id=video["id"],
        start=start,
        url=video["url"],
        label=_("Video"),
        action=_("Play the video"),
        title=video["title"],
        provider_name=video["provider_name"],
        duration=duration,
        notice=notice,
    )


def _audio_figure(src: str, *, label: str = "", transcript: str | None = None) -> str:
    label = label.strip() or _("Listen to the audio")
    links = [format_html('<a href="{}">{}</a>', src, _("Download the audio"))]
    transcript_block = ""
    if transcript:
        transcript = transcript.strip()
        if re.match(r"^\S+$", transcript):
            links.append(format_html('<a href="{}">{}</a>', transcript, _("Read the transcript")))
        else:
            transcript_block = format_html(
                "<details><summary>{}</summary>{}</details>",
                _("Transcript"),
                mark_safe(_parser().render(transcript)),
            )
    return format_html(
        '\n<figure class="audio"><figcaption class="audio-label">'
        '<span class="audio-kind">{kind}</span> {label}</figcaption>'
        '<audio controls preload="none" src="{src}" aria-label="{label}">{fallback}</audio>'
        '<p class="audio-links">{links}</p>{transcript}</figure>\n',
        kind=_("Audio"),
        label=label,
        src=src,
        fallback=links[0],
        links=mark_safe(" · ".join(links)),
        transcript=transcript_block,
    )


# --------------------------------------------------------------------- helpers


def _plain(children: list[Token] | None) -> str:
    parts: list[str] = []
    for child in children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(_plain(child.children))
    return "".join(parts)


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _lines(children: list[Token]) -> list[list[Token]]:
    lines: list[list[Token]] = [[]]
    for child in children:
        if child.type in ("softbreak", "hardbreak"):
            lines.append([])
        else:
            lines[-1].append(child)
    return lines


def _meaningful(line: list[Token]) -> list[Token]:
    return [t for t in line if not (t.type == "text" and not t.content.strip())]


def _is_wrapped(line: list[Token], kinds: tuple[str, ...] = ("strong", "em")) -> bool:
    """True when the whole line sits inside one strong/em span."""
    tokens = _meaningful(line)
    if len(tokens) < 3:
        return False
    first, last = tokens[0], tokens[-1]
    kind = first.type.removesuffix("_open")
    if kind not in kinds or first.nesting != 1 or last.type != f"{kind}_close":
        return False
    depth = 0
    for index, token in enumerate(tokens):
        if token.type == f"{kind}_open":
            depth += 1
        elif token.type == f"{kind}_close":
            depth -= 1
            if depth == 0 and index != len(tokens) - 1:
                return False
    return True


def _only_blocks(children: list[Token]) -> bool:
    meaningful = [c for c in _meaningful(children) if c.type not in ("softbreak", "hardbreak")]
    return (
        bool(meaningful)
        and all(
            c.type == "html_inline" and (c.content.startswith("\n<figure") or not c.content.strip())
            for c in meaningful
        )
        and any(c.content.startswith("\n<figure") for c in meaningful)
    )


def _may_hold_notes(source: str) -> bool:
    """Cheap look at a paragraph's source before the token-level work."""
    for line in source.split("\n"):
        line = line.lstrip()
        if line[:1] in ("*", "_", "[") or _JOB_PREFIX_ANY.match(line) or _JUNK_LINE.match(line):
            return True
    return False


def _first_image(children: list[Token]) -> Token | None:
    return next((c for c in children if c.type == "image"), None)


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80] or "section"


def _comparable(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "", ascii_text.lower())


def _html_token(content: str, level: int = 0) -> Token:
    token = Token("html_block", "", 0)
    token.content = content
    token.level = level
    token.block = True
    return token


def _matching_close(tokens: list[Token], index: int) -> int:
    depth = 0
    for position in range(index, len(tokens)):
        depth += tokens[position].nesting
        if depth == 0:
            return position
    return len(tokens) - 1


# ------------------------------------------------------------------- the renderer

_ADMONITIONS = frozenset({"note", "tip", "info", "caution", "danger", "warning", "important"})
_DASH_START = re.compile(r"^\s*(?:—|\u2013|-{1,2}|~|―)\s*")
_CLOSING_QUOTE = re.compile(r"[\"”»\u2019']\s*[.!?…]?\s*$")
_SENTENCE_END = re.compile(r"[.!?\u2026\"\u201d\u00bb]\s*$")
_BLOCK_END = re.compile(
    r"</(?:p|h[1-6]|li|dt|dd|figcaption|blockquote|tr|td|th|pre|summary)>|<br\s*/?>"
)
_TAGS = re.compile(r"<[^>]+>")
# Card furniture is not part of the post's text.
_NOT_TEXT = re.compile(
    r'<span class="(?:video-card-notice|video-card-action|visually-hidden|video-card-label|video-card-meta|audio-kind)">'
    r".*?</span>|<p class=\"audio-links\">.*?</p>|<audio\b.*?</audio>",
    re.S,
)


def _admonition_label(kind: str) -> str:
    labels = {
        "note": _("Note"),
        "tip": _("Tip"),
        "info": _("Info"),
        "caution": _("Caution"),
        "danger": _("Danger"),
        "warning": _("Warning"),
        "important": _("Important"),
    }
    return labels[kind]


class _Render:
    def __init__(
        self, *, title: str | None, media_url: Callable[[str], str] | None, math: bool = False
    ) -> None:
        self.media_url = media_url
        self.md = _parser(math)
        self.env: dict[str, Any] = {}
        self.jobs: list[tuple[int, str]] = []
        self.line = 0
        self.videos: list[dict[str, Any]] = []
        self.title = title
        self.truncated = False
        self.last_heading = ""
        self.notices: list[tuple[int, str]] = []
        self.report_language = translation.get_language() or "fr"

    # -- small pieces ------------------------------------------------------

    def job(self, text: str) -> None:
        text = _collapse(text)
        if len(text) > 300:
            text = text[:299] + "…"
        if text:
            self.jobs.append((self.line, text))

    def notice(self, make: Callable[[], str]) -> None:
        """Say what was changed, in the language of whoever reads the report (not the post's)."""
        with translation.override(self.report_language):
            self.notices.append((self.line + 1, make()))

    def job_list(self) -> list[str]:
        """Jobs in the order they appear in the text, each once."""
        seen: dict[str, None] = {}
        for _line, text in sorted(self.jobs, key=lambda job: job[0]):
            seen.setdefault(text, None)
        return list(seen)

    def at(self, token: Token) -> None:
        if token.map:
            self.line = token.map[0]

    def inline_html(self, children: list[Token]) -> str:
        renderer: Any = self.md.renderer  # the HTML renderer; the protocol type lacks renderInline
        return str(renderer.renderInline(children, self.md.options, self.env))

    def comments(self, content: str) -> str:
        """Drop HTML comments, keeping them as jobs; the first truncate becomes the marker."""
        if "<!--" not in content:
            return content

        def replace(match: re.Match[str]) -> str:
            body = match.group(1).strip()
            if body.lower() == "truncate":
                if self.truncated:
                    return ""
                self.truncated = True
                return _TRUNCATE_SENTINEL
            self.job(body)
            return ""

        return _COMMENT.sub(replace, content)

    def embeds(self, content: str) -> str:
        if "<iframe" in content.lower():
            content = _IFRAME_OPEN.sub(self.iframe, content)
            content = _IFRAME_CLOSE.sub("", content)
        if "<audio" in content.lower():
            content = _AUDIO.sub(self.audio_tag, content)
        if "</audio" in content.lower():
            content = _AUDIO_CLOSE.sub("", content)
        return content

    def iframe(self, match: re.Match[str]) -> str:
        attrs = _attrs(match.group(1))
        video = _video_from_url(attrs.get("src", ""))
        if video is None:
            return self.embed_link(attrs)
        title = ""
        for candidate in ("title", "alt", "aria-label", "data-title"):
            value = _collapse(attrs.get(candidate, ""))
            if not _GENERIC_TITLE.match(value):
                title = value
                break
        if not title:
            title = self.last_heading or _("%(provider)s video") % {
                "provider": video["provider_name"]
            }
        video["title"] = title
        video["duration"] = _parse_duration(attrs.get("data-duration") or attrs.get("duration", ""))
        self.videos.append(video)
        return _video_card(video)

    def embed_link(self, attrs: dict[str, str]) -> str:
        """Slides, documents and PDFs shown in a frame become a link to open them: no frame
        of another site runs in the page, and nothing of the post is lost."""
        src = (attrs.get("src") or "").strip()
        if src.startswith("//"):
            src = "https:" + src
        kind = _embed_kind(src)
        title = _collapse(attrs.get("title", ""))
        if _GENERIC_TITLE.match(title):
            title = ""
        if kind is None:

            def replaced() -> str:
                return _(
                    "An embedded frame was replaced by a link (only YouTube and Vimeo play "
                    "here): %(src)s"
                ) % {"src": src or "?"}

            self.notice(replaced)
            self.job(replaced())
            if not src or _scheme(src) not in ("", "http", "https"):
                return ""
            kind = urlsplit(src).hostname or _("Embedded content")
        else:
            self.notice(
                lambda: (
                    _("An embedded %(kind)s is shown as a link: %(src)s")
                    % {"kind": kind, "src": src}
                )
            )
        label = title or self.last_heading or _("Open: %(kind)s") % {"kind": kind}
        return format_html(
            '\n<p class="embed-link"><a class="embed" href="{}">{}</a>'
            ' <span class="file-kind">({})</span></p>\n',
            src,
            label,
            kind,
        )

    def audio_tag(self, match: re.Match[str]) -> str:
        attrs = _attrs(match.group(1))
        src = attrs.get("src", "")
        if not src:
            for source in _SOURCE.finditer(match.group(2) or ""):
                src = _attrs(source.group(1)).get("src", "")
                if src:
                    break
        if not src:
            return ""
        label = attrs.get("title") or attrs.get("aria-label") or attrs.get("data-label", "")
        return self.audio_figure(src, label=label, transcript=attrs.get("data-transcript"))

    def media(self, path: str) -> str:
        path = path.strip()
        if self.media_url is not None and _scheme(path) == "" and _is_local_path(path):
            return self.media_url(unquote(path)) or ""
        return path

    def audio_figure(self, src: str, *, label: str = "", transcript: str | None = None) -> str:
        original = src
        if transcript and re.match(r"^\S+$", transcript.strip()):
            transcript = self.media(transcript)
        src = self.media(src)
        if not src:
            self.job(_("Audio file not found: %(src)s") % {"src": unquote(original)})
            return ""
        return _audio_figure(src, label=label, transcript=transcript)

    # -- passes --------------------------------------------------------------

    def raw_html(self, tokens: list[Token]) -> list[Token]:
        """Comments, iframes and audio in raw HTML, both block and inline."""
        kept: list[Token] = []
        skip_close = False
        for token in tokens:
            if skip_close and token.type == "paragraph_close":
                skip_close = False
                continue
            self.at(token)
            if token.type == "heading_open":
                self.last_heading = ""
            if token.type == "inline" and kept and kept[-1].type == "heading_open":
                self.last_heading = _collapse(_plain(token.children))
            if token.type == "html_block":
                token.content = self.embeds(self.comments(token.content))
                if not token.content.strip():
                    continue
            elif token.type == "inline" and token.children and "<" in token.content:
                for child in token.children:
                    if child.type == "html_inline":
                        child.content = self.embeds(self.comments(child.content))
                if kept and kept[-1].type == "paragraph_open" and _only_blocks(token.children):
                    # `<audio ...>` alone on its lines: the figure must not sit in a <p>.
                    kept[-1] = _html_token("".join(c.content for c in token.children))
                    skip_close = True
                    continue
            kept.append(token)
        return kept

    def notes(self, tokens: list[Token]) -> list[Token]:
        """Editors' notes and spacer lines out of paragraphs; empty paragraphs dropped."""
        drop: set[int] = set()
        for index, token in enumerate(tokens):
            if token.type != "inline" or not token.children:
                continue
            if index == 0 or tokens[index - 1].type != "paragraph_open":
                continue
            if not _may_hold_notes(token.content):
                continue
            self.at(token)
            children = token.children
            image = _first_image(children)
            breaks = [c for c in children if c.type in ("softbreak", "hardbreak")]
            kept_lines: list[list[Token]] = []
            changed = False
            for line in _lines(children):
                text = _collapse(_plain(line))
                meaningful = _meaningful(line)
                only_text = all(
                    t.type in ("text", "strong_open", "strong_close", "em_open", "em_close")
                    for t in meaningful
                )
                if only_text and _JUNK_LINE.match(text):
                    changed = True
                    continue
                note = self.note_text(line, text)
                if note is not None:
                    if image is not None and _NOTE.match(note):
                        note = f"{note} ({unquote(str(image.attrGet('src') or ''))})"
                    self.job(note)
                    changed = True
                    continue
                kept_lines.append(line)
            if not changed:
                continue
            if not kept_lines:
                drop.update((index - 1, index, index + 1))
                continue
            rebuilt: list[Token] = []
            for position, line in enumerate(kept_lines):
                if position:
                    rebuilt.append(breaks[0] if breaks else Token("softbreak", "br", 0))
                rebuilt.extend(line)
            token.children = rebuilt
        return [t for i, t in enumerate(tokens) if i not in drop]

    @staticmethod
    def note_text(line: list[Token], text: str) -> str | None:
        if not text:
            return None
        if _JOB_PREFIX_ANY.match(text):
            return _JOB_PREFIX_ANY.sub("", text, count=1) or text
        if not _is_wrapped(line):
            return None
        if _JOB_PREFIX_EMPHASISED.match(text):
            return _JOB_PREFIX_EMPHASISED.sub("", text, count=1) or text
        if _NOTE.match(text):
            return text
        return None

    def files(self, tokens: list[Token]) -> list[Token]:
        """`![plan](./plan.svg)`, `![slides](./talk.pdf)`: a link to the file, not a picture
        (a PDF is no image; an SVG is served as a download, never drawn inside the page)."""
        for token in tokens:
            if token.type != "inline" or not token.children or "![" not in token.content:
                continue
            for position, child in enumerate(token.children):
                if child.type != "image":
                    continue
                src = str(child.attrGet("src") or "")
                kind = _file_kind(src)
                if kind is None:
                    continue
                self.at(token)
                label = _collapse(_plain(child.children)) or posixpath.basename(
                    unquote(src.split("?")[0])
                )
                link = Token("html_inline", "", 0)
                link.content = format_html(
                    '<a class="post-file" href="{}">{}</a> <span class="file-kind">({})</span>',
                    src,
                    label,
                    kind,
                )
                token.children[position] = link
                self.notice(functools.partial(_file_notice, kind, src))
        return tokens

    def figures(self, tokens: list[Token]) -> list[Token]:
        """A paragraph holding only an image (maybe linked) becomes a <figure>."""
        out: list[Token] = []
        index = 0
        while index < len(tokens):
            token = tokens[index]
            if (
                token.type == "paragraph_open"
                and index + 2 < len(tokens)
                and tokens[index + 1].type == "inline"
            ):
                consumed = self.figure(tokens, index)
                if consumed:
                    figure_html, length = consumed
                    out.append(_html_token(figure_html, token.level))
                    index += length
                    continue
            out.append(token)
            index += 1
        return out

    def figure(self, tokens: list[Token], index: int) -> tuple[str, int] | None:
        if "![" not in tokens[index + 1].content:
            return None
        lines = _lines(tokens[index + 1].children or [])
        picture = _meaningful(lines[0])
        types = [t.type for t in picture]
        if types not in (["image"], ["link_open", "image", "link_close"]):
            return None
        image = picture[types.index("image")]
        caption_html = ""
        length = 3
        title = str(image.attrGet("title") or "").strip()
        if len(lines) > 2:
            return None
        if len(lines) == 2:
            # "![](a.png)\n*A caption*": an italic line right under the image.
            if title or not _is_wrapped(lines[1], ("em",)):
                return None
            caption_html = self.inline_html(_meaningful(lines[1])[1:-1])
        elif title:
            caption = _BARE_URL.sub(r"<\g<0>>", _unwrap_emphasis(title))
            caption_html = self.md.renderInline(caption, self.env).strip()
        elif (
            index + 5 < len(tokens)
            and tokens[index + 3].type == "paragraph_open"
            and tokens[index + 4].type == "inline"
            and len(_lines(tokens[index + 4].children or [])) == 1
            and _is_wrapped(tokens[index + 4].children or [], ("em",))
            and len(_plain(tokens[index + 4].children)) <= 300
        ):
            # ... or an italic paragraph right after it.
            caption_html = self.inline_html(_meaningful(tokens[index + 4].children or [])[1:-1])
            length = 6
        if title:
            attrs = dict(image.attrs)
            attrs.pop("title", None)
            image.attrs = attrs
        linked = types[0] == "link_open"
        if caption_html and not linked and _plain(image.children).strip().lower() in _GENERIC_ALTS:
            # The caption says what the picture shows; "image" as alt text says nothing.
            image.children = []
            image.content = ""
        body = self.inline_html(picture)
        caption = f"<figcaption>{caption_html}</figcaption>" if caption_html else ""
        return f'<figure class="post-figure">{body}{caption}</figure>\n', length

    def blocks(self, tokens: list[Token]) -> list[Token]:
        """Containers (:::citation, admonitions) and > quotes."""
        index = 0
        while index < len(tokens):
            token = tokens[index]
            if token.type == "container_box_open":
                self.container(tokens, index)
            elif token.type == "blockquote_open":
                self.blockquote(tokens, index)
            index += 1
        return [t for t in tokens if t.type != "removed"]

    def container(self, tokens: list[Token], index: int) -> None:
        opener = tokens[index]
        close = _matching_close(tokens, index)
        match = re.match(r"^\s*([A-Za-z][\w-]*)\s*(?:\[(.*)\]|(.*))$", opener.info)
        name = (match.group(1) if match else "").lower()
        extra = _collapse((match.group(2) or match.group(3) or "") if match else "")
        if name in ("citation", "quote", "cite"):
            attribution = self.attribution(tokens, index, close, strict=False)
            if not attribution and extra:
                attribution = html_lib.escape(extra)
            tokens[index] = _html_token('<figure class="citation"><blockquote class="quote">\n')
            tokens[close] = _html_token(self.citation_close(attribution))
        elif name in _ADMONITIONS:
            label = html_lib.escape(extra) if extra else _admonition_label(name)
            tokens[index] = _html_token(
                f'<aside class="admonition admonition-{name}">'
                f'<p class="admonition-title">{label}</p>\n'
            )
            tokens[close] = _html_token("</aside>\n")

    def blockquote(self, tokens: list[Token], index: int) -> None:
        close = _matching_close(tokens, index)
        attribution = self.attribution(tokens, index, close, strict=True)
        if attribution:
            tokens[index] = _html_token('<figure class="citation"><blockquote class="quote">\n')
            tokens[close] = _html_token(self.citation_close(attribution))
        else:
            tokens[index].attrSet("class", "quote")

    @staticmethod
    def citation_close(attribution: str) -> str:
        caption = (
            f'<figcaption class="citation-attribution">{attribution}</figcaption>'
            if attribution
            else ""
        )
        return f"</blockquote>{caption}</figure>\n"

    def attribution(self, tokens: list[Token], start: int, close: int, *, strict: bool) -> str:
        """Take the attribution line off the end of a quote; '' when there is none.

        The last line is the attribution when it starts with a dash; in a
        `:::citation` also when the line before ends with a closing quotation mark
        or the line is short (a name, an organisation).
        """
        inline_positions = [
            i
            for i in range(start + 1, close)
            if tokens[i].type == "inline" and tokens[i - 1].type == "paragraph_open"
        ]
        if not inline_positions:
            return ""
        last = tokens[inline_positions[-1]]
        lines = _lines(last.children or [])
        if len(lines) >= 2:
            candidate, before = lines[-1], _plain([t for line in lines[:-1] for t in line])
            whole_paragraph = False
        elif len(inline_positions) >= 2:
            candidate, before = lines[0], _plain(tokens[inline_positions[-2]].children)
            whole_paragraph = True
        else:
            return ""
        text = _collapse(_plain(candidate))
        if not text or len(text) > 120:
            return ""
        dashed = bool(_DASH_START.match(text))
        looks_like_a_name = len(text) <= 60 and not _SENTENCE_END.search(text)
        if not dashed and (strict or not (_CLOSING_QUOTE.search(before) or looks_like_a_name)):
            return ""
        candidate = _meaningful(candidate)
        if dashed and candidate and candidate[0].type == "text":
            first = candidate[0].copy()
            first.content = _DASH_START.sub("", first.content, count=1)
            candidate = [first, *candidate[1:]]
        attribution = self.inline_html(candidate).strip()
        if whole_paragraph:
            position = inline_positions[-1]
            for offset in (-1, 0, 1):
                tokens[position + offset] = Token("removed", "", 0)
        else:
            children = last.children or []
            cut = max(i for i, c in enumerate(children) if c.type in ("softbreak", "hardbreak"))
            last.children = children[:cut]
        return attribution

    def headings(self, tokens: list[Token]) -> list[Token]:
        headings = [i for i, t in enumerate(tokens) if t.type == "heading_open"]
        drop: set[int] = set()
        if self.title and headings:
            first = headings[0]
            text = _plain(tokens[first + 1].children)
            if _comparable(text) and _comparable(text) == _comparable(self.title):
                # The page already shows the title in its own <h1>.
                drop.update((first, first + 1, first + 2))
        shift = any(tokens[i].tag == "h1" for i in headings if i not in drop)
        seen: dict[str, int] = {}
        for position in headings:
            if position in drop:
                continue
            opener, closer = tokens[position], tokens[position + 2]
            if shift:
                level = min(6, int(opener.tag[1]) + 1)
                opener.tag = closer.tag = f"h{level}"
            slug = _slug(_plain(tokens[position + 1].children))
            count = seen.get(slug, 0)
            seen[slug] = count + 1
            opener.attrSet("id", slug if not count else f"{slug}-{count + 1}")
        return [t for i, t in enumerate(tokens) if i not in drop]

    def rules(self, tokens: list[Token]) -> list[Token]:
        """An <hr> left at the very top, right after the excerpt or after another <hr> is
        the frame of the editors' notes block that was removed: drop it."""
        out: list[Token] = []
        for token in tokens:
            if token.type == "hr" and token.level == 0:
                previous = out[-1] if out else None
                if (
                    previous is None
                    or previous.type == "hr"
                    or (previous.type == "html_block" and previous.content == _TRUNCATE_SENTINEL)
                ):
                    continue
            out.append(token)
        return out

    # -- whole document ------------------------------------------------------

    def tokens(self, text: str) -> list[Token]:
        tokens = self.md.parse(text, self.env)
        tokens = self.raw_html(tokens)
        tokens = self.notes(tokens)
        tokens = self.files(tokens)
        tokens = self.figures(tokens)
        tokens = self.blocks(tokens)
        tokens = self.headings(tokens)
        # A truncate marker found inside a block: keep it as a block of its own.
        for token in tokens:
            if token.type == "html_block" and _TRUNCATE_SENTINEL in token.content:
                rest = token.content.replace(_TRUNCATE_SENTINEL, "").strip()
                token.content = _TRUNCATE_SENTINEL if not rest else token.content
        return self.rules(tokens)

    def repeated_images(self, raw: str) -> None:
        """The same picture shown twice is usually a placeholder left in: tell the editors."""
        sources = [html_lib.unescape(s) for s in _IMG_SRC.findall(raw)]
        self.line = 10**9
        for source in dict.fromkeys(sources):
            if sources.count(source) > 1:
                self.job(
                    _("The same image appears %(count)d times: %(src)s")
                    % {"count": sources.count(source), "src": unquote(source)}
                )

    def render(self, tokens: list[Token]) -> str:
        return self.md.renderer.render(tokens, self.md.options, self.env)


# A bare address in a caption ("Image: https://pixabay.com/...") becomes a link.
_BARE_URL = re.compile(r"(?<![<(\[\"'=])\bhttps?://[^\s<>\"'()\[\]]+[^\s<>\"'()\[\].,;:!?]")


def _unwrap_emphasis(text: str) -> str:
    """'**A caption**' -> 'A caption': editors bolded captions the old site hid."""
    match = re.match(r"^(\*\*|__|\*|_)(?P<inner>[^*_].*?)\1$", text.strip(), re.S)
    return match.group("inner") if match else text


def _text_of(html: str) -> str:
    if "video-card" in html or "audio" in html:
        html = _NOT_TEXT.sub("", html)
    html = _BLOCK_END.sub("\n", html)
    text = html_lib.unescape(_TAGS.sub("", html))
    lines = (_collapse(line) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _first_paragraph(tokens: list[Token]) -> Iterator[Token]:
    for index, token in enumerate(tokens):
        if token.type == "paragraph_open" and token.level == 0:
            yield from tokens[index : _matching_close(tokens, index) + 1]
            return


def render_post(
    markdown_text: str,
    *,
    image_url: Callable[[str], str] | None = None,
    audio: str | None = None,
    audio_transcript: str | None = None,
    language: str = "fr",
    title: str | None = None,
) -> RenderedPost:
    """Render a post body (front matter already removed by the caller).

    `image_url` maps a path relative to the post ("./img/a.png", percent-decoded)
    to its URL in media; it is used for images and audio (return "" or None for a
    file that is missing: the image loses its src, the audio player becomes a job). `audio` is the
    front-matter audio file (a path or URL), `audio_transcript` a URL or the
    transcript text. Labels ("Video", "Note"...) are in `language`. With `title`,
    a first heading repeating the post's title is dropped (the page shows it).
    """
    prepared = prepare_mdx((markdown_text or "").replace("\r\n", "\n"))
    body = prepared.text
    report_language = translation.get_language() or "fr"
    with translation.override(language):
        renderer = _Render(title=title, media_url=image_url, math="$" in body)
        renderer.report_language = report_language
        for comment in prepared.comments:
            renderer.job(comment)
        tokens = renderer.tokens(body)
        if audio:
            figure = _html_token(renderer.audio_figure(audio, transcript=audio_transcript))
            marker = next(
                (i for i, t in enumerate(tokens) if t.content == _TRUNCATE_SENTINEL), None
            )
            tokens.insert(marker + 1 if marker is not None else 0, figure)
        raw = renderer.render(tokens)
        renderer.repeated_images(raw)
        if _TRUNCATE_SENTINEL in raw:
            raw_excerpt = raw.split(_TRUNCATE_SENTINEL, 1)[0]
            raw = raw.replace(_TRUNCATE_SENTINEL, "")
        else:
            raw_excerpt = renderer.render(list(_first_paragraph(tokens)))
    clean = sanitise_post_html(raw, media_url=image_url).strip().replace(' class=""', "")
    excerpt = sanitise_post_html(raw_excerpt, media_url=image_url).strip().replace(' class=""', "")
    text = _text_of(clean)
    words = len(text.split())
    return RenderedPost(
        html=f'<div class="post-body">\n{clean}\n</div>' if clean else "",
        excerpt_html=f'<div class="post-body post-excerpt">{excerpt}</div>' if excerpt else "",
        jobs=renderer.job_list(),
        reading_minutes=max(1, math.ceil(words / WORDS_PER_MINUTE)),
        videos=renderer.videos,
        text=text,
        notices=sorted(
            [(n.line, n.text) for n in prepared.notices]
            + [(prepared.source_line(line), note) for line, note in renderer.notices]
        ),
    )


# ------------------------------------------------------------- what must not be left

_CODE_ELEMENTS = re.compile(
    r"<(pre|code)\b[^>]*>[\s\S]*?</\1>|<span class=\"math\">[\s\S]*?</span>"
    r"|<div class=\"math math-block\">[\s\S]*?</div>",
    re.I,
)
_LEFTOVERS = (
    ("admonition", re.compile(r":::")),
    ("fence", re.compile(r"```|~~~")),
    ("JSX expression", re.compile(r"\{\{|\}\}|\{/\*|\*/\}|=\{")),
    ("image syntax", re.compile(r"!\[[^\]]*\]\(")),
    ("link syntax", re.compile(r"\]\((?:https?:|\.|/|#)")),
    ("MDX import/export", re.compile(r"^\s*(?:import|export)\s+\S+.*(?:from\s+['\"]|=)", re.M)),
    ("tag shown as text", re.compile(r"</?[A-Za-z][\w.]*(?:\s[^<>]*)?/?>")),
    (
        "bold/italic markers",
        re.compile(r"(?<![\w*])\*\*\S[^*]*\*\*(?!\w)|(?<!\w)__\S[^_]*__(?!\w)"),
    ),
    ("heading marker", re.compile(r"^#{1,6}\s", re.M)),
    ("math delimiters", re.compile(r"\$\$|(?<![\w$])\$[^\s$][^$]*[^\s$]\$(?![\w$])")),
    ("className", re.compile(r"className=")),
    ("heading id", re.compile(r"\{#[\w-]+\}")),
    ("footnote reference", re.compile(r"\[\^[^\]]+\]")),
)


def syntax_left(html: str) -> list[str]:
    """Markdown or MDX a reader would see in this rendered page (code and formulas aside)."""
    text = html_lib.unescape(_TAGS.sub("\n", _CODE_ELEMENTS.sub(" ", html)))
    found = []
    for name, pattern in _LEFTOVERS:
        match = pattern.search(text)
        if match:
            found.append(f"{name}: {_collapse(match.group(0))[:60]}")
    return found
