"""What the club posted on its chat server, so that nothing is posted twice.

The chat account itself is linked by proof in `cases.ChatLink`; this app posts
invitations with answer buttons, and the weekly digest.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class InvitationMessage(models.Model):
    """A case invitation sent to its invitee's chat account (one message per invitation)."""

    invitation = models.OneToOneField(
        "cases.CaseInvitation",
        on_delete=models.CASCADE,
        related_name="chat_message",
        verbose_name=_("invitation"),
    )
    chat_user_id = models.CharField(_("chat user id"), max_length=100)
    # Set while a run posts it; cleared by a failed post, so that the next run tries again.
    claimed_at = models.DateTimeField(default=timezone.now, null=True, blank=True)
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    answered_at = models.DateTimeField(_("answered from the chat at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation sent to the chat")
        verbose_name_plural = _("invitations sent to the chat")
        ordering = ["-claimed_at"]

    def __str__(self) -> str:
        return f"{self.invitation_id} → {self.chat_user_id}"


class DigestPost(models.Model):
    """The weekly digest of one ISO week: claimed, then posted, once."""

    iso_year = models.PositiveSmallIntegerField(_("year"))
    iso_week = models.PositiveSmallIntegerField(_("week"))
    claimed_at = models.DateTimeField(null=True, blank=True)
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("weekly chat digest")
        verbose_name_plural = _("weekly chat digests")
        ordering = ["-iso_year", "-iso_week"]
        constraints = [
            models.UniqueConstraint(fields=["iso_year", "iso_week"], name="chat_digest_week_unique")
        ]

    def __str__(self) -> str:
        return f"{self.iso_year}-W{self.iso_week:02d}"
