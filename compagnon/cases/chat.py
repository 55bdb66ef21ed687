"""The chat door and the chat announcement.

The help desk says "on Mattermost, or by email": a slash command (`/case our
forecasts broke…`, form-encoded the way Mattermost and Slack send it) files a
draft case for the person whose chat account is linked to their profile, and
an opened case is announced on the club's channel (see `tasks.case_announce`).

Who typed the command is the chat server's `user_id`, never a name anyone can
type on a profile. A person links their chat account by proof: they ask for a
one-time code on the site (`chat_link_start`), then type `/case link 123456`
in the chat (`chat_link_confirm`). An unlinked chat user is told where to
connect, and nothing is filed.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.text import Truncator
from django.utils.translation import gettext

from compagnon.cases.models import Case, CaseSource, ChatLink, Confidentiality
from compagnon.cases.services import case_create, case_url, person_is_member
from compagnon.members.models import Person
from compagnon.members.selectors import person_language

logger = logging.getLogger(__name__)

TITLE_MAX_LENGTH = 120
CODE_DIGITS = 6
# Wrong codes one chat user may type per code lifetime before every code is refused.
CODE_ATTEMPTS = 5
CHAT_ID_MAX_LENGTH = 100
_LINK_COMMAND = re.compile(r"^link\s+(\S+)\s*$", re.IGNORECASE)
_UNLINK_COMMAND = re.compile(r"^unlink\s*$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


@dataclass(frozen=True)
class ChatAnswer:
    """What the person who typed the command reads; only they see it (ephemeral)."""

    text: str
    case: Case | None = None

    def as_json(self) -> dict[str, Any]:
        return {"response_type": "ephemeral", "text": self.text}


def chat_token_is_valid(token: str) -> bool:
    """The command's token against CHAT_COMMAND_TOKEN; an empty setting keeps the door closed."""
    expected = settings.CHAT_COMMAND_TOKEN
    if not expected or not token:
        return False
    return hmac.compare_digest(token.encode(), expected.encode())


def title_from_text(text: str, *, limit: int = TITLE_MAX_LENGTH) -> str:
    """The first line, cut at its first sentence, at most `limit` characters."""
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    first_sentence = _SENTENCE_END.split(first_line, maxsplit=1)[0].strip()
    return Truncator(first_sentence).chars(limit)


def chat_link_page_url() -> str:
    return settings.SITE_URL + reverse("cases:chat_link")


# --- linking a chat account, by proof ------------------------------------------------


def _code_digest(code: str) -> str:
    return salted_hmac("compagnon.cases.chat-link", code, algorithm="sha256").hexdigest()


def chat_link_start(*, person: Person) -> str:
    """A new one-time code for `person` to type in the chat; returns the code (kept only hashed).

    A link already confirmed keeps working until the code confirms a new one.
    """
    now = timezone.now()
    with transaction.atomic():
        link, _created = ChatLink.objects.select_for_update().get_or_create(person=person)
        while True:
            code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
            digest = _code_digest(code)
            if not ChatLink.objects.filter(code_digest=digest).exclude(pk=link.pk).exists():
                break
        link.code_digest = digest
        link.code_expires_at = now + timedelta(minutes=settings.CHAT_LINK_CODE_MINUTES)
        link.save(update_fields=["code_digest", "code_expires_at"])
    logger.info("chat link started person=%s", person.pk)
    return code


def _attempts_key(chat_user_id: str) -> str:
    return "chat-link-attempts:" + hashlib.sha256(chat_user_id.encode()).hexdigest()


def _pending_link(digest: str, now) -> ChatLink | None:
    """The link waiting for this code, locked: a code confirms one chat account, once."""
    return (
        ChatLink.objects.select_for_update(of=("self",))
        .select_related("person")
        .filter(code_digest=digest, code_expires_at__gt=now)
        .first()
    )


def chat_link_confirm(*, chat_user_id: str, chat_user_name: str, code: str) -> ChatLink | None:
    """The chat user who typed a valid code is the person who asked for it; None if not valid.

    The chat account leaves any profile it was linked to before. After
    CODE_ATTEMPTS wrong codes, that chat user's codes are refused for a while.
    """
    chat_user_id = chat_user_id.strip()[:CHAT_ID_MAX_LENGTH]
    if not chat_user_id:
        return None
    key = _attempts_key(chat_user_id)
    if cache.get(key, 0) >= CODE_ATTEMPTS:
        logger.warning("chat link: too many wrong codes from one chat user")
        return None
    now = timezone.now()
    digest = _code_digest(code.strip())
    with transaction.atomic():
        link = _pending_link(digest, now)
        if link is None:
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, timeout=settings.CHAT_LINK_CODE_MINUTES * 60)
            return None
        ChatLink.objects.filter(chat_user_id=chat_user_id).exclude(pk=link.pk).update(
            chat_user_id="", chat_user_name="", confirmed_at=None
        )
        link.chat_user_id = chat_user_id
        link.chat_user_name = chat_user_name.strip().lstrip("@")[:100]
        _name_taken(link.chat_user_name, by_chat_user_id=chat_user_id)
        link.confirmed_at = now
        link.code_digest = ""
        link.code_expires_at = None
        try:
            with transaction.atomic():
                link.save()
        except IntegrityError:  # the same chat account linked at the same instant elsewhere
            return None
    logger.info("chat link confirmed person=%s", link.person_id)
    return link


