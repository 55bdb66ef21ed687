"""Import a folder (or a zip) of Docusaurus blog posts.

Each `*.md` / `*.mdx` file is one post: its front matter as in the club's old site
(`slug`, `title`, `author`, `author_title`, `author_url`, `tags`, `description`,
`header_image_url`, optional `date`, `language`, `audio`...), the date from the
file name `YYYY-MM-DD-name.md` when the front matter has none. Images referenced
with relative paths are copied into media. A post is matched by slug, so
importing twice updates, never duplicates.

Each file is imported on its own: a file that fails (no front matter, broken
YAML, a slug already used by another file of the same upload, an image over
10 MB...) is reported and leaves nothing behind; a missing image is reported and
the post is imported without it. A zip is read in memory, never extracted:
paths that leave the archive (zip-slip) are refused, and so are archives whose
uncompressed size or compression ratio give them away as bombs.
"""

from __future__ import annotations

import datetime as dt
import io
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import frontmatter
import yaml
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from compagnon.news.models import IMAGE_MAX_BYTES, Language, Post, PostImage, PostStatus
from compagnon.news.services import (
    PostData,
    author_get_or_create,
    normalise_path,
    post_create,
    post_header_image_set,
    post_image_add,
    post_rendering,
    post_update,
)

POST_SUFFIXES = (".md", ".mdx", ".markdown")
ZIP_MAX_MEMBERS = 2000
ZIP_MAX_TOTAL_BYTES = 200 * 1024 * 1024
ZIP_MAX_RATIO = 100
POST_MAX_BYTES = 2 * 1024 * 1024

_DATED_NAME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-(.+)$")
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)")
_HTML_SRC = re.compile(r"<(?:img|audio|source)\b[^>]*?\bsrc\s*=\s*[\"']([^\"']+)[\"']", re.I)


class ImportRefused(Exception):
    """The whole upload is refused (not a zip, a zip bomb...)."""


@dataclass
class FileReport:
    path: str
    slug: str = ""
    outcome: str = ""  # "created", "updated" or "error"
    error: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.outcome != "error"


@dataclass
class ImportReport:
    files: list[FileReport] = field(default_factory=list)

    @property
    def created(self) -> int:
        return sum(1 for f in self.files if f.outcome == "created")

    @property
    def updated(self) -> int:
        return sum(1 for f in self.files if f.outcome == "updated")

    @property
    def errors(self) -> list[FileReport]:
        return [f for f in self.files if f.outcome == "error"]


class _Source:
    """Files of an upload by relative POSIX path; reading is lazy."""

    def __init__(
        self,
        sizes: dict[str, int],
        reader: Callable[[str], bytes],
        *,
        unsafe: list[str] | None = None,
    ):
        self.sizes = sizes
        self.read = reader
        self.unsafe = unsafe or []  # members refused by name (paths leaving the archive)

    def posts(self) -> list[str]:
        return sorted(
            name
            for name in self.sizes
            if name.lower().endswith(POST_SUFFIXES)
            and not posixpath.basename(name).startswith((".", "_"))
        )

    def resolve(self, post_path: str, reference: str) -> str | None:
        """The file a relative reference of a post points to, if the upload has it."""
        reference = normalise_path(reference.split("#")[0].split("?")[0])
        if not reference or reference.startswith("../") or reference == "..":
            # A reference outside the folder: try it from the root all the same.
            reference = reference.lstrip("./")
        candidates = [
            posixpath.normpath(posixpath.join(posixpath.dirname(post_path), reference)),
            reference,
            posixpath.join("static", reference),
        ]
        return next((c for c in candidates if c in self.sizes), None)


