"""The club on its chat server: invitations with answer buttons, and the weekly digest.

* A pending case invitation whose invitee linked a chat account (by proof,
  `cases.ChatLink`) is sent to them as a direct message with two buttons,
  "Interested" and "Not this time" (Mattermost interactive message actions).
  One message per invitation: an `InvitationMessage` row is claimed first.
* A click makes the chat server POST to `chat:action`. The context carries a
  token only we can make (an HMAC of the invitation with CHAT_ACTIONS_SECRET),
  the chat server says which of its users clicked, and that user must be the
  one linked to the invited person. The answer goes through the cases service;
  a second click of the same button changes nothing.
* The weekly digest (new workshops, new cases open to all members, reports
  published) is posted once per ISO week to CHAT_DIGEST_WEBHOOK_URL.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from compagnon.cases.chat import chat_link_seen, person_for_chat_user
from compagnon.cases.invitations import (
    case_invitation_answer_by_chat,
    invitation_is_expired,
)
from compagnon.cases.models import Answer, CaseInvitation, ChatLink
from compagnon.chat.client import ChatPostFailed, api_call, webhook_post
from compagnon.chat.models import DigestPost, InvitationMessage
from compagnon.chat.selectors import digest_items, invitations_to_post
from compagnon.members.selectors import person_language

logger = logging.getLogger(__name__)

CHAT_ANSWERS = (Answer.INTERESTED, Answer.DECLINED)
# A claim older than this whose post never finished (a killed worker) may be taken again.
CLAIM_STALE_AFTER = timedelta(minutes=10)


def _defuse(text: str) -> str:
    # "@channel" in a case title must not ping everyone.
    return text.replace("@", "@\u200b")


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


# --- invitations ------------------------------------------------------------------------------


def invitation_action_token(invitation_id: int) -> str:
    """The token a button carries: made with the integration's secret, good for one invitation."""
    secret = settings.CHAT_ACTIONS_SECRET
    return hmac.new(
        secret.encode(), f"case-invitation:{invitation_id}".encode(), hashlib.sha256
    ).hexdigest()


def chat_api_configured() -> bool:
    """A bot token and the chat server's API: invitations go to user ids, not names."""
    return bool(settings.CHAT_API_URL and settings.CHAT_BOT_TOKEN)


def _invitation_message(invitation: CaseInvitation) -> tuple[str, list[dict[str, Any]]]:
    """The invitation's text and its attachment with the two buttons."""
    case = invitation.case
    action_url = _absolute(reverse("chat:action"))
    token = invitation_action_token(invitation.pk)
    with translation.override(person_language(invitation.person)):
        text = gettext("You are invited to the case “%(title)s”: would you join? %(url)s") % {
            "title": _defuse(case.title),
            "url": _absolute(case.get_absolute_url()),
        }
        labels = {
            Answer.INTERESTED: gettext("Interested"),
            Answer.DECLINED: gettext("Not this time"),
        }
    attachments = [
        {
            "fallback": text,
            "actions": [
                {
                    "id": answer,
                    "name": labels[answer],
                    "integration": {
                        "url": action_url,
                        "context": {
                            "action": "case_invitation_answer",
                            "invitation": invitation.pk,
                            "answer": answer,
                            "token": token,
                        },
                    },
                }
                for answer in CHAT_ANSWERS
            ],
        }
    ]
    return text, attachments


def invitation_message_payload(invitation: CaseInvitation, link: ChatLink) -> dict[str, Any]:
    """The incoming webhook's payload: addressed to `@name`, the only address it knows."""
    text, attachments = _invitation_message(invitation)
    return {"channel": f"@{link.chat_user_name}", "text": text, "attachments": attachments}


def invitation_post_payload(invitation: CaseInvitation, channel_id: str) -> dict[str, Any]:
    """The REST API's post: in the direct channel of the bot and the linked chat user id."""
    text, attachments = _invitation_message(invitation)
    return {"channel_id": channel_id, "message": text, "props": {"attachments": attachments}}


def _invitation_claim(
    invitation_id: int, now: datetime, *, by_id: bool
) -> InvitationMessage | None:
    """Take the right to post this invitation, or None if it is posted or being posted."""
    with transaction.atomic():
        message = (
            InvitationMessage.objects.select_for_update()
            .filter(invitation_id=invitation_id)
            .first()
        )
        if message is not None and (
            message.posted_at is not None
            or (message.claimed_at is not None and message.claimed_at > now - CLAIM_STALE_AFTER)
        ):
            return None
        links = ChatLink.objects.filter(
            person__case_invitations__pk=invitation_id, confirmed_at__isnull=False
        ).exclude(chat_user_id="")
        if not by_id:
            # A link whose name was taken by another chat account waits until its owner is
            # seen again (`cases.chat.chat_link_seen`): no message to a name that isn't theirs.
            links = links.exclude(chat_user_name="")
        link = links.first()
        if link is None:
            return None
        if message is not None:  # a failed post, or a claim its run never finished
            message.claimed_at = now
            message.chat_user_id = link.chat_user_id
            message.save(update_fields=["claimed_at", "chat_user_id"])
            return message
        try:
            with transaction.atomic():
                return InvitationMessage.objects.create(
                    invitation_id=invitation_id, chat_user_id=link.chat_user_id, claimed_at=now
                )
        except IntegrityError:  # another run claimed it at the same instant
            return None


