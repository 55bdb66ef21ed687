"""The club's public face: blog posts and their authors, open-source projects, the about page.

A post keeps its Markdown and a cached rendering (HTML, excerpt, reading time) in
the same row, stamped with the renderer version and a hash of what was rendered:
`compagnon.news.services.post_rendering` re-renders when either changed, so an
edit (or a new renderer) invalidates the cache without anyone having to remember.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

IMAGE_MAX_BYTES = 10 * 1024 * 1024
FILE_MAX_BYTES = 20 * 1024 * 1024


def validate_author_link(value: str) -> None:
    """A web page (http/https) or an e-mail address (mailto:); nothing that runs code."""
    if value.lower().startswith("mailto:"):
        if "@" not in value or any(c in value for c in "<>\"' \n"):
            raise ValidationError(_("Enter a valid e-mail link (mailto:name@example.org)."))
        return
    URLValidator(schemes=["http", "https"])(value)


class Language(models.TextChoices):
    FR = "fr", _("French")
    EN = "en", _("English")


class PostStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


def _in_language(french: str, english: str) -> str:
    return english if english and (get_language() or "fr").startswith("en") else french


class Author(models.Model):
    """One author, whatever the language of the post: « Équipe du club » is « Club staff »."""

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(
        _("name in English"),
        max_length=200,
        blank=True,
        help_text=_("When it differs (a team, a board): « Club staff » for « Équipe du club »."),
    )
    title = models.CharField(_("title"), max_length=300, blank=True)
    url = models.CharField(
        _("web page or e-mail"),
        max_length=500,
        blank=True,
        validators=[validate_author_link],
        help_text=_("https://... or mailto:..."),
    )
    image_url = models.URLField(_("image URL"), max_length=500, blank=True)
    image = models.ImageField(_("image"), upload_to="news/authors/", blank=True)

    class Meta:
        ordering = ("name",)
        verbose_name = _("author")
        verbose_name_plural = _("authors")

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse("news:author", kwargs={"slug": self.slug})

    @property
    def label(self) -> str:
        return _in_language(self.name, self.name_en)

    @property
    def picture_url(self) -> str:
        return self.image.url if self.image else self.image_url


class PostTag(models.Model):
    """One blog tag with its two labels: « ateliers » in French is « workshops » in English."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name (French)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80, blank=True)

    class Meta:
        ordering = ("name",)
        verbose_name = _("blog tag")
        verbose_name_plural = _("blog tags")

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse("news:tag", kwargs={"slug": self.slug})

    @property
    def label(self) -> str:
        return _in_language(self.name, self.name_en)


