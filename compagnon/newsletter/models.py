"""Subscribers and their consent, mailings and their deliveries.

A Delivery row exists once per (mailing, subscriber): it is created up front when
a mailing is sent, and a batch only hands to the outbox the rows still queued, so a
retried batch never sends twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    FR = "fr", _("French")
    EN = "en", _("English")


class SubscriberStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")


class Subscriber(models.Model):
    email = models.EmailField(_("email address"), max_length=254)
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.FR
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=SubscriberStatus.choices,
        default=SubscriberStatus.PENDING,
    )
    confirmation_token = models.CharField(max_length=64, unique=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirmation_emails = models.PositiveIntegerField(default=0)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        ordering = ("-created_at", "-pk")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="newsletter_subscriber_email_ci"),
        ]
        indexes = [models.Index(fields=("status",), name="newsletter_sub_status")]

    def __str__(self) -> str:
        return self.email


class ConsentAction(models.TextChoices):
    SUBSCRIBE = "subscribe", _("Subscribed")
    CONFIRM = "confirm", _("Confirmed")
    UNSUBSCRIBE = "unsubscribe", _("Unsubscribed")


class ConsentRecord(models.Model):
    """What a person agreed to (or withdrew), when, and from which page. Never edited."""

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="consent_records"
    )
    action = models.CharField(_("action"), max_length=16, choices=ConsentAction.choices)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    source = models.CharField(_("source page"), max_length=300, blank=True)
    consent_version = models.CharField(_("consent text version"), max_length=32, blank=True)
    language = models.CharField(_("language"), max_length=2, blank=True)
    ip_hash = models.CharField(_("IP address hash"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ("created_at", "pk")

    def __str__(self) -> str:
        return f"{self.subscriber} {self.action} {self.created_at:%Y-%m-%d %H:%M}"


class MailingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")


class Mailing(models.Model):
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"), blank=True, help_text=_("Markdown."))
    digest = models.TextField(
        _("digest"),
        blank=True,
        help_text=_("Generated from new posts and upcoming public workshops; edit at will."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=MailingStatus.choices, default=MailingStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    test_sent_to = models.CharField(_("test sent to"), max_length=254, blank=True)
    test_sent_at = models.DateTimeField(null=True, blank=True)
    send_started_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    recipients_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("mailing")
        verbose_name_plural = _("mailings")
        ordering = ("-created_at", "-pk")

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("newsletter:mailing_detail", args=[self.pk])


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Handed to the outbox")
    SKIPPED = "skipped", _("Skipped (unsubscribed meanwhile)")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(
        _("status"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    email = models.ForeignKey(
        "core.OutboundEmail", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ("pk",)
        constraints = [
            models.UniqueConstraint(
                fields=("mailing", "subscriber"), name="newsletter_delivery_once"
            ),
        ]
        indexes = [
            models.Index(fields=("mailing", "status"), name="newsletter_delivery_status"),
        ]

    def __str__(self) -> str:
        return f"{self.mailing_id} -> {self.subscriber_id}"
