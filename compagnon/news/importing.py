"""Import a Docusaurus site's blog as it is: the site root, its `blog/` folder, or a zip of either.

What Docusaurus reads, this reads (docs/news.md, "Import rules"):

- posts: every `*.md` / `*.mdx` under `blog/` (files and folders starting with `_` are
  skipped, as Docusaurus skips them), including folder posts `YYYY-MM-DD-slug/index.md`;
- images and linked files (PDF, SVG...) resolved as Docusaurus resolves them: relative to
  the post, then from `static/` (`/img/a.png`, `img/a.png`, `@site/static/...`,
  `require('./a.png').default`, `useBaseUrl('/img/a.png')`, an imported name);
- authors from `blog/authors.yml` or the front matter (`author`, `authors`, `author_title`,
  `author_url`, `author_image_url`); links may be `mailto:` or relative;
- `tags` as a list or a string (labels from `blog/tags.yml`), `slug`, `date` (else the file
  or folder name), `draft`, `unlisted`, `keywords`, `description`, `image` /
  `header_image_url` as the cover.

A detail never refuses a whole post: an odd field, a missing or broken image, an unknown
component is reported (file, line, what was done) and the post is imported. Only a post
with neither title nor text, or with a broken front-matter block, is refused, with the
line and the reason. A post is matched by slug, so importing twice updates, never
duplicates. `dry_run=True` reads and renders everything and writes nothing.

A zip is read in memory, never extracted: paths that leave the archive (zip-slip) are
refused, and so are archives whose uncompressed size or compression ratio give them away
as bombs.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from compagnon.news.markdown_plugins import prepare_mdx
from compagnon.news.models import (
    FILE_MAX_BYTES,
    IMAGE_MAX_BYTES,
    Language,
    Post,
    PostStatus,
    validate_author_link,
)
from compagnon.news.rendering import render_post, syntax_left
from compagnon.news.services import (
    PostData,
    author_get_or_create,
    author_image_set,
    check_image,
    normalise_path,
    post_create,
    post_file_add,
    post_header_image_set,
    post_image_add,
    post_rendering,
    post_update,
)

POST_SUFFIXES = (".md", ".mdx", ".markdown")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp")
FILE_SUFFIXES = (
    ".pdf", ".svg", ".mp3", ".ogg", ".m4a", ".wav", ".csv", ".ipynb", ".zip", ".pptx",
    ".docx", ".xlsx", ".odp", ".odt", ".ods", ".txt",
)  # fmt: skip
ZIP_MAX_MEMBERS = 2000
ZIP_MAX_TOTAL_BYTES = 200 * 1024 * 1024
ZIP_MAX_RATIO = 100
POST_MAX_BYTES = 2 * 1024 * 1024
SKIPPED_FOLDERS = {"node_modules", ".git", ".docusaurus", "build", "__MACOSX"}

_DATED_NAME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:-(.*))?$")
_DATED_PATH = re.compile(
    r"(?:^|/)(\d{4})[-/](\d{2})[-/](\d{2})[-/]([^/]+?)(?:/index)?\.(?:md|mdx|markdown)$"
)
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)")
_MD_LINK = re.compile(r"(?<!!)\[[^\]]*\]\(\s*<?([^)\s>]+)")
_HTML_REF = re.compile(
    r"<(?:img|audio|source|iframe|a|video|embed|object)\b[^>]*?\b(?:src|href|data)\s*=\s*[\"']([^\"']+)[\"']",
    re.I,
)
_FIRST_HEADING = re.compile(r"^\s{0,3}#\s+(.+?)\s*#*\s*$", re.M)

# Front-matter fields read here, or that only steer the old site's page and are skipped quietly.
_KNOWN_FIELDS = {
    "title", "slug", "date", "tags", "keywords", "description", "image", "header_image_url",
    "authors", "author", "author_title", "author_url", "author_image_url", "authorTitle",
    "authorURL", "authorImageURL", "author_imageURL", "draft", "unlisted", "language", "lang",
    "audio", "audio_transcript", "transcript", "id", "title_meta", "sidebar_label",
    "sidebar_position", "hide_table_of_contents", "toc_min_heading_level",
    "toc_max_heading_level", "pagination_next", "pagination_prev", "last_update",
    "custom_edit_url", "format", "sidebar_class_name", "sidebar_custom_props", "displayed_sidebar",
}  # fmt: skip


class ImportRefused(Exception):
    """The whole upload is refused (not a zip, a zip bomb...)."""


@dataclass(frozen=True)
class Notice:
    """One thing said about a file: at a line (1-based, in the file) when there is one."""

    line: int | None
    text: str

    def __str__(self) -> str:
        if self.line:
            return _("line %(line)d: %(text)s") % {"line": self.line, "text": self.text}
        return self.text


@dataclass
class FileReport:
    path: str
    slug: str = ""
    # "created", "updated", "error"; in a dry run "would-create" or "would-update".
    outcome: str = ""
    error: str = ""
    warnings: list[Notice] = field(default_factory=list)  # what was odd, and what was done
    changes: list[Notice] = field(default_factory=list)  # MDX rewritten or dropped on the way
    title: str = ""
    summary: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.outcome != "error"

    def warn(self, text: str, line: int | None = None) -> None:
        self.warnings.append(Notice(line, text))


@dataclass
class ImportReport:
    files: list[FileReport] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # about the upload (authors.yml...)
    dry_run: bool = False

    @property
    def created(self) -> int:
        return sum(1 for f in self.files if f.outcome in ("created", "would-create"))

    @property
    def updated(self) -> int:
        return sum(1 for f in self.files if f.outcome in ("updated", "would-update"))

    @property
    def errors(self) -> list[FileReport]:
        return [f for f in self.files if f.outcome == "error"]

    @property
    def warning_count(self) -> int:
        return sum(len(f.warnings) for f in self.files) + len(self.warnings)


# ------------------------------------------------------------------------ sources


class _Source:
    """Files of an upload by relative POSIX path; reading is lazy."""

    def __init__(
        self,
        sizes: dict[str, int],
        reader: Callable[[str], bytes],
        *,
        unsafe: list[str] | None = None,
        dates: dict[str, dt.date] | None = None,
    ):
        self.sizes = sizes
        self.read = reader
        self.unsafe = unsafe or []  # members refused by name (paths leaving the archive)
        self.dates = dates or {}
        self.layout = _Layout(sizes)

    def posts(self) -> list[str]:
        return self.layout.posts()

    def resolve(self, post_path: str, reference: str) -> str | None:
        return self.layout.resolve(post_path, reference)


class _Layout:
    """Where the blog, the static folder and the site root are in an upload."""

    def __init__(self, names: dict[str, int]):
        self.names = names
        prefix = ""
        for _round in range(3):
            tops = {n[len(prefix) :].split("/", 1)[0] for n in names if n.startswith(prefix)}
            loose = any("/" not in n[len(prefix) :] for n in names if n.startswith(prefix))
            if len(tops) == 1 and not loose and next(iter(tops)) not in ("blog", "static"):
                prefix += next(iter(tops)) + "/"
            else:
                break
        self.site: str | None = None
        if any(n.startswith(prefix + "blog/") and n.lower().endswith(POST_SUFFIXES) for n in names):
            self.site = prefix
            self.blog = prefix + "blog/"
        else:
            self.blog = prefix
        statics = [self.blog + "static/"]
        if self.site is not None:
            statics.insert(0, self.site + "static/")
        self.statics = [s for s in statics if any(n.startswith(s) for n in names)]

    def posts(self) -> list[str]:
        found = []
        for name in self.names:
            if not name.startswith(self.blog) or not name.lower().endswith(POST_SUFFIXES):
                continue
            inside = name[len(self.blog) :].split("/")
            if inside[0] == "static" or any(part.startswith(("_", ".")) for part in inside):
                continue
            found.append(name)
        return sorted(found)

    def resolve(self, post_path: str, reference: str) -> str | None:
        """The file a post's reference points to, looked up as Docusaurus does."""
        reference = reference.split("#")[0].split("?")[0].strip()
        if not reference:
            return None
        candidates: list[str] = []
        root = self.site if self.site is not None else self.blog
        if reference.startswith("@site/"):
            candidates.append(root + reference[len("@site/") :])
        elif reference.startswith("/"):
            candidates += [s + reference.lstrip("/") for s in self.statics]
            candidates += [root + reference.lstrip("/"), self.blog + reference.lstrip("/")]
        else:
            candidates.append(posixpath.join(posixpath.dirname(post_path), reference))
            bare = normalise_path(reference)
            candidates += [s + bare for s in self.statics]
            candidates += [self.blog + bare, root + bare]
        for candidate in candidates:
            clean = normalise_path(candidate)
            if clean in self.names:
                return clean
        return None

    def special(self, name: str) -> str | None:
        for suffix in (".yml", ".yaml"):
            path = f"{self.blog}{name}{suffix}"
            if path in self.names:
                return path
        return None