def _directory_source(root: Path) -> _Source:
    root = root.resolve()
    sizes = {}
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            sizes[path.relative_to(root).as_posix()] = path.stat().st_size
    return _Source(sizes, lambda name: (root / name).read_bytes())


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
    unsafe: list[str] = []
    for info in infos:
        name = info.filename.replace("\\", "/")
        clean = posixpath.normpath(name)
        if name.startswith("/") or clean.startswith("..") or re.match(r"^[A-Za-z]:", name):
            unsafe.append(info.filename)
            continue
        if name.startswith("__MACOSX/"):
            continue
        sizes[clean] = info.file_size
    by_clean = {
        posixpath.normpath(i.filename.replace("\\", "/")): i.filename
        for i in infos
        if i.filename not in unsafe
    }

    def read(name: str) -> bytes:
        info = archive.getinfo(by_clean[name])
        with archive.open(info) as handle:
            # Never trust the declared size: read at most one byte more than it.
            content = handle.read(info.file_size + 1)
        if len(content) > info.file_size:
            raise ValidationError(_("%(name)s is larger than declared.") % {"name": name})
        return content

    return _Source(sizes, read, unsafe=unsafe)


# --------------------------------------------------------------------- one file


def _date_and_name(path: str) -> tuple[dt.date | None, str]:
    stem = posixpath.splitext(posixpath.basename(path))[0]
    if stem == "index":
        stem = posixpath.basename(posixpath.dirname(path)) or stem
    match = _DATED_NAME.match(stem)
    if not match:
        return None, stem
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3])), match[4]
    except ValueError:
        return None, match[4]


def _as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def _strings(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list | tuple):
        return [str(item).strip() for item in value if str(item).strip()]
    return [str(value)]


def _authors(meta: dict) -> list[dict[str, str]]:
    found = []
    raw = meta.get("authors")
    if isinstance(raw, dict):
        raw = [raw]
    if isinstance(raw, str):
        raw = [raw]
    for item in raw or []:
        if isinstance(item, dict) and item.get("name"):
            found.append(
                {
                    "name": str(item["name"]),
                    "title": str(item.get("title") or ""),
                    "url": str(item.get("url") or ""),
                    "image_url": str(item.get("image_url") or item.get("imageURL") or ""),
                }
            )
        elif isinstance(item, str) and item.strip():
            found.append({"name": item.strip(), "title": "", "url": "", "image_url": ""})
    if not found and meta.get("author"):
        found.append(
            {
                "name": str(meta["author"]),
                "title": str(meta.get("author_title") or ""),
                "url": str(meta.get("author_url") or ""),
                "image_url": str(meta.get("author_image_url") or ""),
            }
        )
    return found


def _is_local(reference: str) -> bool:
    return bool(reference) and not re.match(r"^(?:[a-z][a-z0-9+.-]*:|//|#|/)", reference, re.I)


def _references(body: str, meta: dict) -> list[str]:
    found = [*_MD_IMAGE.findall(body), *_HTML_SRC.findall(body)]
    if meta.get("audio"):
        found.append(str(meta["audio"]))
    return [ref for ref in dict.fromkeys(found) if _is_local(ref)]


@dataclass
class _Parsed:
    data: PostData
    author_rows: list[dict[str, str]]
    images: dict[str, bytes]  # source path -> content
    header: str  # source path of the header image, "" when none


