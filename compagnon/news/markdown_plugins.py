"""Text-level clean-up done before markdown-it sees a blog post.

The club's posts come from a Docusaurus site, so they may carry MDX: `import` /
`export` lines, JSX attributes (`style={{...}}`, `className=`, `width={500}`),
`{/* comments */}`, components (`<Tabs>`, `<TabItem>`, `<Highlight>`...), image
sources written as `{require('./a.png').default}`, `{useBaseUrl('/img/a.png')}` or an
imported name, heading ids `{#id}`, `mdx-code-block` fences. None of that is Markdown:
left alone it would reach readers as raw text. This module rewrites it, outside fenced
code and inline code spans, and says what it did, line by line (`Notice`), so an import
can tell the editor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

# A fence opens with 3+ backticks or tildes (up to 3 spaces of indent) and
# closes with the same character, at least as many times.
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})\s*([\w-]*)")
_MDX_LINE = re.compile(
    r"""^\s*(?:
        import\s+[^\n]*?\bfrom\s+['"][^'"\n]+['"]\s*;?
      | import\s+['"][^'"\n]+['"]\s*;?
      | export\s+(?:default\s+)?(?:const|let|var|function|class|async)\b[^\n]*
      | export\s+\{[^\n]*\}\s*;?
      | export\s+default\b[^\n]*
    )\s*$""",
    re.VERBOSE,
)
_IMPORT_ASSET = re.compile(
    r"""^\s*import\s+([A-Za-z_$][\w$]*)\s+from\s+['"]([^'"\n]+\.[A-Za-z0-9]{2,5})['"]\s*;?\s*$"""
)
_CODE_SPAN = re.compile(r"(`+)[\s\S]*?\1")
_TAG = re.compile(r"<[A-Za-z][^<>]*>")
_JSX_DOUBLE = re.compile(r"\s[A-Za-z_:][\w:.-]*\s*=\s*\{\{[\s\S]*?\}\}")
_JSX_SINGLE = re.compile(r"\s[A-Za-z_:][\w:.-]*\s*=\s*\{[^{}]*\}")
_JSX_COMMENT = re.compile(r"\{/\*([\s\S]*?)\*/\}")
_JSX_STRING = re.compile(r"""\{\s*(?:'([^'\n]*)'|"([^"\n]*)"|`([^`\n]*)`)\s*\}""")
_CLASSNAME = re.compile(r"\bclassName(\s*=)")
# src={require('./a.png').default}, src={useBaseUrl('/img/a.png')}, src={pic}
_REQUIRE = re.compile(
    r"""=\s*\{\s*(?:require|useBaseUrl)\s*\(\s*['"]([^'"\n]+)['"]\s*\)(?:\s*\.\s*default)?\s*\}"""
)
_BARE_REQUIRE = re.compile(
    r"""\{?\s*(?:require|useBaseUrl)\s*\(\s*['"]([^'"\n]+)['"]\s*\)(?:\s*\.\s*default)?\s*\}?"""
)
_NAME_VALUE = re.compile(r"""=\s*\{\s*([A-Za-z_$][\w$]*)\s*\}""")
_HEADING_ID = re.compile(r"^(\s{0,3}#{1,6}\s.*?)\s*\{#[\w:.-]+\}\s*$")
# A JSX component: a tag whose name starts with a capital letter.
_COMPONENT = re.compile(r"<(/?)([A-Z][\w.]*)((?:\s[^<>]*?)?)\s*(/?)>")
_ATTRIBUTE = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|\{\s*['"]([^'"]*)['"]\s*\})""")
_OPEN_TAG_AT_END = re.compile(r"<[A-Za-z][^<>`]*$")
_TRUNCATE_JSX = re.compile(r"^\s*truncate\s*$", re.I)
_MDX_CODE_BLOCK = "mdx-code-block"


@dataclass
class Notice:
    """What the clean-up did at one line (1-based, in the text it was given)."""

    line: int
    text: str


@dataclass
class Prepared:
    text: str
    comments: list[str] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    # line_map[i]: the line (1-based) of the given text that line i+1 of `text` came from.
    line_map: list[int] = field(default_factory=list)

    def source_line(self, line: int) -> int:
        """The line of the original text for a (1-based) line of the prepared text."""
        if not self.line_map:
            return line
        return self.line_map[min(max(line, 1), len(self.line_map)) - 1]


def _clean_tag(match: re.Match[str]) -> str:
    tag = match.group(0)
    if "{" not in tag and "className" not in tag:
        return tag
    tag = _JSX_DOUBLE.sub("", tag)
    tag = _JSX_SINGLE.sub("", tag)
    return _CLASSNAME.sub(r"class\1", tag)


def _attributes(text: str) -> dict[str, str]:
    return {
        m.group(1): next(g for g in m.groups()[1:] if g is not None)
        for m in _ATTRIBUTE.finditer(text)
    }


class _Cleaner:
    def __init__(self) -> None:
        self.comments: list[str] = []
        self.notices: list[Notice] = []
        self.assets: dict[str, str] = {}
        self.line = 1
        self.warned: set[tuple[int, str]] = set()

    def notice(self, text: str, line: int | None = None) -> None:
        key = (line or self.line, text)
        if key not in self.warned:
            self.warned.add(key)
            self.notices.append(Notice(line or self.line, text))

    # -- a run of prose (no fenced code), line by line ---------------------------

    def prose_line(self, line: str) -> str:
        out: list[str] = []
        last = 0
        for span in _CODE_SPAN.finditer(line):
            out.append(self.outside_code(line[last : span.start()]))
            out.append(span.group(0))
            last = span.end()
        out.append(self.outside_code(line[last:]))
        return "".join(out)

    def outside_code(self, text: str) -> str:
        if "{/*" in text:

            def keep_comment(match: re.Match[str]) -> str:
                body = match.group(1).strip()
                if _TRUNCATE_JSX.match(body):
                    return "<!--truncate-->"
                self.comments.append(body)
                return ""

            text = _JSX_COMMENT.sub(keep_comment, text)
        if "require(" in text or "useBaseUrl(" in text:
            text = _REQUIRE.sub(lambda m: f'="{m.group(1)}"', text)
            text = _BARE_REQUIRE.sub(lambda m: m.group(1), text)
        if self.assets and "{" in text:
            text = _NAME_VALUE.sub(
                lambda m: f'="{self.assets[m.group(1)]}"' if m.group(1) in self.assets else m[0],
                text,
            )
        if "<" in text and _COMPONENT.search(text):
            text = _COMPONENT.sub(self.component, text)
        if "{" in text or "className" in text:
            text = _TAG.sub(_clean_tag, text)
        if "{" in text:
            text = _JSX_STRING.sub(lambda m: next(g for g in m.groups() if g is not None), text)
        return text

    def component(self, match: re.Match[str]) -> str:
        closing, name, attributes, self_closing = match.groups()
        base = name.split(".")[-1]
        attrs = _attributes(attributes or "")
        if base == "Tabs":
            if not closing:
                self.notice(_("Tabs shown one after the other."))
            return "\n</div>\n\n" if closing else '\n\n<div class="tabs">\n'
        if base == "TabItem":
            if closing:
                return "\n\n</section>\n"
            label = attrs.get("label") or attrs.get("value") or ""
            label_html = (
                f'<p class="tab-label"><strong>{_escape(label)}</strong></p>' if label else ""
            )
            return f'\n<section class="tab-panel">{label_html}\n\n'
        if base in ("Details", "details"):
            summary = attrs.get("summary", "")
            if closing:
                return "\n\n</details>\n"
            return f"\n<details><summary>{_escape(summary)}</summary>\n\n"
        if not closing:
            self.notice(
                _("Unknown component <%(name)s> removed; its text is kept.") % {"name": name}
            )
        if self_closing:
            kept = attrs.get("title") or attrs.get("label") or attrs.get("alt") or ""
            return _escape(kept)
        return ""


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def prepare_mdx(text: str) -> Prepared:
    """Rewrite MDX into Markdown + HTML; return the text, JSX comments and notices."""
    if not any(sign in text for sign in ("import", "export", "{", "className", "<")):
        return Prepared(text)
    cleaner = _Cleaner()
    out: list[str] = []
    origins: list[int] = []
    fence: str | None = None
    unwrap = False
    lines = text.splitlines(keepends=True)
    pending: list[str] = []  # the lines of a tag written over several lines
    for number, line in enumerate(lines, start=1):
        origins.extend([number - 1] * (len(out) - len(origins)))
        cleaner.line = number
        opener = _FENCE.match(line)
        if pending or (fence is None and not opener and _OPEN_TAG_AT_END.search(line)):
            pending.append(line)
            if _OPEN_TAG_AT_END.search("".join(pending)) and len(pending) < 40:
                continue
            line = " ".join(part.rstrip("\n") for part in pending) + "\n"
            cleaner.line = number - len(pending) + 1
            pending = []
            opener = None
        if fence is None:
            if opener:
                fence = opener.group(1)
                if opener.group(2) == _MDX_CODE_BLOCK:
                    # Docusaurus's wrapper for JSX written in Markdown: its content is MDX.
                    unwrap = True
                    continue
                out.append(line)
                continue
            asset = _IMPORT_ASSET.match(line)
            if asset:
                cleaner.assets[asset.group(1)] = asset.group(2)
            if _MDX_LINE.match(line):
                cleaner.notice(_("MDX line removed: %(line)s") % {"line": line.strip()[:80]})
                continue
            heading = _HEADING_ID.match(line)
            if heading:
                line = heading.group(1) + "\n"
            out.append(cleaner.prose_line(line))
        else:
            closes = (
                opener
                and opener.group(1)[0] == fence[0]
                and len(opener.group(1)) >= len(fence)
                and not line.strip().lstrip(fence[0])
            )
            if closes:
                fence = None
                if unwrap:
                    unwrap = False
                    continue
                out.append(line)
            elif unwrap:
                if _MDX_LINE.match(line):
                    continue
                out.append(cleaner.prose_line(line))
            else:
                out.append(line)
    if pending:
        out.append(cleaner.prose_line("".join(pending)))
    origins.extend([len(lines)] * (len(out) - len(origins)))
    line_map: list[int] = []
    for chunk, origin in zip(out, origins, strict=True):
        line_map.extend([origin] * (chunk.count("\n") or 1))
    return Prepared("".join(out), cleaner.comments, cleaner.notices, line_map)


def strip_mdx(text: str) -> tuple[str, list[str]]:
    """Remove MDX leftovers; return the text and the JSX comments found in it."""
    prepared = prepare_mdx(text)
    return prepared.text, prepared.comments