def _directory_source(root: Path) -> _Source:
    root = root.resolve()
    if root.name == "blog" and (root.parent / "static").is_dir():
        # The blog folder of a site: its pictures live in the static folder beside it.
        return _directory_source_of(root.parent, only=("blog", "static"))
    return _directory_source_of(root, only=None)


def _directory_source_of(root: Path, *, only: tuple[str, ...] | None) -> _Source:
    sizes: dict[str, int] = {}
    dates: dict[str, dt.date] = {}
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = [s for s in subfolders if s not in SKIPPED_FOLDERS]
        for name in files:
            path = Path(folder) / name
            if path.is_symlink() or not path.is_file():
                continue
            relative = path.relative_to(root).as_posix()
            if only is not None and relative.split("/", 1)[0] not in only:
                continue
            stat = path.stat()
            sizes[relative] = stat.st_size
            dates[relative] = dt.datetime.fromtimestamp(stat.st_mtime, tz=dt.UTC).date()
    return _Source(sizes, lambda name: (root / name).read_bytes(), dates=dates)


def _zip_source(data: bytes) -> _Source:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise ImportRefused(_("This file is not a zip archive.")) from None
    infos = [info for info in archive.infolist() if not info.is_dir()]
    if len(infos) > ZIP_MAX_MEMBERS:
        raise ImportRefused(
            _("The archive holds %(count)d files; at most %(max)d are accepted.")
            % {"count": len(infos), "max": ZIP_MAX_MEMBERS}
        )
    total = sum(info.file_size for info in infos)
    if total > ZIP_MAX_TOTAL_BYTES:
        raise ImportRefused(
            _("The archive would expand to %(size)d MB; at most %(max)d MB are accepted.")
            % {"size": total // (1024 * 1024), "max": ZIP_MAX_TOTAL_BYTES // (1024 * 1024)}
        )
    for info in infos:
        if info.file_size > 1024 * 1024 and info.file_size > ZIP_MAX_RATIO * max(
            info.compress_size, 1
        ):
            raise ImportRefused(
                _("%(name)s is compressed %(ratio)d times: this looks like a zip bomb.")
                % {"name": info.filename, "ratio": info.file_size // max(info.compress_size, 1)}
            )
    sizes: dict[str, int] = {}
    dates: dict[str, dt.date] = {}
    unsafe: list[str] = []
    by_clean: dict[str, str] = {}
    for info in infos:
        name = info.filename.replace("\\", "/")
        clean = posixpath.normpath(name)
        if name.startswith("/") or clean.startswith("..") or re.match(r"^[A-Za-z]:", name):
            unsafe.append(info.filename)
            continue
        if set(clean.split("/")) & SKIPPED_FOLDERS:
            continue
        sizes[clean] = info.file_size
        by_clean[clean] = info.filename
        with contextlib.suppress(ValueError):
            dates[clean] = dt.date(*info.date_time[:3])

    def read(name: str) -> bytes:
        info = archive.getinfo(by_clean[name])
        with archive.open(info) as handle:
            # Never trust the declared size: read at most one byte more than it.
            content = handle.read(info.file_size + 1)
        if len(content) > info.file_size:
            raise ValidationError(_("%(name)s is larger than declared.") % {"name": name})
        return content

    return _Source(sizes, read, unsafe=unsafe, dates=dates)


# --------------------------------------------------------------- site-wide files


@dataclass
class _Site:
    authors: dict[str, dict[str, Any]] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)


def _read_yaml_map(source: _Source, path: str | None, report: ImportReport) -> dict:
    if path is None:
        return {}
    try:
        loaded = yaml.safe_load(source.read(path).decode("utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        mark = getattr(error, "problem_mark", None)
        report.warnings.append(
            _("%(path)s could not be read (%(where)s%(reason)s); its entries are not used.")
            % {
                "path": path,
                "where": _("line %(line)d: ") % {"line": mark.line + 1} if mark else "",
                "reason": getattr(error, "problem", None) or str(error),
            }
        )
        return {}
    if not isinstance(loaded, dict):
        if loaded is not None:
            report.warnings.append(
                _("%(path)s is not a list of `key: value` entries; it is not used.")
                % {"path": path}
            )
        return {}
    return loaded


def _site(source: _Source, report: ImportReport) -> _Site:
    site = _Site()
    for key, value in _read_yaml_map(source, source.layout.special("authors"), report).items():
        if isinstance(value, dict):
            site.authors[str(key)] = value
    for key, value in _read_yaml_map(source, source.layout.special("tags"), report).items():
        label = value.get("label") if isinstance(value, dict) else value
        site.tags[str(key)] = str(label or key)
    return site


# --------------------------------------------------------------------- one file


def _date_and_name(path: str) -> tuple[dt.date | None, str]:
    stem = posixpath.splitext(posixpath.basename(path))[0]
    if stem == "index":
        stem = posixpath.basename(posixpath.dirname(path)) or stem
    match = _DATED_NAME.match(stem)
    if not match:
        nested = _DATED_PATH.search(path)  # blog/2021/03/23/name.md
        if nested:
            match = nested
        else:
            return None, stem
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3])), match[4] or stem
    except ValueError:
        return None, match[4] or stem


