"""Forms of the case pages. They check the shape of what is typed; services decide the rules."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from compagnon.cases.models import (
    DESCRIPTION_MAX_LENGTH,
    CaseFormat,
    CaseStatus,
    Confidentiality,
    DataSharing,
)
from compagnon.cases.services import (
    CASE_LANGUAGES,
    DATA_DESCRIPTION_MAX_LENGTH,
    INTERESTED_NEEDED_MAX,
    NOTE_MAX_LENGTH,
)
from compagnon.core.forms import DateInput
from compagnon.members.filters import FastSelectMultiple, FilterForm, TagTree
from compagnon.members.forms import AccessibleForm
from compagnon.members.models import Base, Language, MembershipStatus, Organisation, Person, Tag
from compagnon.members.tags import TagResolver, split_tag_cell

TAGS_MAX = 12


def new_form_token() -> str:
    return uuid.uuid4().hex


def _organisations() -> QuerySet[Organisation]:
    return Organisation.objects.filter(status=MembershipStatus.ACTIVE).order_by("name")


class OrganisationsField(forms.ModelMultipleChoiceField):
    def __init__(self, **kwargs: Any):
        kwargs.setdefault("queryset", _organisations())
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


class CaseForm(AccessibleForm):
    """What a case says; the same form files a case and edits it."""

    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("One sentence: the problem, not the solution."),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 12, "maxlength": DESCRIPTION_MAX_LENGTH}),
        help_text=_(
            "Markdown. What is the problem, what did you try, what would help? "
            "Up to 20,000 characters."
        ),
        error_messages={
            "required": _("Describe the case: the problem, what you tried, what would help."),
            "max_length": _(
                "The description is limited to %(limit_value)d characters (it has %(show_value)d)."
            ),
        },
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=2000,
        widget=forms.TextInput(
            attrs={
                "list": "tag-options",
                "autocomplete": "off",
                "spellcheck": "false",
                "data-testid": "case-tags",
            }
        ),
        help_text=_(
            "Topics from the club's list, separated by commas. Start typing for suggestions."
        ),
    )
    data_description = forms.CharField(
        label=_("What data you have"),
        required=False,
        max_length=DATA_DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": DATA_DESCRIPTION_MAX_LENGTH}),
        help_text=_("What data you have: sources, period, format."),
    )
    data_volume = forms.CharField(
        label=_("Data volume"),
        required=False,
        max_length=200,
        help_text=_("For example: 5 years of weekly sales, 2 GB of logs."),
    )
    data_sharing = forms.ChoiceField(
        label=_("Can the data be shared?"),
        choices=DataSharing.choices,
        initial=DataSharing.UNDER_AGREEMENT,
        widget=forms.RadioSelect,
    )
    confidentiality = forms.ChoiceField(
        label=_("Who may see the case"),
        choices=Confidentiality.choices,
        initial=Confidentiality.MEMBERS,
        widget=forms.RadioSelect,
        help_text=_(
            "Anonymised: members see the case but not your organisation nor your name; "
            "staff and your colleagues still do."
        ),
    )
    shared_with = OrganisationsField(
        label=_("Organisations to share with"),
        widget=FastSelectMultiple(attrs={"data-testid": "shared-with"}),
        help_text=_(
            "Only for “Named organisations only”. Hold Ctrl (⌘ on a Mac) to choose several."
        ),
    )
    excluded_organisations = OrganisationsField(
        label=_("Organisations to exclude"),
        widget=FastSelectMultiple(attrs={"data-testid": "excluded-organisations"}),
        help_text=_(
            "Competitors, for example: their people never see the case nor get invited. "
            "Hold Ctrl (⌘ on a Mac) to choose several."
        ),
    )
    format = forms.ChoiceField(
        label=_("Format asked for"),
        choices=CaseFormat.choices,
        initial=CaseFormat.WORKSHOP_HALF_DAY,
    )
    base = forms.ModelChoiceField(
        label=_("Preferred base"),
        required=False,
        queryset=Base.objects.filter(is_active=True).order_by("name"),
        empty_label=_("No preference"),
    )
    remote_ok = forms.BooleanField(label=_("Remote is fine"), required=False, initial=True)
    language = forms.ChoiceField(
        label=_("Language of the case"),
        choices=[(code, label) for code, label in Language.choices if code in CASE_LANGUAGES],
        initial="fr",
    )
    horizon = forms.DateField(
        label=_("Wanted by"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty if there is no deadline."),
    )
    wants_research = forms.BooleanField(
        label=_("Research welcome"),
        required=False,
        help_text=_("Invite researchers too: the case could feed their work."),
    )
    interested_needed = forms.IntegerField(
        label=_("People needed"),
        min_value=1,
        max_value=INTERESTED_NEEDED_MAX,
        initial=3,
        help_text=_("The case is matched once this many people are interested."),
    )

    def __init__(
        self,
        *args: Any,
        resolver: TagResolver | None = None,
        own_organisation_id: int | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self._resolver = resolver
        if own_organisation_id is not None:
            # Nobody excludes their own organisation: not offered at all.
            excluded = self.fields["excluded_organisations"]
            assert isinstance(excluded, forms.ModelMultipleChoiceField)
            excluded.queryset = _organisations().exclude(pk=own_organisation_id)

    @property
    def resolver(self) -> TagResolver:
        if self._resolver is None:
            self._resolver = TagResolver.load()
        return self._resolver

    def clean_tags(self) -> list[Tag]:
        names = split_tag_cell(self.cleaned_data.get("tags") or "")
        tags: list[Tag] = []
        errors: list[forms.ValidationError] = []
        for name in names:
            tag = self.resolver.resolve(name)
            if tag is not None:
                if tag not in tags:
                    tags.append(tag)
                continue
            suggestion = self.resolver.closest(name)
            if suggestion is not None:
                errors.append(
                    forms.ValidationError(
                        _("Unknown tag “%(typed)s”. Did you mean “%(suggestion)s”?"),
                        code="unknown_tag",
                        params={"typed": name, "suggestion": suggestion.label},
                    )
                )
            else:
                errors.append(
                    forms.ValidationError(
                        _("Unknown tag “%(typed)s”. Pick one from the suggestions."),
                        code="unknown_tag",
                        params={"typed": name},
                    )
                )
        if errors:
            raise forms.ValidationError(errors)
        if len(tags) > TAGS_MAX:
            raise forms.ValidationError(
                _("Choose at most %(max)d tags."), code="too_many_tags", params={"max": TAGS_MAX}
            )
        return tags

    @staticmethod
    def tags_text(tags: list[Tag]) -> str:
        """The tags as the input shows them: labels in the active language, comma-separated."""
        return ", ".join(tag.label for tag in tags)

    def case_fields(self) -> dict[str, Any]:
        """The cleaned values, named as the services take them."""
        from compagnon.cases.services import CASE_FIELDS, CASE_M2M_FIELDS

        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name in CASE_FIELDS or name in CASE_M2M_FIELDS
        }


class CaseCreateForm(CaseForm):
    """Filing a case: a one-time token against double submission, and "on behalf of" for staff."""

    form_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, on_behalf: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("form_token", new_form_token())
        if on_behalf:
            self.fields["on_behalf_of"] = forms.EmailField(
                label=_("On behalf of"),
                required=False,
                widget=forms.EmailInput(attrs={"data-testid": "case-on-behalf-of"}),
                help_text=_(
                    "The email address of the member who brings the case. "
                    "Leave empty to bring it yourself."
                ),
            )

    def clean_on_behalf_of(self) -> Person | None:
        email = (self.cleaned_data.get("on_behalf_of") or "").strip()
        if not email:
            return None
        person = Person.objects.select_related("organisation").filter(email__iexact=email).first()
        if person is None:
            raise forms.ValidationError(
                _("No one in the club has the address %(email)s."),
                code="unknown_person",
                params={"email": email},
            )
        return person


class TransitionForm(AccessibleForm):
    to = forms.ChoiceField(choices=CaseStatus.choices)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": NOTE_MAX_LENGTH}),
    )


class CaseFilterForm(FilterForm):
    """The list page's filters. A bad value in a hand-typed URL is dropped, not fatal."""

    tag = forms.ChoiceField(label=_("Tag"), required=False)
    format = forms.ChoiceField(
        label=_("Format"), required=False, choices=[("", _("Any format")), *CaseFormat.choices]
    )
    base = forms.ModelChoiceField(
        label=_("Base"),
        required=False,
        queryset=Base.objects.filter(is_active=True).order_by("name"),
        to_field_name="slug",
        empty_label=_("Any base"),
    )

    def __init__(self, *args: Any, tag_tree: TagTree, **kwargs: Any):
        super().__init__(*args, **kwargs)
        tag_field = self.fields["tag"]
        assert isinstance(tag_field, forms.ChoiceField)
        tag_field.choices = [("", _("Any tag")), *tag_tree.choices()]
