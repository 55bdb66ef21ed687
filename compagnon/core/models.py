from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboundEmail(models.Model):
    """An email waiting to be sent, or sent.

    Writing the row inside the business transaction and sending it from a task
    after commit means a rolled-back action sends nothing, and a retried task
    sends nothing twice: the task claims the row under a lock and skips it
    once `sent_at` is set.
    """

    key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    to = models.JSONField(default=list)
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    # [{"filename": ..., "content": ..., "mimetype": ..., "base64": bool}]: small files only
    # (an .ics), stored with the row so that a retried task sends the same bytes.
    attachments = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # When a send task was last queued for it: the sweep (`emails_requeue_stale`) queues
    # again an unsent email whose task is older than EMAIL_REQUEUE_AFTER_MINUTES.
    queued_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["queued_at"], condition=models.Q(sent_at=None), name="email_unsent_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)}"


class Notice(models.Model):
    """An in-app notice shown to a person (new invitation, an answer to their case…)."""

    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="notices", verbose_name=_("user")
    )
    text = models.CharField(_("text"), max_length=300)
    url = models.CharField(_("link"), max_length=300, blank=True)
    key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], condition=~models.Q(key=""), name="notice_user_key_unique"
            )
        ]

    def __str__(self) -> str:
        return self.text
