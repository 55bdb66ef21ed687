"""What the club keeps of its work: workshop reports, best-practice notes, outcomes.

`SearchDocument` is the search index's row for a report or a note: the text
to search, the facts the filters need (tags, organisations, year, kind) and
the visibility, kept in step by `knowledge.services` (never by signals). The
full-text part lives beside it, per database: a generated `tsvector` column
with a GIN index on PostgreSQL, an FTS5 virtual table on SQLite (see
`knowledge.search` and migration 0002).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

SECTION_MAX_LENGTH = 20_000
NOTE_MAX_LENGTH = 40_000


class Visibility(models.TextChoices):
    MEMBERS = "members", _("Members only")
    PUBLIC = "public", _("Public")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


# The report's sections, in the order of seed 003 ("what trace does a data
# scientist leave of their work?"): (field name, label, help text).
REPORT_SECTIONS: tuple[tuple[str, Any, Any], ...] = (
    (
        "question",
        _("The question, and how it evolved"),
        _("What was asked at the start, and what the question became."),
    ),
    ("what_worked", _("What worked"), _("Methods, tools and ideas that gave results.")),
    ("what_did_not", _("What did not work"), _("Dead ends are worth keeping too.")),
    (
        "data_sources",
        _("Data sources and recommendations"),
        _("Which data was used, how to get it, what to watch out for."),
    ),
    ("difficulties", _("Difficulties met"), _("The backlog of what got in the way.")),
    ("next_leads", _("Next leads"), _("New uses of the data, questions left open.")),
    ("code_links", _("Links to code"), _("Repositories, notebooks, slides.")),
)
SECTION_FIELDS = tuple(name for name, _label, _help in REPORT_SECTIONS)


class Report(models.Model):
    """The written trace of one workshop, by its hosts (or staff)."""

    workshop = models.OneToOneField(
        "workshops.Workshop",
        on_delete=models.CASCADE,
        related_name="report",
        verbose_name=_("workshop"),
    )
    title = models.CharField(_("title"), max_length=200)
    question = models.TextField(
        _("the question, and how it evolved"), max_length=SECTION_MAX_LENGTH, blank=True
    )
    what_worked = models.TextField(_("what worked"), max_length=SECTION_MAX_LENGTH, blank=True)
    what_did_not = models.TextField(
        _("what did not work"), max_length=SECTION_MAX_LENGTH, blank=True
    )
    data_sources = models.TextField(
        _("data sources and recommendations"), max_length=SECTION_MAX_LENGTH, blank=True
    )
    difficulties = models.TextField(
        _("difficulties met"), max_length=SECTION_MAX_LENGTH, blank=True
    )
    next_leads = models.TextField(_("next leads"), max_length=SECTION_MAX_LENGTH, blank=True)
    code_links = models.TextField(_("links to code"), max_length=SECTION_MAX_LENGTH, blank=True)
    authors = models.ManyToManyField(
        "members.Person", blank=True, related_name="reports_written", verbose_name=_("authors")
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ReportStatus.choices,
        default=ReportStatus.DRAFT,
        db_index=True,
    )
    visibility = models.CharField(
        _("who may read it"), max_length=10, choices=Visibility.choices, default=Visibility.MEMBERS
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("workshop report")
        verbose_name_plural = _("workshop reports")
        ordering = ["-published_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("knowledge:report_detail", kwargs={"pk": self.pk})

    @property
    def is_published(self) -> bool:
        return self.status == ReportStatus.PUBLISHED


class Note(models.Model):
    """A best-practice note any member writes, tied to tags and workshops."""

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), max_length=NOTE_MAX_LENGTH, help_text=_("Markdown."))
    tags = models.ManyToManyField(
        "members.Tag", blank=True, related_name="knowledge_notes", verbose_name=_("tags")
    )
    workshops = models.ManyToManyField(
        "workshops.Workshop",
        blank=True,
        related_name="knowledge_notes",
        verbose_name=_("workshops"),
    )
    author = models.ForeignKey(
        "members.Person",
        null=True,
        on_delete=models.SET_NULL,
        related_name="knowledge_notes",
        verbose_name=_("author"),
    )
    visibility = models.CharField(
        _("who may read it"), max_length=10, choices=Visibility.choices, default=Visibility.MEMBERS
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("best-practice note")
        verbose_name_plural = _("best-practice notes")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("knowledge:note_detail", kwargs={"pk": self.pk})


class OutcomeKind(models.TextChoices):
    PARTNERSHIP = "partnership", _("Partnership between organisations")
    CONSORTIUM = "consortium", _("Consortium for a call for projects")
    OPEN_SOURCE = "open_source", _("Open-source project")
    OTHER = "other", _("Other")


class Outcome(models.Model):
    """Something that came out of the club's work, recorded by staff."""

    kind = models.CharField(_("kind"), max_length=12, choices=OutcomeKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(
        _("description"), max_length=SECTION_MAX_LENGTH, blank=True, help_text=_("Markdown.")
    )
    date = models.DateField(_("date"))
    organisations = models.ManyToManyField(
        "members.Organisation",
        blank=True,
        related_name="knowledge_outcomes",
        verbose_name=_("organisations involved"),
    )
    url = models.URLField(_("link"), blank=True)
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outcomes",
        verbose_name=_("case"),
    )
    workshop = models.ForeignKey(
        "workshops.Workshop",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outcomes",
        verbose_name=_("workshop"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return self.title


class DocumentKind(models.TextChoices):
    REPORT = "report", _("Workshop report")
    NOTE = "note", _("Best-practice note")


class SearchDocument(models.Model):
    """One searchable report or note, denormalised for the filters (kept by the services)."""

    kind = models.CharField(_("kind"), max_length=10, choices=DocumentKind.choices)
    report = models.OneToOneField(
        Report, null=True, blank=True, on_delete=models.CASCADE, related_name="search_document"
    )
    note = models.OneToOneField(
        Note, null=True, blank=True, on_delete=models.CASCADE, related_name="search_document"
    )
    title = models.CharField(_("title"), max_length=200)
    # The plain text shown in snippets, and its folded form (lower case, no accents)
    # that PostgreSQL's generated tsvector is computed from.
    body = models.TextField(_("text"), blank=True)
    index_title = models.TextField(blank=True)
    index_body = models.TextField(blank=True)
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    tags = models.ManyToManyField("members.Tag", blank=True, related_name="+")
    organisations = models.ManyToManyField("members.Organisation", blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        constraints = [
            models.CheckConstraint(
                condition=(Q(report__isnull=False) & Q(note__isnull=True))
                | (Q(report__isnull=True) & Q(note__isnull=False)),
                name="search_document_one_source",
            )
        ]

    def __str__(self) -> str:
        return self.title
