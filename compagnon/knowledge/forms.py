"""Forms of the knowledge pages: they check the shape of what is typed; services decide the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from compagnon.cases.models import Case
from compagnon.core.forms import DateInput
from compagnon.knowledge.models import (
    NOTE_MAX_LENGTH,
    REPORT_SECTIONS,
    SECTION_MAX_LENGTH,
    DocumentKind,
    OutcomeKind,
    Visibility,
)
from compagnon.knowledge.search import MAX_QUERY_LENGTH, SearchFilters
from compagnon.members.filters import FilterForm, TagTree
from compagnon.members.forms import AccessibleForm
from compagnon.members.models import MembershipStatus, Organisation, Tag
from compagnon.workshops.models import Workshop

TAGS_MAX = 12


class SearchForm(FilterForm):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.SearchInput(
            attrs={"placeholder": _("forecasting, prévision, uplift…"), "data-testid": "search-q"}
        ),
        help_text=_("Words in French or English; every word must appear (in any form)."),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("Reports and notes")), *DocumentKind.choices],
    )
    tag = forms.ChoiceField(label=_("Tag"), required=False)
    organisation = forms.TypedChoiceField(
        label=_("Organisation"), required=False, coerce=int, empty_value=None
    )
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, facets: dict[str, list], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._choice_field("tag").choices = [
            ("", _("Any tag")),
            *((tag.slug, tag.label) for tag in facets["tags"]),
        ]
        self._choice_field("organisation").choices = [
            ("", _("Any organisation")),
            *((organisation.pk, organisation.name) for organisation in facets["organisations"]),
        ]
        self._choice_field("year").choices = [
            ("", _("Any year")),
            *((year, str(year)) for year in facets["years"]),
        ]

    def query(self) -> str:
        # Not validated as a field: a long or odd query is cut and searched, never refused.
        raw = self.data.get("q", "") if self.is_bound else ""
        return str(raw)[:MAX_QUERY_LENGTH].strip()

    def filters(self) -> SearchFilters:
        data = self.valid_data()
        tag_ids: frozenset[int] = frozenset()
        if "tag" in data:
            # A broad tag includes its specialities, as in the directory.
            tag_ids = frozenset(TagTree.load().subtree_ids(data["tag"]))
        return SearchFilters(
            tag_ids=tag_ids,
            organisation_id=data.get("organisation"),
            year=data.get("year"),
            kind=data.get("kind"),
        )

    @property
    def is_filtered(self) -> bool:
        data = self.valid_data()
        data.pop("q", None)
        return bool(data)


def _section_field(label: str, help_text: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=SECTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": SECTION_MAX_LENGTH}),
        help_text=help_text,
        error_messages={
            "max_length": _(
                "A section is limited to %(limit_value)d characters (it has %(show_value)d)."
            )
        },
    )


class ReportForm(AccessibleForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    visibility = forms.ChoiceField(
        label=_("Who may read it once published"),
        choices=Visibility.choices,
        initial=Visibility.MEMBERS,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for name, label, help_text in REPORT_SECTIONS:
            self.fields[name] = _section_field(label, f"{help_text} {_('Markdown.')}")
        # Title first, the sections in seed 003's order, who may read it last.
        order = ["title", *(name for name, _label, _help in REPORT_SECTIONS), "visibility"]
        self.order_fields(order)

    def section_fields(self) -> list[forms.BoundField]:
        return [self[name] for name, _label, _help in REPORT_SECTIONS]


class TagsField(forms.ModelMultipleChoiceField):
    def __init__(self, **kwargs: Any):
        super().__init__(
            queryset=Tag.objects.order_by("label_en"),
            to_field_name="slug",
            required=False,
            widget=forms.SelectMultiple(attrs={"size": 8}),
            **kwargs,
        )

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.label)

    def clean(self, value: Any) -> Any:
        tags = super().clean(value)
        if len(tags) > TAGS_MAX:
            raise forms.ValidationError(
                _("Choose at most %(limit)d tags.") % {"limit": TAGS_MAX}, code="too_many"
            )
        return tags


class NoteForm(AccessibleForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 14, "maxlength": NOTE_MAX_LENGTH}),
        help_text=_("Markdown. What you learned, how to do it, what to avoid."),
        error_messages={"required": _("Write the note: what you learned and how to do it.")},
    )
    tags = TagsField(label=_("Tags"), help_text=_("Hold Ctrl (⌘ on a Mac) to choose several."))
    workshops = forms.ModelMultipleChoiceField(
        label=_("Workshops"),
        queryset=Workshop.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("The workshops this note comes from, if any."),
    )
    visibility = forms.ChoiceField(
        label=_("Who may read it"),
        choices=Visibility.choices,
        initial=Visibility.MEMBERS,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, workshops: QuerySet[Workshop], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["workshops"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = workshops.order_by("-starts_at", "-pk")


class OutcomeForm(AccessibleForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=OutcomeKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=SECTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown."),
    )
    date = forms.DateField(label=_("Date"), widget=DateInput())
    organisations = forms.ModelMultipleChoiceField(
        label=_("Organisations involved"),
        queryset=Organisation.objects.exclude(status=MembershipStatus.LAPSED).order_by("name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    url = forms.URLField(label=_("Link"), required=False, assume_scheme="https")
    case = forms.ModelChoiceField(
        label=_("Case"), queryset=Case.objects.order_by("-pk"), required=False
    )
    workshop = forms.ModelChoiceField(
        label=_("Workshop"), queryset=Workshop.objects.order_by("-starts_at", "-pk"), required=False
    )
