"""The email door: a message sent to the club's case address becomes a case to confirm.

The mail gateway POSTs the raw RFC 822 message. The sender is matched to a
person by address, but the From header proves nothing: a member's message
waits (`InboundEmailDraft`) until they confirm it through a signed link sent
to their registered address, and only then becomes a draft case (the text of
the message, the names of the attachments, which are not kept). An operator
may instead trust their own mail server's `Authentication-Results` header
(`CASES_INBOUND_TRUSTED_AUTHSERV_ID`): DKIM or SPF pass for the sender's
domain files the draft at once. Anyone else gets a polite reply and no case;
replies never quote the message, and replies to unknown addresses are
rate-limited per address and per hour. A message too deeply nested to read is
refused, not a crash. Every answer is keyed on the Message-ID, so a message
delivered twice makes one case and one reply.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage, MIMEPart
from email.parser import BytesHeaderParser
from email.utils import parseaddr
from html.parser import HTMLParser

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext

from compagnon.cases.models import DESCRIPTION_MAX_LENGTH, Case, CaseSource, InboundEmailDraft
from compagnon.cases.services import (
    CaseAlreadyFiled,
    case_create,
    case_url,
    person_is_member,
)
from compagnon.core.email import email_queue
from compagnon.core.models import OutboundEmail
from compagnon.members.models import Person
from compagnon.members.selectors import person_language

logger = logging.getLogger(__name__)

TITLE_MAX_LENGTH = 200
MESSAGE_ID_MAX_LENGTH = 255
ATTACHMENTS_LISTED = 20
ATTACHMENT_NAME_MAX_LENGTH = 100
# Real mail nests a few levels (a forward of a reply with an attachment); a
# message nested deeper is refused before Python's recursive parser sees it.
MIME_MAX_DEPTH = 20
CONFIRM_SALT = "compagnon.cases.inbound-confirm"
UNKNOWN_REPLY_PREFIX = "case-email-unknown:"
# Forged messages in a member's name must not flood their inbox with confirmations.
CONFIRMATIONS_PER_PERSON_PER_HOUR = 5


class MalformedEmail(Exception):
    """A message the door cannot read safely (nested too deep)."""


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
    # Our own mail server says DKIM or SPF passed for the sender's domain (and we trust it).
    authenticated: bool = False


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


# --- who really sent it ---------------------------------------------------------

_COMMENT = re.compile(r"\([^()]*\)")
_RESULT = re.compile(r"^\s*(dkim|spf)\s*=\s*([a-z]+)\b(.*)$", re.IGNORECASE | re.DOTALL)
_PROPERTY = re.compile(r"\b(header\.d|header\.i|smtp\.mailfrom)\s*=\s*\"?([^\s;\"]+)", re.I)


def _without_comments(value: str) -> str:
    for _round in range(5):  # comments may nest; a few rounds are plenty
        value, count = _COMMENT.subn(" ", value)
        if not count:
            break
    return value


def _domain_of(value: str) -> str:
    return value.rsplit("@", 1)[-1].strip().strip(".").lower()


def sender_is_authenticated(message: EmailMessage, sender: str) -> bool:
    """DKIM or SPF passed for the sender's own domain, says our mail server.

    Only the topmost `Authentication-Results` header carrying the trusted
    authserv-id counts (RFC 8601: the receiving server adds it on top and removes
    forged ones with its id). The domain must be the sender's exactly: a
    signature by another domain proves nothing about this From.
    """
    trusted = settings.CASES_INBOUND_TRUSTED_AUTHSERV_ID.strip().lower()
    if not trusted or "@" not in sender:
        return False
    domain = _domain_of(sender)
    for header in message.get_all("Authentication-Results") or []:
        authserv, _sep, results = _without_comments(str(header)).partition(";")
        words = authserv.split()
        if not words or words[0].lower() != trusted:
            continue
        for result in results.split(";"):
            match = _RESULT.match(result)
            if match is None or match.group(2).lower() != "pass":
                continue
            method = match.group(1).lower()
            for name, value in _PROPERTY.findall(match.group(3)):
                name = name.lower()
                wanted = ("header.d", "header.i") if method == "dkim" else ("smtp.mailfrom",)
                if name in wanted and _domain_of(value) == domain:
                    return True
        return False
    return False


def _too_deep(message: EmailMessage, limit: int = MIME_MAX_DEPTH) -> bool:
    """Whether the MIME tree goes deeper than `limit`, walked without recursion."""
    stack: list[tuple[object, int]] = [(message, 1)]
    while stack:
        part, depth = stack.pop()
        if depth > limit:
            return True
        payload = part.get_payload() if isinstance(part, MIMEPart) else None
        if isinstance(payload, list):
            stack.extend((sub, depth + 1) for sub in payload)
    return False


def _parse_headers(raw: bytes) -> ParsedEmail:
    """What can be read of a malformed message: who sent it, its Message-ID, no text."""
    message = BytesHeaderParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    message_id, real = _message_id(message, raw)
    return ParsedEmail(
        message_id=message_id,
        sender=_sender(message),
        subject="",
        text="",
        automatic=_is_automatic(message),
        has_real_message_id=real,
    )


def parse_email(raw: bytes) -> ParsedEmail:
    """Read the message; raises MalformedEmail for one too deeply nested to read."""
    try:
        return _parse_email(raw)
    except RecursionError:
        raise MalformedEmail("too deeply nested") from None


def _parse_email(raw: bytes) -> ParsedEmail:
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    if _too_deep(message):
        raise MalformedEmail("too deeply nested")
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
    sender = _sender(message)
    return ParsedEmail(
        message_id=message_id,
        sender=sender,
        subject=re.sub(r"\s+", " ", str(message.get("Subject", "") or "")).strip(),
        text=text,
        attachments=attachments,
        automatic=_is_automatic(message),
        has_real_message_id=real,
        authenticated=sender_is_authenticated(message, sender),
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
        return 202 if self.status in ("created", "to_confirm") else 200

    def as_json(self) -> dict[str, object]:
        return {"status": self.status, "case": self.case.pk if self.case else None}


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _reply_key(kind: str, message_id: str) -> str:
    return f"case-email-{kind}:" + _digest(message_id)


def _reply_headers(parsed: ParsedEmail) -> dict[str, str]:
    # Auto-Submitted tells the sender's mail system not to answer the answer.
    headers = {"Auto-Submitted": "auto-replied"}
    if parsed.has_real_message_id and not parsed.message_id.startswith("sha256:"):
        headers["In-Reply-To"] = parsed.message_id
        headers["References"] = parsed.message_id
    return headers


def _unknown_reply_key(parsed: ParsedEmail) -> str | None:
    """The reply's key, or None when this address (or everyone) had enough replies this hour.

    Anyone can put any address in From: without this, each forged message would
    make the club write to a stranger (backscatter).
    """
    address = _digest(parsed.sender)[:16]
    key = f"{UNKNOWN_REPLY_PREFIX}{address}:{_digest(parsed.message_id)}"
    recent = OutboundEmail.objects.filter(
        key__startswith=UNKNOWN_REPLY_PREFIX, created_at__gte=timezone.now() - timedelta(hours=1)
    )
    if OutboundEmail.objects.filter(key=key).exists():
        return key  # the same message again: email_queue keeps the one reply
    if recent.count() >= settings.CASES_INBOUND_UNKNOWN_REPLIES_PER_HOUR:
        return None
    per_address = recent.filter(key__startswith=f"{UNKNOWN_REPLY_PREFIX}{address}:").count()
    if per_address >= settings.CASES_INBOUND_UNKNOWN_REPLIES_PER_ADDRESS:
        return None
    return key


def _refuse(parsed: ParsedEmail, *, reason: str, person: Person | None = None) -> InboundResult:
    """A reply saying why not, which never quotes the message (it may not be theirs)."""
    if person is None:
        key = _unknown_reply_key(parsed)
        if key is None:
            logger.info("inbound email from an unknown address: reply limit reached")
            return InboundResult(status=reason)
    else:
        key = _reply_key(reason, parsed.message_id)
    language = person_language(person) if person else settings.LANGUAGE_CODE
    context = {
        "reason": reason,
        "person": person,
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
        key=key,
        headers=_reply_headers(parsed),
    )
    return InboundResult(status=reason)


def _own_address(address: str) -> bool:
    return address == parseaddr(settings.DEFAULT_FROM_EMAIL)[1].lower()


def inbound_email_receive(raw: bytes) -> InboundResult:
    """Read one raw message and answer it: a case to confirm (or a draft), or why not."""
    malformed = False
    try:
        parsed = parse_email(raw)
    except MalformedEmail:
        logger.warning("inbound email too deeply nested: refused")
        parsed, malformed = _parse_headers(raw), True
    if not parsed.sender or _own_address(parsed.sender):
        logger.info("inbound email without a usable sender ignored")
        return InboundResult(status="no_sender")
    if parsed.automatic:
        logger.info("automatic inbound email ignored")
        return InboundResult(status="ignored")
    existing = Case.objects.filter(inbound_message_id=parsed.message_id).first()
    if existing is not None:
        return InboundResult(status="duplicate", case=existing)
    if InboundEmailDraft.objects.filter(message_id=parsed.message_id).exists():
        return InboundResult(status="duplicate")
    person = (
        Person.objects.select_related("organisation", "user")
        .filter(email__iexact=parsed.sender)
        .first()
    )
    with transaction.atomic():
        if person is None:
            return _refuse(parsed, reason="unknown_sender")
        if malformed:
            return _refuse(parsed, reason="malformed", person=person)
        if not person_is_member(person):
            return _refuse(parsed, reason="not_member", person=person)
        if not parsed.text:
            return _refuse(parsed, reason="no_text", person=person)
        with translation.override(person_language(person)):
            if parsed.authenticated:
                return _file_case(parsed, person)
            return _draft_to_confirm(parsed, person)


# --- confirming from the registered address ---------------------------------------


def inbound_confirm_token(draft: InboundEmailDraft) -> str:
    return signing.dumps(draft.pk, salt=CONFIRM_SALT)


def inbound_confirm_url(draft: InboundEmailDraft) -> str:
    return settings.SITE_URL + reverse(
        "cases:inbound_confirm", kwargs={"token": inbound_confirm_token(draft)}
    )


def inbound_draft_for_token(token: str) -> InboundEmailDraft | None:
    """The waiting message a signed link names, or None (forged, altered or expired)."""
    try:
        pk = signing.loads(
            token, salt=CONFIRM_SALT, max_age=timedelta(days=settings.CASES_INBOUND_CONFIRM_DAYS)
        )
    except signing.BadSignature:  # SignatureExpired is one
        return None
    if not isinstance(pk, int):
        return None
    return InboundEmailDraft.objects.select_related("person__user", "case").filter(pk=pk).first()


def _draft_to_confirm(parsed: ParsedEmail, person: Person) -> InboundResult:
    """Keep the message aside and ask the member, at their registered address, to confirm."""
    recent = InboundEmailDraft.objects.filter(
        person=person, created_at__gte=timezone.now() - timedelta(hours=1)
    ).count()
    if recent >= CONFIRMATIONS_PER_PERSON_PER_HOUR:
        logger.warning("inbound email: confirmation limit reached person=%s", person.pk)
        return InboundResult(status="rate_limited")
    draft = InboundEmailDraft(
        person=person,
        message_id=parsed.message_id,
        title=_clean_title(case_title(parsed)),
        description=case_description(parsed).replace("\x00", ""),
        language=person_language(person),
    )
    draft.full_clean(validate_unique=False)
    draft.save()
    context = {
        "person": person,
        "confirm_url": inbound_confirm_url(draft),
        "days": settings.CASES_INBOUND_CONFIRM_DAYS,
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
    }
    # To the address the club knows, which is not necessarily the one that wrote.
    email_queue(
        to=[person.email],
        subject=gettext("Confirm the case you sent by email"),
        text=render_to_string("cases/email/inbound_confirm.txt", context),
        key=f"case-email-confirm:{draft.pk}",
    )
    logger.info("case by email waits for confirmation draft=%s person=%s", draft.pk, person.pk)
    return InboundResult(status="to_confirm")


def _clean_title(title: str) -> str:
    return " ".join(title.replace("\x00", "").split())[:TITLE_MAX_LENGTH]


def inbound_draft_confirm(*, draft: InboundEmailDraft) -> Case:
    """The member followed the signed link: the waiting message becomes a draft case.

    Idempotent: a second confirmation returns the case the first one filed.
    Raises ValidationError when the person can no longer bring a case.
    """
    with transaction.atomic():
        draft = (
            InboundEmailDraft.objects.select_for_update(of=("self",))
            .select_related("person__user", "person__organisation")
            .get(pk=draft.pk)
        )
        if draft.case_id is not None:
            return Case.objects.get(pk=draft.case_id)
        person = draft.person
        try:
            case = case_create(
                brought_by=person,
                filed_by=None,
                source=CaseSource.EMAIL,
                inbound_message_id=draft.message_id,
                title=draft.title,
                description=draft.description,
                language=draft.language if draft.language in ("fr", "en") else "fr",
            )
        except CaseAlreadyFiled as already:
            case = already.case
        draft.case = case
        draft.confirmed_at = timezone.now()
        draft.save(update_fields=["case", "confirmed_at"])
    logger.info("case by email confirmed case=%s person=%s", case.pk, person.pk)
    return case


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
    # The reply names no title: it says what happened and where to look.
    email_queue(
        to=[person.email],
        subject=gettext("We received your case"),
        text=render_to_string("cases/email/inbound_received.txt", context),
        key=f"case-received:{case.pk}",
        headers=_reply_headers(parsed),
    )
    logger.info("case filed by email case=%s person=%s", case.pk, person.pk)
    return InboundResult(status="created", case=case)