class Post(models.Model):
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    title = models.CharField(_("title"), max_length=300)
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.FR
    )
    date = models.DateField(_("date"))
    description = models.CharField(_("description"), max_length=500, blank=True)
    keywords = models.CharField(_("keywords"), max_length=500, blank=True)
    unlisted = models.BooleanField(
        _("unlisted"),
        default=False,
        help_text=_("Published at its address, but kept out of the blog's lists and feeds."),
    )
    header_image = models.ForeignKey(
        "news.PostImage",
        verbose_name=_("header image"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    body = models.TextField(_("body (Markdown)"), blank=True)
    audio = models.CharField(_("audio file or URL"), max_length=500, blank=True)
    audio_transcript = models.CharField(_("audio transcript URL"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=PostStatus.choices, default=PostStatus.DRAFT
    )
    authors = models.ManyToManyField(Author, verbose_name=_("authors"), blank=True)
    tags = models.ManyToManyField(PostTag, verbose_name=_("tags"), blank=True)
    source_file = models.CharField(_("imported from"), max_length=300, blank=True)
    # The cached rendering (see compagnon.news.services.post_rendering).
    body_html = models.TextField(blank=True, editable=False)
    excerpt_html = models.TextField(blank=True, editable=False)
    plain_text = models.TextField(blank=True, editable=False)
    reading_minutes = models.PositiveSmallIntegerField(default=1, editable=False)
    rendered_version = models.PositiveIntegerField(default=0, editable=False)
    rendered_hash = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ("-date", "-pk")
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        indexes = [models.Index(fields=("status", "-date"), name="news_post_status_date")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("news:post", kwargs={"slug": self.slug})

    @property
    def is_published(self) -> bool:
        return self.status == PostStatus.PUBLISHED


class PostImage(models.Model):
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="images", null=True, blank=True
    )
    file = models.ImageField(_("file"), upload_to="news/%Y/")
    # The path the Markdown uses for it ("./img/2021-03-23-binaire/Hiba.png"), normalised.
    source_path = models.CharField(_("path in the post"), max_length=300, blank=True)
    alt = models.CharField(_("alternative text"), max_length=300, blank=True)
    size = models.PositiveIntegerField(default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("pk",)
        verbose_name = _("post image")
        verbose_name_plural = _("post images")

    def __str__(self) -> str:
        return self.source_path or self.file.name or ""


class PostFile(models.Model):
    """A file a post links to that is not a picture shown in it: a PDF, an SVG drawing."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), upload_to="news/files/%Y/")
    source_path = models.CharField(_("path in the post"), max_length=300)
    size = models.PositiveIntegerField(default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("pk",)
        verbose_name = _("post file")
        verbose_name_plural = _("post files")
        constraints = [
            models.UniqueConstraint(fields=("post", "source_path"), name="news_file_unique_path")
        ]

    def __str__(self) -> str:
        return self.source_path


class PostJob(models.Model):
    """An editor's note found in the text by the renderer: staff tick it when done.

    Kept across re-imports by its text: the same note keeps its tick.
    """

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="jobs")
    text = models.CharField(_("job"), max_length=1000)
    position = models.PositiveSmallIntegerField(default=0)
    is_current = models.BooleanField(default=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ("position", "pk")
        verbose_name = _("editorial job")
        verbose_name_plural = _("editorial jobs")
        constraints = [
            models.UniqueConstraint(fields=("post", "text"), name="news_job_unique_text")
        ]

    def __str__(self) -> str:
        return self.text


class ProjectCategory(models.TextChoices):
    TOOLKIT = "toolkit", _("Toolkit")
    LIBRARY = "library", _("Library")
    DATASET = "dataset", _("Data set")
    COURSE = "course", _("Course material")
    OTHER = "other", _("Other")


class Project(models.Model):
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), help_text=_("Markdown."))
    repository_url = models.URLField(_("repository"), max_length=500)
    category = models.CharField(
        _("category"), max_length=20, choices=ProjectCategory.choices, default=ProjectCategory.OTHER
    )
    date = models.DateField(_("date"))
    workshop = models.ForeignKey(
        "workshops.Workshop",
        verbose_name=_("workshop it came from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
    )
    organisations = models.ManyToManyField(
        "members.Organisation", verbose_name=_("organisations"), blank=True, related_name="+"
    )
    is_public = models.BooleanField(_("shown on the public site"), default=True)

    class Meta:
        ordering = ("-date", "name")
        verbose_name = _("open-source project")
        verbose_name_plural = _("open-source projects")

    def __str__(self) -> str:
        return self.name


class Page(models.Model):
    """A staff-editable page of the public site (the about page), in French and English."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    body_fr = models.TextField(_("text (French)"), blank=True, help_text=_("Markdown."))
    body_en = models.TextField(_("text (English)"), blank=True, help_text=_("Markdown."))
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("page")
        verbose_name_plural = _("pages")

    def __str__(self) -> str:
        return self.slug

    def title_in(self, language: str) -> str:
        return self.title_fr if language == "fr" else self.title_en

    def body_in(self, language: str) -> str:
        other = self.body_en if language == "fr" else self.body_fr
        return (self.body_fr if language == "fr" else self.body_en) or other
