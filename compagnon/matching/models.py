"""Matching's own data: the bilingual vocabulary of each tag, and the learned ranking models.

People and cases belong to other apps; matching reads them (see index.py).
"""

from __future__ import annotations

from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TERMS_MAX_LENGTH = 4000


class Vocabulary(models.Model):
    """Terms of one tag (sub-area empty) or one of its sub-areas, in French and in English.

    Methods, problems, data and tools, separated by commas or new lines. The
    engine finds them in bios, reports and cases (they count for the tag, and
    as a concept of their own), and French and English terms of one entry
    bridge the two languages.
    """

    tag = models.ForeignKey(
        "members.Tag", on_delete=models.CASCADE, related_name="+", verbose_name=_("tag")
    )
    sub_area = models.CharField(
        _("sub-area"),
        max_length=80,
        blank=True,
        help_text=_("Empty: the tag's general terms. Otherwise a short name, e.g. anomalies."),
    )
    terms_fr = models.TextField(
        _("French terms"), blank=True, validators=[MaxLengthValidator(TERMS_MAX_LENGTH)]
    )
    terms_en = models.TextField(
        _("English terms"), blank=True, validators=[MaxLengthValidator(TERMS_MAX_LENGTH)]
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("matching vocabulary")
        verbose_name_plural = _("matching vocabulary")
        ordering = ["tag__slug", "sub_area"]
        constraints = [
            models.UniqueConstraint(fields=["tag", "sub_area"], name="vocabulary_tag_sub_area")
        ]

    def __str__(self) -> str:
        return f"{self.tag.slug} / {self.sub_area}" if self.sub_area else self.tag.slug


class RankingModel(models.Model):
    """One version of the score's part weights, learned from the club's answers (or the prior)."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    weights = models.JSONField(_("weights"), default=dict)
    metrics = models.JSONField(_("metrics"), default=dict, blank=True)
    cases = models.PositiveIntegerField(_("answered cases"), default=0)
    pairs = models.PositiveIntegerField(_("pairs"), default=0)
    learned = models.BooleanField(
        _("learned"), default=False, help_text=_("False: too few answers, the prior weights.")
    )
    is_active = models.BooleanField(_("active"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("ranking model")
        verbose_name_plural = _("ranking models")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=models.Q(is_active=True),
                name="ranking_model_one_active",
            )
        ]

    def __str__(self) -> str:
        return f"v{self.version}"
