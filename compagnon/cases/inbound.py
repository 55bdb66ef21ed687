"""The email door: a message sent to the club's case address becomes a draft case.

The mail gateway POSTs the raw RFC 822 message. The sender is matched to a
person by address; a member gets a draft case (the text of the message, the
names of the attachments, which are not kept) and a reply with the link to
complete it. Anyone else gets a polite reply and no case. Every answer is
keyed on the Message-ID, so a message delivered twice makes one case and one
reply.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage, MIMEPart
from email.utils import parseaddr
from html.parser import HTMLParser

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext

from compagnon.cases.models import DESCRIPTION_MAX_LENGTH, Case, CaseSource
from compagnon.cases.services import (
    CaseAlreadyFiled,
    case_create,
    case_url,
    person_is_member,
)
from compagnon.core.email import email_queue
from compagnon.members.models import Person
from compagnon.members.selectors import person_language

logger = logging.getLogger(__name__)

TITLE_MAX_LENGTH = 200
MESSAGE_ID_MAX_LENGTH = 255
ATTACHMENTS_LISTED = 20
ATTACHMENT_NAME_MAX_LENGTH = 100


# --- reading the message ------------------------------------------------------


@dataclass(frozen=True)
class Attachment:
    name: str
    size: int


@dataclass(frozen=True)
class ParsedEmail:
    message_id: str
    sender: str
    subject: str
    text: str
    attachments: list[Attachment] = field(default_factory=list)
    automatic: bool = False
    has_real_message_id: bool = True


class _HTMLText(HTMLParser):
    """Text of an HTML email: block elements become line breaks, scripts and styles vanish."""

    BLOCKS = frozenset(
        {"p", "div", "br", "tr", "table", "ul", "ol", "blockquote", "pre", "hr", "section"}
        | {f"h{level}" for level in range(1, 7)}
    )
    HIDDEN = frozenset({"script", "style", "head", "title", "template"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _HTMLText()
    parser.feed(html)
    parser.close()
    lines = [re.sub(r"\s+", " ", line).strip() for line in "".join(parser.parts).splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _part_text(part: MIMEPart) -> str:
    try:
        content = part.get_content()
    except (LookupError, UnicodeError, ValueError):
        # An unknown or lying charset: keep what can be read rather than nothing.
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else ""
    return content if isinstance(content, str) else ""


def _leaves(part: MIMEPart) -> Iterator[MIMEPart]:
    # A forwarded message (message/rfc822) counts as one attachment, not as its parts.
    if part.get_content_maintype() == "multipart":
        for sub in part.iter_parts():
            yield from _leaves(sub)
    else:
        yield part


def _part_size(part: MIMEPart) -> int:
    payload = part.get_payload(decode=True)
    if isinstance(payload, bytes):
        return len(payload)
    try:
        return len(part.as_bytes())
    except Exception:  # a malformed part still gets listed, without a size
        return 0


def _attachment_name(part: MIMEPart) -> str:
    name = part.get_filename() or gettext("unnamed %(type)s") % {"type": part.get_content_type()}
    return Truncator(re.sub(r"\s+", " ", name).strip()).chars(ATTACHMENT_NAME_MAX_LENGTH)


def _sender(message: EmailMessage) -> str:
    header = message.get("From")
    if header is None:
        return ""
    addresses = getattr(header, "addresses", ())
    address = addresses[0].addr_spec if addresses else parseaddr(str(header))[1]
    return address.strip().lower() if "@" in address else ""


def _message_id(message: EmailMessage, raw: bytes) -> tuple[str, bool]:
    """The Message-ID, or a digest of the message when it has none or one too long to store."""
    value = str(message.get("Message-ID", "") or "").strip()
    if not value:
        return "sha256:" + hashlib.sha256(raw).hexdigest(), False
    if len(value) > MESSAGE_ID_MAX_LENGTH:
        return "sha256:" + hashlib.sha256(value.encode()).hexdigest(), True
    return value, True


def _is_automatic(message: EmailMessage) -> bool:
    """Out-of-office replies, bounces and list mail (RFC 3834): no case, no answer, no loop."""
    auto = str(message.get("Auto-Submitted", "") or "").strip().lower()
    precedence = str(message.get("Precedence", "") or "").strip().lower()
    return (auto not in ("", "no")) or precedence in ("bulk", "list", "junk")


def parse_email(raw: bytes) -> ParsedEmail:
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    plain = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    text = ""
    if plain is not None:
        text = _part_text(plain).strip()
    if not text and html is not None:
        text = html_to_text(_part_text(html))
    body_parts = {id(part) for part in (plain, html) if part is not None}
    attachments = [
        Attachment(name=_attachment_name(part), size=_part_size(part))
        for part in _leaves(message)
        if id(part) not in body_parts
        and (
            part.get_filename()
            or part.get_content_disposition() == "attachment"
            or part.get_content_maintype() != "text"
        )
    ]
    message_id, real = _message_id(message, raw)
    return ParsedEmail(
        message_id=message_id,
        sender=_sender(message),
        subject=re.sub(r"\s+", " ", str(message.get("Subject", "") or "")).strip(),
        text=text,
        attachments=attachments,
        automatic=_is_automatic(message),
        has_real_message_id=real,
    )


# --- turning it into a case -----------------------------------------------------


def file_size(size: int) -> str:
    """2 MB, 30 KB, 512 bytes: the sizes the description lists."""
    units = [(1024**3, gettext("%(size)s GB")), (1024**2, gettext("%(size)s MB"))]
    units.append((1024, gettext("%(size)s KB")))
    for factor, label in units:
        if size >= factor:
            number = f"{size / factor:.1f}".removesuffix(".0")
            return label % {"size": number}
    return ngettext("%(size)d byte", "%(size)d bytes", size) % {"size": size}


def case_title(parsed: ParsedEmail) -> str:
    if parsed.subject:
        return Truncator(parsed.subject).chars(TITLE_MAX_LENGTH)
    first_line = next((line.strip() for line in parsed.text.splitlines() if line.strip()), "")
    return Truncator(first_line).chars(120) or gettext("Case sent by email")


def case_description(parsed: ParsedEmail) -> str:
    """The text, then the attachments that were not kept, within the description's limit."""
    footer = ""
    if parsed.attachments:
        listed = [
            f"{attachment.name} ({file_size(attachment.size)})"
            for attachment in parsed.attachments[:ATTACHMENTS_LISTED]
        ]
        more = len(parsed.attachments) - len(listed)
        if more:
            listed.append(ngettext("and %(n)d more", "and %(n)d more", more) % {"n": more})
        footer = gettext("Attachments not kept: %(names)s") % {"names": ", ".join(listed)}
    text = parsed.text
    cut_note = gettext("[…] The message was longer and was cut here.")
    room = DESCRIPTION_MAX_LENGTH - (len(footer) + 2 if footer else 0)
    if len(text) > room:
        text = text[: room - len(cut_note) - 2].rstrip() + "\n\n" + cut_note
    return f"{text}\n\n{footer}" if footer else text


