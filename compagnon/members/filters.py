"""Directory and organisation-list filters: GET forms and the querysets they narrow.

Visibility is not decided here: these functions only narrow a queryset that
`selectors.people_visible_to` / `organisations_visible_to` already limited.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from html import escape
from typing import Any, cast

from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.forms.utils import flatatt
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from compagnon.members.models import (
    Base,
    Interest,
    Level,
    MembershipType,
    Organisation,
    OrganisationKind,
    Person,
    RoleFamily,
    Skill,
    Tag,
)

MAX_SEARCH_WORDS = 6


@dataclass(frozen=True)
class TagTree:
    """The taxonomy in memory (a few dozen rows), to expand a tag to its descendants."""

    tags: tuple[Tag, ...]

    @classmethod
    def load(cls) -> TagTree:
        return cls(tuple(Tag.objects.order_by("label_en")))

    def subtree_ids(self, slug: str) -> set[int]:
        """The tag and every tag below it, at any depth (genai-text → nlp → machine-learning)."""
        children: dict[int | None, list[int]] = {}
        root = None
        for tag in self.tags:
            children.setdefault(tag.parent_id, []).append(tag.pk)
            if tag.slug == slug:
                root = tag.pk
        if root is None:
            return set()
        found, todo = set(), [root]
        while todo:
            current = todo.pop()
            if current in found:  # a cycle typed in the admin must not hang the page
                continue
            found.add(current)
            todo.extend(children.get(current, []))
        return found

    def choices(self) -> list[tuple[str, str]]:
        """Slug and label in the active language, parents followed by their children."""
        by_parent: dict[int | None, list[Tag]] = {}
        for tag in self.tags:
            by_parent.setdefault(tag.parent_id, []).append(tag)
        known = {tag.pk for tag in self.tags}
        roots = [tag for tag in self.tags if tag.parent_id is None or tag.parent_id not in known]
        result: list[tuple[str, str]] = []
        seen: set[int] = set()

        def walk(tags: Iterable[Tag], depth: int) -> None:
            for tag in sorted(tags, key=lambda t: t.label.lower()):
                if tag.pk in seen:
                    continue
                seen.add(tag.pk)
                result.append((tag.slug, "\u2003" * depth + tag.label))
                walk(by_parent.get(tag.pk, []), depth + 1)

        walk(roots, 0)
        return result


def _any(label: Any) -> list[tuple[str, Any]]:
    return [("", label)]


class FilterForm(forms.Form):
    """A GET form narrowing a list; shared by every filterable list page."""

    def _choice_field(self, name: str) -> forms.ChoiceField:
        return cast(forms.ChoiceField, self.fields[name])

    def valid_data(self) -> dict[str, Any]:
        """The values that passed validation; a bad one in a hand-typed URL is dropped, not fatal."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if value not in (None, "", [], False)
        }

    @property
    def is_filtered(self) -> bool:
        return bool(self.valid_data())


class FastSelect(forms.Select):
    """Options written in Python instead of one template render each.

    The organisation filter lists every member organisation (hundreds); the
    template-per-option default made the form cost more than the results.
    """

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        values = value if isinstance(value, list | tuple) else [value]
        chosen = {str(v) for v in values if v not in (None, "")}
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        if self.allow_multiple_selected:
            final_attrs["multiple"] = True
        options = "".join(
            '<option value="{}"{}>{}</option>'.format(
                escape(str(key)), " selected" if str(key) in chosen else "", escape(str(label))
            )
            for key, label in self.choices
        )
        # Keys and labels are escaped above; flatatt escapes the attributes.
        return mark_safe(f"<select{flatatt(final_attrs)}>{options}</select>")


class FastSelectMultiple(FastSelect):
    allow_multiple_selected = True

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return forms.SelectMultiple().value_from_datadict(data, files, name)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False