def _as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        for candidate in (text[:10], text.replace("/", "-")[:10]):
            try:
                return dt.date.fromisoformat(candidate)
            except ValueError:
                continue
        french = re.match(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$", text)
        if french:
            try:
                return dt.date(int(french[3]), int(french[2]), int(french[1]))
            except ValueError:
                return None
    return None


def _strings(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list | tuple):
        found = []
        for item in value:
            if isinstance(item, dict):
                item = item.get("label") or item.get("name") or ""
            if str(item).strip():
                found.append(str(item).strip())
        return found
    return [str(value)]


def _local(reference: str) -> bool:
    """A file of the upload (relative, /img/..., @site/...), not a web address or an anchor."""
    return bool(reference) and not re.match(r"^(?:[a-z][a-z0-9+.-]*:|//|#|\?)", reference, re.I)


def _line_of(text: str, needle: str, offset: int) -> int | None:
    position = text.find(needle)
    if position < 0:
        return None
    return text.count("\n", 0, position) + 1 + offset


def _guess_language(text: str) -> str:
    words = re.findall(r"[a-zàâçéèêëîïôûùüÿœ']+", text.lower())[:600]
    french = sum(w in _FR_WORDS for w in words)
    english = sum(w in _EN_WORDS for w in words)
    return Language.EN if english > french else Language.FR


_FR_WORDS = set(["le", "la", "les", "des", "est", "et", "une", "un", "du", "pour", "dans", "que", "qui", "sur", "avec", "pas", "nous", "vous", "au", "aux", "ce", "cette", "sont"])  # fmt: skip
_EN_WORDS = set(["the", "and", "is", "of", "to", "in", "that", "for", "with", "on", "are", "this", "we", "you", "it", "be", "was", "as", "by", "our"])  # fmt: skip


@dataclass
class _Author:
    name: str
    title: str = ""
    url: str = ""
    image_url: str = ""
    image_path: str = ""  # a picture of the upload, stored as the author's image


@dataclass
class _Parsed:
    data: PostData
    authors: list[_Author]
    images: dict[str, bytes]  # normalised path as the post writes it -> content
    files: dict[str, bytes]
    header: str  # normalised path of the cover image, "" when none
    draft: bool
    author_images: dict[str, bytes] = field(default_factory=dict)
    offset: int = 0  # lines of the file before the first line of `data.body`


class _Refused(Exception):
    def __init__(self, reason: str, line: int | None = None):
        super().__init__(reason)
        self.notice = Notice(line, reason)


def _split_front_matter(text: str) -> tuple[dict, str, int]:
    """(front matter, body, lines before the body); _Refused when the block is broken."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, text, 0
    closing = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if closing is None:
        raise _Refused(_("The front matter opened here is never closed by a '---' line."), 1)
    block = "\n".join(lines[1:closing])
    try:
        meta = yaml.safe_load(block) if block.strip() else {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or _("not valid YAML")
        raise _Refused(
            _("The front matter is not valid YAML: %(problem)s.") % {"problem": problem},
            (mark.line + 2) if mark else 1,
        ) from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise _Refused(_("The front matter is not a list of `name: value` lines."), 2)
    return meta, "\n".join(lines[closing + 1 :]), closing + 1


def _field_line(text: str, name: str) -> int | None:
    match = re.search(rf"^{re.escape(name)}\s*:", text, re.M)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _clean_link(value: str, report: FileReport, line: int | None, who: str) -> str:
    value = value.strip()
    if not value:
        return ""
    if value.lower().startswith("mailto:") or re.match(r"^https?://", value, re.I):
        try:
            validate_author_link(value)
            return value
        except ValidationError:
            pass
    elif re.match(r"^[\w.+-]+@[\w-]+(\.[\w-]+)+$", value):
        return f"mailto:{value}"
    if _local(value):
        report.warn(
            _("The link of %(who)s, %(url)s, points into the old site; it is left out.")
            % {"who": who, "url": value},
            line,
        )
    else:
        report.warn(
            _("The link of %(who)s, %(url)s, is not a web page or an e-mail; it is dropped.")
            % {"who": who, "url": value[:100]},
            line,
        )
    return ""


def _authors(meta: dict, site: _Site, report: FileReport, raw: str) -> list[_Author]:
    found: list[_Author] = []
    line = _field_line(raw, "authors") or _field_line(raw, "author")
    items = meta.get("authors")
    if isinstance(items, dict | str):
        items = [items]
    if items is not None and not isinstance(items, list):
        report.warn(_("'authors' is neither a name, a list nor an entry; it is ignored."), line)
        items = []
    for item in items or []:
        entry: dict[str, Any]
        if isinstance(item, str):
            key = item.strip()
            if key in site.authors:
                entry = site.authors[key]
            else:
                if site.authors:
                    report.warn(
                        _("The author %(key)s is not in authors.yml; the name is used as it is.")
                        % {"key": key},
                        line,
                    )
                entry = {"name": key}
        elif isinstance(item, dict):
            entry = dict(site.authors.get(str(item.get("key", "")), {}))
            entry.update(item)
        else:
            continue
        if entry.get("name"):
            found.append(_author_from(entry, report, line))
    if not found and meta.get("author"):
        found.append(
            _author_from(
                {
                    "name": meta.get("author"),
                    "title": meta.get("author_title") or meta.get("authorTitle"),
                    "url": meta.get("author_url") or meta.get("authorURL"),
                    "image_url": meta.get("author_image_url")
                    or meta.get("authorImageURL")
                    or meta.get("author_imageURL"),
                },
                report,
                _field_line(raw, "author"),
            )
        )
    return found


def _author_from(entry: dict[str, Any], report: FileReport, line: int | None) -> _Author:
    name = " ".join(str(entry.get("name") or "").split())
    if len(name) > 200:
        report.warn(_("The author's name is cut to 200 characters."), line)
        name = name[:200]
    title = " ".join(str(entry.get("title") or "").split())
    if len(title) > 300:
        report.warn(_("The author's title is cut to 300 characters."), line)
        title = title[:300]
    url = str(entry.get("url") or entry.get("page") or "")
    if not url and entry.get("email"):
        url = f"mailto:{str(entry['email']).strip()}"
    if not url:
        socials = entry.get("socials")
        if isinstance(socials, dict):
            url = next((str(v) for v in socials.values() if str(v).startswith("http")), "")
    author = _Author(name=name, title=title, url=_clean_link(url, report, line, name))
    image = str(entry.get("image_url") or entry.get("imageURL") or entry.get("image") or "")
    image = image.strip()
    if re.match(r"^https?://", image, re.I) and len(image) <= 500:
        author.image_url = image
    elif image and _local(image):
        author.image_path = image
    elif image:
        report.warn(
            _("The picture of %(who)s, %(url)s, is not a web address; it is left out.")
            % {"who": name, "url": image[:100]},
            line,
        )
    return author


def _references(body: str, meta: dict) -> list[str]:
    prepared = prepare_mdx(body).text
    found = [*_MD_IMAGE.findall(prepared), *_HTML_REF.findall(prepared)]
    found += [
        ref
        for ref in _MD_LINK.findall(prepared)
        if posixpath.splitext(ref.split("?")[0].split("#")[0])[1].lower()
        in IMAGE_SUFFIXES + FILE_SUFFIXES
    ]
    if meta.get("audio"):
        found.append(str(meta["audio"]))
    return [ref for ref in dict.fromkeys(found) if _local(ref)]


def _decode(raw: bytes, report: FileReport) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.warn(_("The file is not UTF-8; it was read as Windows-1252 (Western European)."))
        return raw.decode("cp1252", errors="replace")


def _parse(source: _Source, path: str, site: _Site, report: FileReport) -> _Parsed:
    raw_bytes = source.read(path)
    if len(raw_bytes) > POST_MAX_BYTES:
        raise _Refused(_("The file is over 2 MB; a post is text, is it the right file?"))
    text = _decode(raw_bytes, report).replace("\r\n", "\n")
    meta, body, offset = _split_front_matter(text)
    front = "\n".join(text.split("\n")[:offset])
    meta = {str(k): v for k, v in meta.items()}
    for name in meta:
        if name not in _KNOWN_FIELDS:
            report.warn(
                _("The front-matter field '%(name)s' is not used here; it is ignored.")
                % {"name": name},
                _field_line(front, name),
            )

    title_value = meta.get("title")
    title = " ".join(str(title_value).split()) if title_value not in (None, "") else ""
    if not title:
        heading = _FIRST_HEADING.search(body)
        if heading:
            title = heading.group(1).strip()
            report.warn(
                _("No title in the front matter: the first heading is used."),
                _line_of(body, heading.group(0), offset),
            )
    if not title and not body.strip():
        raise _Refused(_("The post has neither a title nor any text."))
    file_date, name = _date_and_name(path)
    if not title:
        title = name.replace("-", " ").replace("_", " ").strip().capitalize() or path
        report.warn(_("No title: it is made from the file name (%(title)s).") % {"title": title})
    if len(title) > 300:
        report.warn(_("The title is cut to 300 characters."), _field_line(front, "title"))
        title = title[:300]
    if not body.strip():
        report.warn(_("The post has a title but no text."))

    post_date = None
    if meta.get("date") not in (None, ""):
        post_date = _as_date(meta["date"])
        if post_date is None:
            report.warn(
                _("The date %(value)s cannot be read; the file name's date is used.")
                % {"value": str(meta["date"])[:40]},
                _field_line(front, "date"),
            )
    post_date = post_date or file_date
    if post_date is None:
        post_date = source.dates.get(path) or timezone.localdate()
        report.warn(
            _("No date in the front matter nor the file name: the file's date (%(date)s) is used.")
            % {"date": post_date.isoformat()}
        )

    slug_value = str(meta.get("slug") or "").strip().strip("/").replace("/", "-")
    slug = slugify(slug_value or name)[:200] or slugify(title)[:200]
    if not slug:
        slug = "post-" + post_date.strftime("%Y%m%d")
        report.warn(
            _("No slug could be made from the file name; %(slug)s is used.") % {"slug": slug}
        )
    elif slug_value and slugify(slug_value) != slug_value.lower():
        report.warn(
            _("The slug %(value)s becomes %(slug)s.") % {"value": slug_value, "slug": slug},
            _field_line(front, "slug"),
        )

    language = str(meta.get("language") or meta.get("lang") or "").lower()[:2]
    if language not in Language.values:
        language = _guess_language(f"{title}\n{body}")
        if meta.get("language") or meta.get("lang"):
            report.warn(
                _("Language %(value)s unknown here; the text reads as %(language)s.")
                % {"value": meta.get("language") or meta.get("lang"), "language": language}
            )

    keywords = ", ".join(_strings(meta.get("keywords")))
    keywords = ", ".join(k for k in keywords.split(", ") if k and k.strip("?"))[:500]
    tags = tuple(site.tags.get(tag, tag)[:80] for tag in _strings(meta.get("tags")))
    description = " ".join(str(meta.get("description") or "").split())
    if len(description) > 500:
        report.warn(
            _("The description is cut to 500 characters."), _field_line(front, "description")
        )
        description = description[:500]

    images: dict[str, bytes] = {}
    files: dict[str, bytes] = {}
    references = _references(body, meta)
    header_ref = str(meta.get("header_image_url") or meta.get("image") or "").strip()
    if header_ref and not _local(header_ref):
        report.warn(
            _("The cover %(url)s is on another site; it is not copied (no cover).")
            % {"url": header_ref[:100]},
            _field_line(front, "image") or _field_line(front, "header_image_url"),
        )
        header_ref = ""
    if header_ref:
        references.append(header_ref)
    for reference in dict.fromkeys(references):
        line = _line_of(body, reference, offset) or (
            _line_of(front, reference, 0) if reference == header_ref else None
        )
        found = source.resolve(path, reference)
        key = normalise_path(reference)
        suffix = posixpath.splitext(key)[1].lower()
        if found is None:
            report.warn(
                _("File not found: %(path)s (the post is imported without it).")
                % {"path": reference},
                line,
            )
            continue
        size = source.sizes[found]
        if suffix in IMAGE_SUFFIXES:
            if size > IMAGE_MAX_BYTES:
                report.warn(
                    _(
                        "The image %(path)s is %(size).1f MB; images may be at most 10 MB. "
                        "It is left out."
                    )
                    % {"path": reference, "size": size / 1024 / 1024},
                    line,
                )
                continue
            content = source.read(found)
            try:
                check_image(ContentFile(content, name=posixpath.basename(key)))
            except ValidationError as error:
                report.warn(" ".join(error.messages) + " " + _("It is left out."), line)
                continue
            images[key] = content
        elif suffix in FILE_SUFFIXES:
            if size > FILE_MAX_BYTES:
                report.warn(
                    _("The file %(path)s is over 20 MB; it is left out.") % {"path": reference},
                    line,
                )
                continue
            files[key] = source.read(found)
    authors = _authors(meta, site, report, front)
    author_images: dict[str, bytes] = {}
    for author in authors:
        if not author.image_path:
            continue
        found = source.resolve(path, author.image_path)
        if found is None or posixpath.splitext(found)[1].lower() not in IMAGE_SUFFIXES:
            report.warn(
                _("The picture of %(who)s, %(path)s, was not found; the author has none.")
                % {"who": author.name, "path": author.image_path}
            )
            author.image_path = ""
            continue
        author_images[author.image_path] = source.read(found)
    draft = meta.get("draft") is True or str(meta.get("draft")).lower() == "true"
    return _Parsed(
        data=PostData(
            slug=slug,
            title=title,
            date=post_date,
            language=language,
            description=description,
            body=body.strip("\n") + "\n",
            audio=str(meta.get("audio") or "")[:500],
            audio_transcript=str(meta.get("audio_transcript") or meta.get("transcript") or "")[
                :500
            ],
            tags=tags,
            keywords=keywords,
            unlisted=meta.get("unlisted") is True or str(meta.get("unlisted")).lower() == "true",
        ),
        authors=authors,
        images=images,
        files=files,
        header=normalise_path(header_ref)
        if header_ref and normalise_path(header_ref) in images
        else "",
        draft=draft,
        author_images=author_images,
        offset=offset + len(body) - len(body.lstrip("\n")),
    )


def _preview(parsed: _Parsed, entry: FileReport) -> None:
    """Render as the site will, with the files found: what changed, and what would be left."""
    known = set(parsed.images) | set(parsed.files)
    rendered = render_post(
        parsed.data.body,
        image_url=lambda p: (
            f"/media/preview/{normalise_path(p)}" if normalise_path(p) in known else ""
        ),
        language=parsed.data.language,
        title=parsed.data.title,
    )
    for line, text in rendered.notices:
        entry.changes.append(Notice(line + parsed.offset, text))
    for leftover in syntax_left(rendered.html):
        entry.warn(_("Markdown or MDX left in the page: %(text)s") % {"text": leftover})
    entry.summary = {
        "title": parsed.data.title,
        "date": parsed.data.date.isoformat(),
        "language": parsed.data.language,
        "authors": [a.name for a in parsed.authors],
        "tags": list(parsed.data.tags),
        "images": len(parsed.images),
        "files": len(parsed.files),
        "cover": bool(parsed.header),
        "status": "draft" if parsed.draft else "published",
        "unlisted": bool(parsed.data.unlisted),
        "jobs": len(rendered.jobs),
    }


def _save(parsed: _Parsed, *, path: str, publish: bool, entry: FileReport) -> tuple[Post, bool]:
    saved: list[Any] = []
    try:
        with transaction.atomic():
            authors = []
            for row in parsed.authors:
                author = author_get_or_create(
                    name=row.name, title=row.title, url=row.url, image_url=row.image_url
                )
                content = parsed.author_images.get(row.image_path)
                if content is not None:
                    author_image_set(
                        author=author,
                        upload=ContentFile(content, name=posixpath.basename(row.image_path)),
                    )
                authors.append(author)
            parsed.data.authors = tuple(authors)
            existing = Post.objects.filter(slug=parsed.data.slug).first()
            if existing is None:
                status = PostStatus.PUBLISHED if publish and not parsed.draft else PostStatus.DRAFT
                post = post_create(data=parsed.data, status=status, source_file=path)
            else:
                post = post_update(post=existing, data=parsed.data)
            header = None
            for source_path, content in parsed.images.items():
                upload = ContentFile(content, name=posixpath.basename(source_path))
                try:
                    with transaction.atomic():
                        image = post_image_add(post=post, upload=upload, source_path=source_path)
                except ValidationError as error:
                    entry.warn(" ".join(error.messages) + " " + _("It is left out."))
                    continue
                saved.append(image)
                if source_path == parsed.header:
                    header = image
            for source_path, content in parsed.files.items():
                upload = ContentFile(content, name=posixpath.basename(source_path))
                saved.append(post_file_add(post=post, upload=upload, source_path=source_path))
            if header is not None or existing is None:
                post_header_image_set(post=post, image=header)
            post_rendering(post)
    except Exception:
        for item in saved:
            item.file.delete(save=False)
        raise
    return post, existing is None


def _import(source: _Source, *, publish: bool, dry_run: bool = False) -> ImportReport:
    report = ImportReport(dry_run=dry_run)
    for name in source.unsafe:
        report.files.append(
            FileReport(
                path=name,
                outcome="error",
                error=_("Refused: this path leaves the archive's folder."),
            )
        )
    site = _site(source, report)
    seen: dict[str, str] = {}
    for path in source.posts():
        entry = FileReport(path=path)
        report.files.append(entry)
        try:
            parsed = _parse(source, path, site, entry)
            slug = parsed.data.slug
            if slug in seen:
                number = 2
                while f"{slug}-{number}" in seen:
                    number += 1
                parsed.data.slug = f"{slug}-{number}"
                entry.warn(
                    _(
                        "The slug %(slug)s is already used by %(other)s in this upload; "
                        "this post gets %(new)s."
                    )
                    % {"slug": slug, "other": seen[slug], "new": parsed.data.slug}
                )
            seen[parsed.data.slug] = path
            entry.slug, entry.title = parsed.data.slug, parsed.data.title
            _preview(parsed, entry)
            if dry_run:
                exists = Post.objects.filter(slug=parsed.data.slug).exists()
                entry.outcome = "would-update" if exists else "would-create"
                continue
            _post, created = _save(parsed, path=path, publish=publish, entry=entry)
            entry.outcome = "created" if created else "updated"
        except _Refused as refused:
            entry.outcome = "error"
            entry.error = str(refused.notice)
            entry.warnings, entry.changes = [], []
        except ValidationError as error:
            entry.outcome = "error"
            entry.error = " ".join(_messages(error))
            entry.warnings, entry.changes = [], []
    return report


def _messages(error: ValidationError) -> Iterator[str]:
    if hasattr(error, "error_dict"):
        for field_name, errors in error.message_dict.items():
            for message in errors:
                yield f"{field_name}: {message}"
    else:
        yield from error.messages


def import_directory(
    root: Path | str, *, publish: bool = True, dry_run: bool = False
) -> ImportReport:
    root = Path(root)
    if not root.is_dir():
        raise ImportRefused(_("%(path)s is not a folder.") % {"path": root})
    return _import(_directory_source(root), publish=publish, dry_run=dry_run)


def import_zip(data: bytes, *, publish: bool = True, dry_run: bool = False) -> ImportReport:
    return _import(_zip_source(data), publish=publish, dry_run=dry_run)