class _ApiSender:
    """Direct messages through the chat server's REST API, as the bot, by chat user id."""

    def __init__(self) -> None:
        self.base_url = settings.CHAT_API_URL
        self.token = settings.CHAT_BOT_TOKEN
        self._bot_user_id = ""

    def _call(self, path: str, payload: Any = None) -> Any:
        return api_call(self.base_url, self.token, path, payload)

    def bot_user_id(self) -> str:
        if not self._bot_user_id:
            me = self._call("/api/v4/users/me")
            if not isinstance(me, dict) or not me.get("id"):
                raise ChatPostFailed("/api/v4/users/me: no user id in the answer")
            self._bot_user_id = str(me["id"])
        return self._bot_user_id

    def send(self, invitation: CaseInvitation, chat_user_id: str) -> None:
        channel = self._call("/api/v4/channels/direct", [self.bot_user_id(), chat_user_id])
        if not isinstance(channel, dict) or not channel.get("id"):
            raise ChatPostFailed("/api/v4/channels/direct: no channel id in the answer")
        self._call("/api/v4/posts", invitation_post_payload(invitation, str(channel["id"])))


def _invitation_failed(message: InvitationMessage, error: Exception) -> None:
    # The claim is released and the failure counted: the next run tries again, as long as
    # the invitation is open (it expires, so the retries end).
    InvitationMessage.objects.filter(pk=message.pk, posted_at__isnull=True).update(
        claimed_at=None, attempts=F("attempts") + 1, last_error=str(error)[:300]
    )


def chat_invitations_post(*, now: datetime | None = None) -> int:
    """Send each pending invitation whose invitee linked a chat account, once; how many went.

    With a bot token (`CHAT_API_URL`, `CHAT_BOT_TOKEN`) each goes as a direct message to the
    chat user id the link proved; without one, to `@name` on the incoming webhook, which
    reaches whoever holds that name on the chat server now (weaker).
    """
    by_id = chat_api_configured()
    url = settings.CHAT_WEBHOOK_URL
    if not settings.CHAT_ACTIONS_SECRET or not (by_id or url):
        return 0
    now = now or timezone.now()
    api = _ApiSender() if by_id else None
    sent = failed = 0
    for invitation_id in list(invitations_to_post(now, by_id=by_id).values_list("pk", flat=True)):
        claimed = _invitation_claim(invitation_id, now, by_id=by_id)
        if claimed is None:
            continue
        invitation = CaseInvitation.objects.select_related("case", "person__chat_link").get(
            pk=invitation_id
        )
        try:
            if api is not None:
                api.send(invitation, claimed.chat_user_id)
            else:
                webhook_post(
                    url, invitation_message_payload(invitation, invitation.person.chat_link)
                )
        except ChatPostFailed as error:
            _invitation_failed(claimed, error)
            failed += 1
            logger.warning("chat invitation %s not posted: %s", invitation_id, error)
            continue
        InvitationMessage.objects.filter(pk=claimed.pk).update(
            posted_at=timezone.now(), last_error=""
        )
        sent += 1
    if sent or failed:
        logger.info(
            "chat: %d invitations posted (%s), %d failed",
            sent,
            "direct messages by user id" if by_id else "webhook by name",
            failed,
        )
    return sent


@dataclass(frozen=True)
class ActionAnswer:
    """What the chat server shows after a click: the message rewritten, or a note to the clicker."""

    status: int
    ephemeral: str = ""
    update: str = ""

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {}
        if self.update:
            # The buttons go: the message now says what was answered.
            body["update"] = {"message": self.update, "props": {"attachments": []}}
        if self.ephemeral:
            body["ephemeral_text"] = self.ephemeral
        return body


def _answered_text(invitation: CaseInvitation) -> str:
    values = {"title": _defuse(invitation.case.title)}
    if invitation.answer == Answer.DECLINED:
        return gettext("Case “%(title)s”: you answered “not this time”. Thank you.") % values
    return gettext("Case “%(title)s”: you answered “interested”. Its owner has been told.") % values