def chat_link_seen(*, chat_user_id: str, chat_user_name: str) -> None:
    """Keep the linked account's user name as the chat server last sent it.

    Invitations reach people by name (`@name`: an incoming webhook can't address a user
    id), and chat users can rename themselves. Every request from the chat server carries
    both; the id is what proves who it is, so the name follows it, and a name now taken by
    this account is taken away from any other link (no message goes to a former holder).
    """
    chat_user_id = (chat_user_id or "").strip()[:CHAT_ID_MAX_LENGTH]
    name = (chat_user_name or "").strip().lstrip("@")[:100]
    if not chat_user_id or not name:
        return
    with transaction.atomic():
        changed = (
            ChatLink.objects.filter(chat_user_id=chat_user_id)
            .exclude(chat_user_name=name)
            .update(chat_user_name=name)
        )
        if changed:
            _name_taken(name, by_chat_user_id=chat_user_id)
            logger.info("chat link renamed for one chat user")


def _name_taken(name: str, *, by_chat_user_id: str) -> None:
    """`name` is this chat account's now: any other link that held it loses it."""
    if name:
        ChatLink.objects.filter(chat_user_name__iexact=name).exclude(
            chat_user_id=by_chat_user_id
        ).update(chat_user_name="")


def chat_link_remove(*, person: Person) -> bool:
    """Unlink the person's chat account (and forget any pending code); True if there was one."""
    with transaction.atomic():
        deleted, _rows = ChatLink.objects.filter(person=person).delete()
    if deleted:
        logger.info("chat link removed person=%s", person.pk)
    return bool(deleted)


def chat_link_for(person: Person) -> ChatLink | None:
    return ChatLink.objects.filter(person=person).first()


def person_for_chat_user(chat_user_id: str) -> Person | None:
    """The person whose confirmed link carries this chat server user id."""
    chat_user_id = (chat_user_id or "").strip()
    if not chat_user_id:
        return None
    link = (
        ChatLink.objects.select_related("person__organisation", "person__user")
        .filter(chat_user_id=chat_user_id)
        .first()
    )
    return link.person if link is not None else None


# --- the slash command -------------------------------------------------------------


def chat_command_receive(
    *, user_id: str, user_name: str = "", text: str, command: str = "/case"
) -> ChatAnswer:
    """File a draft case from a slash command, link or unlink an account, or say why not."""
    user_id = (user_id or "").strip()
    user_name = (user_name or "").strip().lstrip("@")
    text = (text or "").strip()
    command = (command or "/case").strip() or "/case"
    linking = _LINK_COMMAND.match(text)
    if linking is not None:
        link = chat_link_confirm(chat_user_id=user_id, chat_user_name=user_name, code=linking[1])
        if link is None:
            return ChatAnswer(
                gettext(
                    "This code is not valid or has expired. Get a new one at %(url)s and type "
                    "it within %(minutes)d minutes."
                )
                % {"url": chat_link_page_url(), "minutes": settings.CHAT_LINK_CODE_MINUTES}
            )
        with translation.override(person_language(link.person)):
            return ChatAnswer(
                gettext(
                    "Your chat account is now linked to %(name)s's profile: %(command)s files "
                    "your cases there."
                )
                % {"name": link.person.full_name, "command": command}
            )
    person = person_for_chat_user(user_id)
    if person is not None:
        chat_link_seen(chat_user_id=user_id, chat_user_name=user_name)
    if person is None:
        # Nothing is filed for a chat account nobody proved is theirs.
        return ChatAnswer(
            gettext(
                "Your chat account is not linked to a profile at the club yet. Link it at "
                "%(url)s (it takes a one-time code), then try again."
            )
            % {"url": chat_link_page_url()}
        )
    with translation.override(person_language(person)):
        if _UNLINK_COMMAND.match(text):
            chat_link_remove(person=person)
            return ChatAnswer(gettext("Your chat account is no longer linked to your profile."))
        return _file_for(person, text=text, command=command)


def _file_for(person: Person, *, text: str, command: str) -> ChatAnswer:
    if not person_is_member(person):
        return ChatAnswer(
            gettext(
                "Your profile has no active membership, so the club cannot take a case from you. "
                "The club's staff can help."
            )
        )
    if not text:
        return ChatAnswer(
            gettext(
                "Describe your problem after the command, for example: %(command)s Our sales "
                "forecasts broke in 2020; we have five years of weekly sales. A draft case is "
                "created; you complete it on the site and submit it to the club."
            )
            % {"command": command}
        )
    try:
        case = case_create(
            brought_by=person,
            filed_by=person.user,
            source=CaseSource.CHAT,
            title=title_from_text(text),
            description=text,
            language=person_language(person),
        )
    except ValidationError as error:
        return ChatAnswer(
            gettext("The case could not be created: %(errors)s")
            % {"errors": " ".join(str(message) for message in error.messages)}
        )
    return ChatAnswer(
        gettext("Draft case created: %(url)s. Complete it and submit it to the club.")
        % {"url": case_url(case)},
        case=case,
    )


def _defuse_mentions(text: str) -> str:
    # A title like "@channel help" must not ping the whole channel.
    return text.replace("@", "@\u200b")


def case_announcement_text(case: Case) -> str:
    """The chat message for an opened case; anonymised cases do not name their organisation."""
    values = {"title": _defuse_mentions(case.title), "url": case_url(case)}
    if case.confidentiality == Confidentiality.ANONYMISED or case.organisation is None:
        return gettext("New case open for interest: %(title)s — %(url)s") % values
    return gettext("New case open for interest: %(title)s (%(organisation)s) — %(url)s") % {
        **values,
        "organisation": _defuse_mentions(case.organisation.name),
    }
