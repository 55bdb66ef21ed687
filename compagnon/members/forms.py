"""Forms of the "edit my profile" page. They validate input; services write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.forms.utils import ErrorList
from django.utils.translation import gettext_lazy as _

from compagnon.core.forms import DateInput
from compagnon.members.models import Base, Language, Level, Person, Tag
from compagnon.members.services import ORCID_MESSAGE, ORCID_PATTERN, PROFILE_FIELDS
from compagnon.members.tags import TagResolver

BIO_MAX_LENGTH = 2000
LEVEL_MESSAGE = _("Choose a level between 1 (Notions) and 4 (Expert).")
ORCID_PREFIXES = ("https://orcid.org/", "http://orcid.org/", "orcid.org/")


class AlertErrorList(ErrorList):
    """Field errors announced by screen readers when they appear (role="alert")."""

    template_name = "members/forms/errors.html"
    template_name_ul = "members/forms/errors.html"


class AccessibleForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("error_class", AlertErrorList)
        super().__init__(*args, **kwargs)


def _formfield(field: models.Field, **kwargs: Any) -> forms.Field | None:
    # Typed links without a scheme become https://, not http:// (Django 6 default, chosen now).
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


class ProfileForm(forms.ModelForm):
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        required=False,
        choices=Language.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    base = forms.ModelChoiceField(
        label=_("Base"),
        required=False,
        queryset=Base.objects.filter(is_active=True).order_by("name"),
        empty_label=_("No base"),
        to_field_name="slug",
    )
    # Declared here, not from the model (19 characters): the full orcid.org URL is accepted too.
    orcid = forms.CharField(
        label=_("ORCID"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"placeholder": "0000-0002-1825-0097", "spellcheck": "false"}),
        help_text=_("Your ORCID iD, 16 digits in four groups, e.g. 0000-0002-1825-0097."),
    )

    class Meta:
        model = Person
        formfield_callback = _formfield
        fields = list(PROFILE_FIELDS)
        widgets = {
            "bio": forms.Textarea(attrs={"maxlength": BIO_MAX_LENGTH, "rows": 6}),
            "do_not_invite_before": DateInput(),
            "directory_visibility": forms.RadioSelect,
            "linkedin_url": forms.URLInput(attrs={"placeholder": "https://www.linkedin.com/in/…"}),
            "github_url": forms.URLInput(attrs={"placeholder": "https://github.com/…"}),
            "website_url": forms.URLInput(attrs={"placeholder": "https://…"}),
        }
        help_texts = {
            "bio": _(
                "Plain text, up to 2000 characters: what you work on, what you'd like to share."
            ),
            "directory_visibility": _("Who finds you in the directory and sees your page."),
            # Display only: the /case command knows a person by a chat account linked by proof.
            "chat_username": _(
                "Your user name on the club's chat. It does not link your account: "
                "use the link below for the /case command."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("error_class", AlertErrorList)
        super().__init__(*args, **kwargs)

    def clean_orcid(self) -> str:
        value = (self.cleaned_data.get("orcid") or "").strip()
        for prefix in ORCID_PREFIXES:
            if value.lower().startswith(prefix):
                value = value[len(prefix) :]
        value = value.upper()
        if value and not ORCID_PATTERN.match(value):
            raise forms.ValidationError(ORCID_MESSAGE, code="orcid")
        return value


def _level_field() -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=_("Level"),
        choices=Level.choices,
        coerce=int,
        initial=Level.PRACTITIONER,
        error_messages={"invalid_choice": LEVEL_MESSAGE, "required": LEVEL_MESSAGE},
    )


class TagField(forms.CharField):
    """A tag typed by hand: a slug, a French or English label, or a synonym."""

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("max_length", 120)
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"list": "tag-options", "autocomplete": "off", "spellcheck": "false"}
            ),
        )
        super().__init__(*args, **kwargs)


class _TagForm(AccessibleForm):
    def __init__(self, *args: Any, resolver: TagResolver | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._resolver = resolver

    @property
    def resolver(self) -> TagResolver:
        if self._resolver is None:
            self._resolver = TagResolver.load()
        return self._resolver

    def clean_tag(self) -> Tag:
        typed = self.cleaned_data["tag"]
        tag = self.resolver.resolve(typed)
        if tag is not None:
            return tag
        suggestion = self.resolver.closest(typed)
        if suggestion is not None:
            raise forms.ValidationError(
                _("Unknown tag “%(typed)s”. Did you mean “%(suggestion)s”?"),
                code="unknown_tag",
                params={"typed": typed, "suggestion": suggestion.label},
            )
        raise forms.ValidationError(
            _("Unknown tag “%(typed)s”. Pick one from the suggestions."),
            code="unknown_tag",
            params={"typed": typed},
        )


class SkillAddForm(_TagForm):
    tag = TagField(label=_("Skill"), help_text=_("Start typing, then pick from the suggestions."))
    level = _level_field()
    can_teach = forms.BooleanField(label=_("I can teach it"), required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("auto_id", "id_skill_add_%s")
        super().__init__(*args, **kwargs)


class SkillUpdateForm(AccessibleForm):
    """One row of the skills list; ids carry the tag so the rows do not collide."""

    level = _level_field()
    can_teach = forms.BooleanField(label=_("Can teach"), required=False)

    def __init__(self, *args: Any, tag_slug: str, **kwargs: Any):
        kwargs.setdefault("auto_id", f"id_skill_{tag_slug}_%s")
        super().__init__(*args, **kwargs)


class InterestAddForm(_TagForm):
    tag = TagField(
        label=_("Topic"), help_text=_("Something you'd like to learn from other members.")
    )

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("auto_id", "id_interest_%s")
        super().__init__(*args, **kwargs)