def chat_action_receive(*, payload: Any) -> ActionAnswer:
    """A button was clicked: check who and what, answer through the cases service."""
    if not isinstance(payload, dict) or not settings.CHAT_ACTIONS_SECRET:
        return ActionAnswer(403)
    context = payload.get("context")
    if not isinstance(context, dict) or context.get("action") != "case_invitation_answer":
        return ActionAnswer(400)
    invitation_id = context.get("invitation")
    token = context.get("token")
    answer = context.get("answer")
    if not isinstance(invitation_id, int) or not isinstance(token, str):
        return ActionAnswer(400)
    if not hmac.compare_digest(token.encode(), invitation_action_token(invitation_id).encode()):
        logger.warning("chat action with a bad token for invitation %s", invitation_id)
        return ActionAnswer(403)
    if answer not in CHAT_ANSWERS:
        return ActionAnswer(400)
    invitation = (
        CaseInvitation.objects.select_related("case", "person").filter(pk=invitation_id).first()
    )
    if invitation is None:
        return ActionAnswer(200, ephemeral=gettext("This invitation no longer exists."))
    person = person_for_chat_user(str(payload.get("user_id") or ""))
    if person is not None:
        chat_link_seen(
            chat_user_id=str(payload.get("user_id") or ""),
            chat_user_name=str(payload.get("user_name") or ""),
        )
    if person is None or person.pk != invitation.person_id:
        # Someone else clicked (a forwarded message, a shared channel): nothing changes.
        return ActionAnswer(
            200,
            ephemeral=gettext("This invitation is for someone else: your click changed nothing."),
        )
    with translation.override(person_language(person)):
        if invitation.answer == answer:
            return ActionAnswer(200, update=_answered_text(invitation))
        if invitation_is_expired(invitation):
            return ActionAnswer(200, ephemeral=gettext("This invitation has expired."))
        try:
            invitation = case_invitation_answer_by_chat(
                invitation=invitation, answer=answer, person=person
            )
        except (ValidationError, PermissionDenied) as error:
            messages = getattr(error, "messages", None) or [gettext("refused")]
            return ActionAnswer(200, ephemeral=" ".join(str(m) for m in messages))
        InvitationMessage.objects.filter(invitation=invitation).update(answered_at=timezone.now())
        logger.info("chat: invitation %s answered %s", invitation.pk, answer)
        return ActionAnswer(200, update=_answered_text(invitation))


# --- the weekly digest --------------------------------------------------------------------------


def digest_text(*, now: datetime) -> str:
    """The digest of the 7 days before `now`, in the club's language; "" when nothing happened."""
    items = digest_items(since=now - timedelta(days=7), until=now)
    with translation.override(settings.LANGUAGE_CODE):
        sections = []
        for heading, rows in (
            (gettext("New workshops"), items.workshops),
            (gettext("Cases open for interest"), items.cases),
            (gettext("Reports published"), items.reports),
        ):
            if rows:
                lines = [f"- [{_defuse(title)}]({_absolute(path)})" for title, path in rows]
                sections.append(f"#### {heading}\n" + "\n".join(lines))
        if not sections:
            return ""
        header = gettext("This week at the club")
        return f"### {header}\n\n" + "\n\n".join(sections)


def _digest_locked(digest_id: int) -> DigestPost:
    # Two runs of the same week (two workers, a timer and a hand) take turns here: the
    # second one reads the first one's claim, and posts nothing.
    return DigestPost.objects.select_for_update().get(pk=digest_id)


def chat_digest_post(*, now: datetime | None = None) -> bool:
    """Post this ISO week's digest once; False when already posted, claimed or not configured."""
    url = settings.CHAT_DIGEST_WEBHOOK_URL or settings.CHAT_WEBHOOK_URL
    if not url:
        return False
    now = now or timezone.now()
    iso_year, iso_week, _weekday = timezone.localtime(now).isocalendar()
    with transaction.atomic():
        try:
            with transaction.atomic():
                digest, _created = DigestPost.objects.get_or_create(
                    iso_year=iso_year, iso_week=iso_week
                )
        except IntegrityError:  # created by a concurrent run between its read and ours
            digest = DigestPost.objects.get(iso_year=iso_year, iso_week=iso_week)
        digest = _digest_locked(digest.pk)
        if digest.posted_at is not None:
            return False
        if digest.claimed_at is not None and digest.claimed_at > now - CLAIM_STALE_AFTER:
            return False
        digest.claimed_at = now
        digest.text = digest_text(now=now)
        digest.save(update_fields=["claimed_at", "text"])
    if digest.text:
        try:
            webhook_post(url, {"text": digest.text})
        except ChatPostFailed as error:
            DigestPost.objects.filter(pk=digest.pk).update(claimed_at=None)
            logger.warning("chat digest %s not posted: %s", digest, error)
            return False
    DigestPost.objects.filter(pk=digest.pk).update(posted_at=timezone.now())
    logger.info("chat digest %s posted (%s)", digest, "with news" if digest.text else "quiet week")
    return bool(digest.text)