@dataclass(frozen=True)
class InboundResult:
    status: str
    case: Case | None = None

    @property
    def http_status(self) -> int:
        return 202 if self.status == "created" else 200

    def as_json(self) -> dict[str, object]:
        return {"status": self.status, "case": self.case.pk if self.case else None}


def _reply_key(kind: str, message_id: str) -> str:
    return f"case-email-{kind}:" + hashlib.sha256(message_id.encode()).hexdigest()


def _reply_headers(parsed: ParsedEmail) -> dict[str, str]:
    # Auto-Submitted tells the sender's mail system not to answer the answer.
    headers = {"Auto-Submitted": "auto-replied"}
    if parsed.has_real_message_id and not parsed.message_id.startswith("sha256:"):
        headers["In-Reply-To"] = parsed.message_id
        headers["References"] = parsed.message_id
    return headers


def _refuse(parsed: ParsedEmail, *, reason: str, person: Person | None = None) -> InboundResult:
    language = person_language(person) if person else settings.LANGUAGE_CODE
    context = {
        "reason": reason,
        "person": person,
        "subject": parsed.subject,
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
    }
    with translation.override(language):
        subject = gettext("Your message to %(site_name)s") % {"site_name": settings.SITE_NAME}
        text = render_to_string("cases/email/inbound_refused.txt", context)
    email_queue(
        to=[parsed.sender],
        subject=subject,
        text=text,
        key=_reply_key(reason, parsed.message_id),
        headers=_reply_headers(parsed),
    )
    return InboundResult(status=reason)


def _own_address(address: str) -> bool:
    return address == parseaddr(settings.DEFAULT_FROM_EMAIL)[1].lower()


def inbound_email_receive(raw: bytes) -> InboundResult:
    """Read one raw message and answer it: a draft case, or a reply saying why not."""
    parsed = parse_email(raw)
    if not parsed.sender or _own_address(parsed.sender):
        logger.info("inbound email without a usable sender ignored")
        return InboundResult(status="no_sender")
    if parsed.automatic:
        logger.info("automatic inbound email ignored")
        return InboundResult(status="ignored")
    existing = Case.objects.filter(inbound_message_id=parsed.message_id).first()
    if existing is not None:
        return InboundResult(status="duplicate", case=existing)
    person = (
        Person.objects.select_related("organisation", "user")
        .filter(email__iexact=parsed.sender)
        .first()
    )
    with transaction.atomic():
        if person is None:
            return _refuse(parsed, reason="unknown_sender")
        if not person_is_member(person):
            return _refuse(parsed, reason="not_member", person=person)
        if not parsed.text:
            return _refuse(parsed, reason="no_text", person=person)
        with translation.override(person_language(person)):
            return _file_case(parsed, person)


def _file_case(parsed: ParsedEmail, person: Person) -> InboundResult:
    try:
        case = case_create(
            brought_by=person,
            filed_by=person.user,
            source=CaseSource.EMAIL,
            inbound_message_id=parsed.message_id,
            title=case_title(parsed),
            description=case_description(parsed),
            language=person_language(person),
        )
    except CaseAlreadyFiled as already:
        return InboundResult(status="duplicate", case=already.case)
    except ValidationError as error:
        logger.warning("inbound email refused by validation: %s", error.messages)
        return _refuse(parsed, reason="invalid", person=person)
    context = {
        "person": person,
        "case": case,
        "case_url": case_url(case),
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
    }
    email_queue(
        to=[person.email],
        subject=gettext("We received your case: %(title)s") % {"title": case.title},
        text=render_to_string("cases/email/inbound_received.txt", context),
        key=f"case-received:{case.pk}",
        headers=_reply_headers(parsed),
    )
    logger.info("case filed by email case=%s person=%s", case.pk, person.pk)
    return InboundResult(status="created", case=case)
