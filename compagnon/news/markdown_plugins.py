"""Text-level clean-up done before markdown-it sees a blog post.

The club's posts come from a Docusaurus site, so they may carry MDX: `import` /
`export` lines, JSX attributes (`style={{...}}`, `className=`, `width={500}`) and
`{/* comments */}`. None of that is Markdown: left alone it would reach readers as
raw text. This module strips it, outside fenced code and inline code spans.
"""

from __future__ import annotations

import re

# A fence opens with 3+ backticks or tildes (up to 3 spaces of indent) and
# closes with the same character, at least as many times.
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
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
_CODE_SPAN = re.compile(r"(`+)[\s\S]*?\1")
_TAG = re.compile(r"<[A-Za-z][^<>]*>")
_JSX_DOUBLE = re.compile(r"\s[A-Za-z_:][\w:.-]*\s*=\s*\{\{[\s\S]*?\}\}")
_JSX_SINGLE = re.compile(r"\s[A-Za-z_:][\w:.-]*\s*=\s*\{[^{}]*\}")
_JSX_COMMENT = re.compile(r"\{/\*([\s\S]*?)\*/\}")
_CLASSNAME = re.compile(r"\bclassName(\s*=)")


def _clean_tag(match: re.Match[str]) -> str:
    tag = match.group(0)
    if "{" not in tag and "className" not in tag:
        return tag
    tag = _JSX_DOUBLE.sub("", tag)
    tag = _JSX_SINGLE.sub("", tag)
    return _CLASSNAME.sub(r"class\1", tag)


def _clean_prose(text: str, comments: list[str]) -> str:
    """Clean a run of text that holds no fenced code, sparing inline code spans."""
    out: list[str] = []
    last = 0
    for span in _CODE_SPAN.finditer(text):
        out.append(_clean_outside_code(text[last : span.start()], comments))
        out.append(span.group(0))
        last = span.end()
    out.append(_clean_outside_code(text[last:], comments))
    return "".join(out)


def _clean_outside_code(text: str, comments: list[str]) -> str:
    if "{/*" in text:

        def keep_comment(match: re.Match[str]) -> str:
            comments.append(match.group(1))
            return ""

        text = _JSX_COMMENT.sub(keep_comment, text)
    if "{" in text or "className" in text:
        text = _TAG.sub(_clean_tag, text)
    return text


def strip_mdx(text: str) -> tuple[str, list[str]]:
    """Remove MDX leftovers; return the text and the JSX comments found in it."""
    comments: list[str] = []
    if (
        "import" not in text
        and "export" not in text
        and "{" not in text
        and "className" not in text
    ):
        return text, comments
    out: list[str] = []
    prose: list[str] = []
    fence: str | None = None
    for line in text.splitlines(keepends=True):
        opener = _FENCE.match(line)
        if fence is None:
            if opener:
                out.append(_clean_prose("".join(prose), comments))
                prose = []
                fence = opener.group(1)
                out.append(line)
            elif _MDX_LINE.match(line):
                continue
            else:
                prose.append(line)
        else:
            out.append(line)
            if (
                opener
                and opener.group(1)[0] == fence[0]
                and len(opener.group(1)) >= len(fence)
                and not line.strip().lstrip(fence[0])
            ):
                fence = None
    out.append(_clean_prose("".join(prose), comments))
    return "".join(out), comments