class DirectoryFilterForm(FilterForm):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.SearchInput(attrs={"placeholder": _("Name, job, organisation…")}),
        help_text=_("Searches names, job titles, bios and organisations."),
    )
    tag = forms.MultipleChoiceField(
        label=_("Skills"),
        required=False,
        widget=FastSelectMultiple(attrs={"size": 6}),
        help_text=_(
            "People with all the chosen skills; a broad skill includes its specialities. "
            "Hold Ctrl (⌘ on a Mac) to choose several."
        ),
    )
    level = forms.TypedChoiceField(
        label=_("Minimum level"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[*_any(_("Any level")), *Level.choices],
        widget=FastSelect,
    )
    can_teach = forms.BooleanField(label=_("Can teach it"), required=False)
    learn = forms.ChoiceField(label=_("Wants to learn"), required=False, widget=FastSelect)
    base = forms.ChoiceField(label=_("Base"), required=False, widget=FastSelect)
    organisation = forms.ChoiceField(label=_("Organisation"), required=False, widget=FastSelect)
    role = forms.ChoiceField(
        label=_("Role"),
        required=False,
        choices=[*_any(_("Any role")), *RoleFamily.choices],
        widget=FastSelect,
    )
    membership = forms.ChoiceField(
        label=_("Membership type"),
        required=False,
        choices=[*_any(_("Any membership")), *MembershipType.choices],
        widget=FastSelect,
    )

    def __init__(
        self, *args: Any, tag_tree: TagTree, organisations: QuerySet[Organisation], **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        tag_choices = tag_tree.choices()
        self._choice_field("tag").choices = tag_choices
        self._choice_field("learn").choices = [*_any(_("Any topic")), *tag_choices]
        self._choice_field("base").choices = [
            *_any(_("Any base")),
            *Base.objects.filter(is_active=True).order_by("name").values_list("slug", "name"),
        ]
        self._choice_field("organisation").choices = [
            *_any(_("Any organisation")),
            *organisations.order_by("name").values_list("slug", "name"),
        ]


def _search(people: QuerySet[Person], text: str) -> QuerySet[Person]:
    # Every word must appear somewhere, so "ada alpha" finds Ada at Alpha Corp.
    for word in text.split()[:MAX_SEARCH_WORDS]:
        people = people.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(job_title__icontains=word)
            | Q(bio__icontains=word)
            | Q(organisation__name__icontains=word)
        )
    return people


def _skill_condition(*, tag_ids: set[int] | None, level: int | None, can_teach: bool) -> Exists:
    skills = Skill.objects.filter(person=OuterRef("pk"))
    if tag_ids is not None:
        skills = skills.filter(tag_id__in=tag_ids)
    if level:
        skills = skills.filter(level__gte=level)
    if can_teach:
        skills = skills.filter(can_teach=True)
    return Exists(skills)


def filter_people(
    people: QuerySet[Person], data: dict[str, Any], tag_tree: TagTree
) -> QuerySet[Person]:
    """Narrow `people` by the directory filters; EXISTS subqueries keep one row per person."""
    level, can_teach = data.get("level"), bool(data.get("can_teach"))
    tags = data.get("tag") or []
    # Level and "can teach" qualify the chosen skills; with no skill chosen, any skill.
    for slug in tags:
        people = people.filter(
            _skill_condition(tag_ids=tag_tree.subtree_ids(slug), level=level, can_teach=can_teach)
        )
    if not tags and (level or can_teach):
        people = people.filter(_skill_condition(tag_ids=None, level=level, can_teach=can_teach))
    if data.get("learn"):
        interests = Interest.objects.filter(
            person=OuterRef("pk"), tag_id__in=tag_tree.subtree_ids(data["learn"])
        )
        people = people.filter(Exists(interests))
    if data.get("base"):
        people = people.filter(base__slug=data["base"])
    if data.get("organisation"):
        people = people.filter(organisation__slug=data["organisation"])
    if data.get("role"):
        people = people.filter(role_family=data["role"])
    if data.get("membership"):
        people = people.filter(membership_type=data["membership"])
    if data.get("q"):
        people = _search(people, data["q"])
    return people


class OrganisationFilterForm(FilterForm):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.SearchInput(attrs={"placeholder": _("Organisation name…")}),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[*_any(_("Any kind")), *OrganisationKind.choices],
        widget=FastSelect,
    )
    base = forms.ChoiceField(label=_("Base"), required=False, widget=FastSelect)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._choice_field("base").choices = [
            *_any(_("Any base")),
            *Base.objects.filter(is_active=True).order_by("name").values_list("slug", "name"),
        ]


def filter_organisations(
    organisations: QuerySet[Organisation], data: dict[str, Any]
) -> QuerySet[Organisation]:
    if data.get("kind"):
        organisations = organisations.filter(kind=data["kind"])
    if data.get("base"):
        organisations = organisations.filter(home_base__slug=data["base"])
    for word in (data.get("q") or "").split()[:MAX_SEARCH_WORDS]:
        organisations = organisations.filter(
            Q(name__icontains=word) | Q(description__icontains=word)
        )
    return organisations
