from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from compagnon.core.forms import DateInput
from compagnon.news.models import Author, Language, Post

ZIP_MAX_UPLOAD = 100 * 1024 * 1024

# Paths under blog/ that a post's slug may not take.
RESERVED_SLUGS = {"new", "import", "manage", "preview", "archive", "tags", "authors", "rss.xml",
                  "atom.xml", "page"}  # fmt: skip


class PostForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    slug = forms.SlugField(
        label=_("Slug"), max_length=200, help_text=_("The end of the post's address.")
    )
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    date = forms.DateField(label=_("Date"), widget=DateInput())
    description = forms.CharField(
        label=_("Description"), max_length=500, required=False,
        help_text=_("One or two sentences for lists, feeds and link previews."),
    )  # fmt: skip
    authors = forms.ModelMultipleChoiceField(
        label=_("Authors"), queryset=Author.objects.all(), required=False
    )
    tags = forms.CharField(
        label=_("Tags"), required=False, help_text=_("Separated by commas."), max_length=500
    )
    body = forms.CharField(
        label=_("Text (Markdown)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 24}),
        help_text=_("Put <!--truncate--> after the excerpt shown in lists."),
    )
    audio = forms.CharField(label=_("Audio file or URL"), max_length=500, required=False)
    audio_transcript = forms.CharField(
        label=_("Audio transcript URL"), max_length=500, required=False
    )

    def __init__(self, *args, post: Post | None = None, **kwargs):
        self.post = post
        super().__init__(*args, **kwargs)

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(_("This slug is reserved; choose another."))
        others = Post.objects.filter(slug=slug)
        if self.post is not None:
            others = others.exclude(pk=self.post.pk)
        if others.exists():
            raise forms.ValidationError(_("Another post already has this slug."))
        return slug

    def clean_tags(self):
        return tuple(t.strip() for t in self.cleaned_data["tags"].split(",") if t.strip())


class PreviewForm(forms.Form):
    body = forms.CharField(required=False)
    title = forms.CharField(required=False)
    language = forms.ChoiceField(choices=Language.choices, required=False)


class ImageForm(forms.Form):
    image = forms.ImageField(
        label=_("Image"),
        help_text=_("PNG, JPEG, GIF or WebP, 10 MB at most."),
        error_messages={"required": _("Choose an image file to upload.")},
    )
    alt = forms.CharField(label=_("Alternative text"), max_length=300, required=False)
    # The 10 MB limit and the image check are services.post_image_add's (the importer's too).


class ImportForm(forms.Form):
    archive = forms.FileField(
        label=_("Zip of the Docusaurus site or of its blog folder"),
        help_text=_(
            "The site's root (blog/ beside static/) or its blog/ folder: Markdown or MDX files "
            "with their front matter, authors.yml, images and linked files."
        ),
    )
    publish = forms.BooleanField(label=_("Publish new posts"), required=False, initial=True)
    dry_run = forms.BooleanField(
        label=_("Only check: show what would be imported, dropped or warned, write nothing"),
        required=False,
    )

    def clean_archive(self):
        archive = self.cleaned_data["archive"]
        if archive.size > ZIP_MAX_UPLOAD:
            raise forms.ValidationError(
                _("The archive is over 100 MB: split the blog folder into several zips.")
            )
        return archive


class PageForm(forms.Form):
    title_fr = forms.CharField(label=_("Title (French)"), max_length=200)
    body_fr = forms.CharField(
        label=_("Text (French, Markdown)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14}),
    )
    title_en = forms.CharField(label=_("Title (English)"), max_length=200)
    body_en = forms.CharField(
        label=_("Text (English, Markdown)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14}),
    )
