"""The chat door and the chat announcement.

The help desk says "on Mattermost, or by email": a slash command (`/case our
forecasts broke…`, form-encoded the way Mattermost and Slack send it) files a
draft case for the person whose profile carries that chat user name, and an
opened case is announced on the club's channel (see `tasks.case_announce`).
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.text import Truncator
from django.utils.translation import gettext

from compagnon.cases.models import Case, CaseSource, Confidentiality
from compagnon.cases.services import case_create, case_url, person_is_member
from compagnon.members.models import Person
from compagnon.members.selectors import person_language

TITLE_MAX_LENGTH = 120
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


def _profile_url() -> str:
    return settings.SITE_URL + reverse("members:profile_edit")


def chat_command_receive(*, user_name: str, text: str, command: str = "/case") -> ChatAnswer:
    """File a draft case from a slash command, or say plainly why not."""
    user_name = (user_name or "").strip().lstrip("@")
    text = (text or "").strip()
    command = (command or "/case").strip() or "/case"
    # A chat name belongs to at most one profile (a unique constraint on Person).
    person = (
        Person.objects.select_related("organisation", "user")
        .filter(chat_username__iexact=user_name)
        .first()
        if user_name
        else None
    )
    if person is None:
        return ChatAnswer(
            gettext(
                "I don't know who “%(user_name)s” is in the club yet. Add your chat user name "
                "to your profile (%(url)s), then try again."
            )
            % {"user_name": user_name, "url": _profile_url()}
        )
    with translation.override(person_language(person)):
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