def _parse(source: _Source, path: str, report: FileReport) -> _Parsed:
    raw = source.read(path)
    if len(raw) > POST_MAX_BYTES:
        raise ValidationError(_("The file is over 2 MB; a post is text, is it the right file?"))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(_("The file is not UTF-8 text.")) from None
    if not text.lstrip().startswith("---"):
        raise ValidationError(
            _("No front matter: the file must start with a '---' block giving at least the title.")
        )
    try:
        parsed = frontmatter.loads(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = _(" (line %(line)d)") % {"line": mark.line + 1} if mark else ""
        raise ValidationError(
            _("The front matter is not valid YAML%(where)s.") % {"where": where}
        ) from None
    meta = parsed.metadata
    if not isinstance(meta, dict) or not meta:
        raise ValidationError(_("The front matter is empty: give at least the title."))
    title = str(meta.get("title") or "").strip()
    if not title:
        raise ValidationError(_("The front matter has no title."))
    file_date, name = _date_and_name(path)
    post_date = _as_date(meta.get("date")) or file_date
    if post_date is None:
        raise ValidationError(
            _("No date: give 'date:' in the front matter or name the file YYYY-MM-DD-name.md.")
        )
    slug = slugify(str(meta.get("slug") or name))[:200]
    if not slug:
        raise ValidationError(_("No slug could be made from the file name or the front matter."))
    language = str(meta.get("language") or meta.get("lang") or "fr").lower()[:2]
    if language not in Language.values:
        language = Language.FR
    images: dict[str, bytes] = {}
    references = _references(parsed.content, meta)
    header_ref = str(meta.get("header_image_url") or meta.get("image") or "").strip()
    if header_ref and _is_local(header_ref):
        references.append(header_ref)
    for reference in references:
        found = source.resolve(path, reference)
        if found is None:
            report.warnings.append(
                _("Image not found: %(path)s (the post is imported without it).")
                % {"path": reference}
            )
            continue
        if source.sizes[found] > IMAGE_MAX_BYTES:
            raise ValidationError(
                _("The image %(path)s is %(size).1f MB; images may be at most 10 MB.")
                % {"path": reference, "size": source.sizes[found] / 1024 / 1024}
            )
        images[normalise_path(reference)] = source.read(found)
    return _Parsed(
        data=PostData(
            slug=slug,
            title=title[:300],
            date=post_date,
            language=language,
            description=str(meta.get("description") or "")[:500],
            body=parsed.content,
            audio=str(meta.get("audio") or "")[:500],
            audio_transcript=str(meta.get("audio_transcript") or meta.get("transcript") or "")[
                :500
            ],
            tags=tuple(_strings(meta.get("tags"))),
        ),
        author_rows=_authors(meta),
        images=images,
        header=normalise_path(header_ref) if header_ref and _is_local(header_ref) else "",
    )


def _save(parsed: _Parsed, *, path: str, publish: bool) -> tuple[Post, bool]:
    saved: list[PostImage] = []
    try:
        with transaction.atomic():
            authors = tuple(author_get_or_create(**row) for row in parsed.author_rows)
            parsed.data.authors = authors
            existing = Post.objects.filter(slug=parsed.data.slug).first()
            if existing is None:
                status = PostStatus.PUBLISHED if publish else PostStatus.DRAFT
                post = post_create(data=parsed.data, status=status, source_file=path)
            else:
                post = post_update(post=existing, data=parsed.data)
            header = None
            for source_path, content in parsed.images.items():
                upload = ContentFile(content, name=posixpath.basename(source_path))
                image = post_image_add(post=post, upload=upload, source_path=source_path)
                saved.append(image)
                if source_path == parsed.header:
                    header = image
            if header is not None or existing is None:
                post_header_image_set(post=post, image=header)
            post_rendering(post)
    except Exception:
        for image in saved:
            image.file.delete(save=False)
        raise
    return post, existing is None


def _import(source: _Source, *, publish: bool) -> ImportReport:
    report = ImportReport()
    for name in source.unsafe:
        report.files.append(
            FileReport(
                path=name,
                outcome="error",
                error=_("Refused: this path leaves the archive's folder."),
            )
        )
    seen: dict[str, str] = {}
    for path in source.posts():
        entry = FileReport(path=path)
        report.files.append(entry)
        try:
            parsed = _parse(source, path, entry)
            entry.slug = parsed.data.slug
            if parsed.data.slug in seen:
                raise ValidationError(
                    _("The slug %(slug)s is already used by %(other)s in this upload.")
                    % {"slug": parsed.data.slug, "other": seen[parsed.data.slug]}
                )
            seen[parsed.data.slug] = path
            _post, created = _save(parsed, path=path, publish=publish)
            entry.outcome = "created" if created else "updated"
        except ValidationError as error:
            entry.outcome = "error"
            entry.error = " ".join(_messages(error))
            entry.warnings = []
    return report


def _messages(error: ValidationError) -> Iterator[str]:
    if hasattr(error, "error_dict"):
        for field_name, errors in error.message_dict.items():
            for message in errors:
                yield f"{field_name}: {message}"
    else:
        yield from error.messages


def import_directory(root: Path | str, *, publish: bool = True) -> ImportReport:
    root = Path(root)
    if not root.is_dir():
        raise ImportRefused(_("%(path)s is not a folder.") % {"path": root})
    return _import(_directory_source(root), publish=publish)


def import_zip(data: bytes, *, publish: bool = True) -> ImportReport:
    return _import(_zip_source(data), publish=publish)
