"""Forms of the workshop pages: they validate input; the services decide and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from compagnon.core.forms import DateInput, DateTimeInput
from compagnon.members.models import Base, Organisation, Person, Tag
from compagnon.workshops.feedback import LEVELS
from compagnon.workshops.models import (
    SUMMARY_MAX_LENGTH,
    Material,
    MaterialKind,
    Workshop,
    WorkshopFormat,
)
from compagnon.workshops.services import case_is_copied_by_default

DATETIME_WIDGET = DateTimeInput()


class CalendarFilterForm(forms.Form):
    base = forms.ModelChoiceField(
        label=_("Base"),
        queryset=Base.objects.filter(is_active=True).order_by("name"),
        required=False,
        empty_label=_("All bases"),
    )
    tag = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=Tag.objects.order_by("slug"),
        to_field_name="slug",
        required=False,
        empty_label=_("All topics"),
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("", _("All formats")), *WorkshopFormat.choices],
        required=False,
    )
    remote = forms.BooleanField(label=_("Can be followed remotely"), required=False)
    has_seats = forms.BooleanField(label=_("Has seats left"), required=False)


class PersonPicker(forms.SelectMultiple):
    """Hosts and invitees: the people chosen, as ticked boxes, and a search that adds more.

    The search asks the server as one types (HTMX, `workshops:person_search`) and
    lists matching people as more boxes to tick, in a polite live region. Without
    JavaScript a plain multiple select is offered instead (in <noscript>).
    """

    template_name = "workshops/widgets/person_picker.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        chosen_ids = [int(v) for v in (value or []) if str(v).isdigit()]
        context["widget"]["chosen"] = list(
            Person.objects.filter(pk__in=chosen_ids)
            .select_related("organisation")
            .order_by("last_name", "first_name")
        )
        context["widget"]["field_name"] = name
        return context


def zone_choices() -> list[tuple[str, str]]:
    """The zones of the club's bases, and a few more, labelled by their city."""
    from compagnon.workshops.timeplace import zone_city

    zones = set(Base.objects.values_list("time_zone", flat=True))
    zones |= {"Europe/Paris", "Europe/London", "Africa/Casablanca", "America/New_York", "UTC"}
    return sorted(((zone, zone_city(zone)) for zone in zones), key=lambda choice: choice[1])


class WorkshopForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        label=_("Clock of a remote workshop"),
        required=False,
        help_text=_(
            "An on-site or hybrid workshop runs on its base's clock; a remote one on this city's."
        ),
    )
    video_url = forms.URLField(
        label=_("Video link"),
        required=False,
        assume_scheme="https",
        help_text=_("Shown only to registered people."),
    )

    class Meta:
        model = Workshop
        fields = [
            "title",
            "summary",
            "format",
            "mode",
            "base",
            "room",
            "video_url",
            "onsite_seats",
            "remote_seats",
            "per_organisation_cap",
            "audience",
            "language",
            "hosts",
            "invitees",
            "tags",
            "agenda",
            "prerequisites",
            "terms",
            "excluded_organisations",
            "registration_opens_at",
            "registration_closes_at",
            "time_zone",
        ]
        widgets = {
            "hosts": PersonPicker,
            "invitees": PersonPicker,
            "registration_opens_at": DATETIME_WIDGET,
            "registration_closes_at": DATETIME_WIDGET,
            "summary": forms.Textarea(attrs={"rows": 8}),
            "agenda": forms.Textarea(attrs={"rows": 6}),
            "prerequisites": forms.Textarea(attrs={"rows": 4}),
            "terms": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["base"].queryset = Base.objects.filter(is_active=True).order_by("name")
        self.fields["hosts"].queryset = Person.objects.select_related("organisation").order_by(
            "last_name", "first_name"
        )
        self.fields["tags"].queryset = Tag.objects.order_by("slug")
        self.fields["excluded_organisations"].queryset = Organisation.objects.order_by("name")
        self.fields["invitees"].queryset = self.fields["hosts"].queryset
        self.fields["hosts"].required = False
        self.fields["invitees"].required = False
        self.fields["time_zone"].choices = zone_choices()
        if not self.initial.get("time_zone"):
            self.initial["time_zone"] = "Europe/Paris"

    def clean_time_zone(self) -> str:
        return self.cleaned_data.get("time_zone") or "Europe/Paris"

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class SessionRowForm(forms.Form):
    """One line of the sessions in the new-workshop form: a day, a start and an end."""

    day = forms.DateField(label=_("Date"), widget=DateInput())
    starts = forms.TimeField(
        label=_("Start"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    ends = forms.TimeField(
        label=_("End"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    title = forms.CharField(label=_("Title (optional)"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts"), data.get("ends")
        if starts and ends and ends <= starts:
            self.add_error("ends", _("The session must end after it starts."))
        return data


SessionRowFormSet = forms.formset_factory(
    SessionRowForm, extra=3, max_num=10, validate_max=True, min_num=1, validate_min=True
)


class DuplicateForm(forms.Form):
    first_day = forms.DateField(
        label=_("Date of the first session"),
        widget=DateInput(),
        help_text=_("The other sessions follow at the same distance, at the same times of day."),
    )


class AttendeeMessageForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Message"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 8})
    )
    include_waiting = forms.BooleanField(
        label=_("Also write to the people on the waiting list"), required=False
    )


class PlanFromCaseForm(forms.Form):
    """Planning a matched case: what the workshop shows of it; the rest is edited afterwards.

    The initial values keep the case's confidentiality: an anonymised or named-only
    case lends neither its title, its description nor its bringer unless staff choose.
    """

    format = forms.ChoiceField(label=_("Format"), choices=WorkshopFormat.choices)
    onsite_seats = forms.IntegerField(label=_("On-site seats"), min_value=1, required=False)
    title = forms.CharField(
        label=_("Workshop title"),
        max_length=200,
        required=False,
        help_text=_("Left empty: the case's title, or its topics when the case is confidential."),
    )
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=SUMMARY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Markdown. You can write it later."),
    )
    copy_text = forms.BooleanField(
        label=_("Copy the case's title and description where left empty"),
        required=False,
    )
    show_bringer = forms.BooleanField(
        label=_("Name the person who brought the case as a host"),
        required=False,
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        if case_is_copied_by_default(case):
            # A case open to all members: its text is already in the fields, to edit.
            self.fields["title"].initial = case.title
            self.fields["summary"].initial = case.description
            self.fields["show_bringer"].initial = True
            del self.fields["copy_text"]

    def service_fields(self) -> dict:
        data = self.cleaned_data
        fields = {
            "format": data["format"],
            "show_bringer": data["show_bringer"],
            "copy_text": data.get("copy_text"),  # None: what the case allows by default
            "title": data["title"].strip(),
            "summary": data["summary"].strip(),
        }
        if data.get("onsite_seats"):
            fields["onsite_seats"] = data["onsite_seats"]
        return fields


class SessionForm(forms.Form):
    title = forms.CharField(label=_("Title (optional)"), max_length=200, required=False)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DATETIME_WIDGET)
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DATETIME_WIDGET)


class MaterialForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=MaterialKind.choices)
    url = forms.URLField(label=_("Link"), required=False, assume_scheme="https")
    file = forms.FileField(label=_("Or a file"), required=False)
    registered_only = forms.BooleanField(
        label=_("Only for the people registered"),
        required=False,
        help_text=Material._meta.get_field("registered_only").help_text,
    )


class StatusForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("publish", "publish"), ("close", "close"), ("done", "done"), ("cancel", "cancel")]
    )
    reason = forms.CharField(label=_("Reason"), max_length=2000, required=False)


LEVEL_CHOICES = [("", "-"), *((str(level), str(level)) for level in LEVELS)]
RATING_CHOICES = [(str(value), str(value)) for value in (1, 2, 3, 4, 5)]


class FeedbackForm(forms.Form):
    learned = forms.CharField(
        label=_("What did you learn?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        required=False,
    )
    learned_quotable = forms.BooleanField(
        label=_("What I learned may be quoted anonymously in my organisation's report"),
        help_text=_("Without your name, to show your organisation what the club brings."),
        required=False,
    )
    rating = forms.TypedChoiceField(
        label=_("Your rating (1 = poor, 5 = excellent)"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    follow_up_idea = forms.CharField(
        label=_("An idea for a follow-up"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
    keep_people = forms.ModelMultipleChoiceField(
        label=_("I'd like to keep working with these people"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    keep_organisations = forms.ModelMultipleChoiceField(
        label=_("I'd like to keep working with these organisations"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, tags=(), people=None, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.tags = list(tags)
        if people is not None:
            self.fields["keep_people"].queryset = people
        if organisations is not None:
            self.fields["keep_organisations"].queryset = organisations
        for tag in self.tags:
            for moment, label in (
                ("before", _("%(tag)s: my level before (1-4)")),
                ("after", _("%(tag)s: my level after (1-4)")),
            ):
                self.fields[f"level_{moment}_{tag.pk}"] = forms.TypedChoiceField(
                    label=label % {"tag": tag},
                    choices=LEVEL_CHOICES,
                    coerce=int,
                    empty_value=None,
                    required=False,
                )

    def clean(self):
        data = super().clean()
        for tag in self.tags:
            before = data.get(f"level_before_{tag.pk}")
            after = data.get(f"level_after_{tag.pk}")
            if (before is None) != (after is None):
                self.add_error(
                    f"level_after_{tag.pk}",
                    _("Give both levels, before and after, or neither."),
                )
        return data

    def levels(self) -> dict[int, tuple[int, int]]:
        result = {}
        for tag in self.tags:
            before = self.cleaned_data.get(f"level_before_{tag.pk}")
            after = self.cleaned_data.get(f"level_after_{tag.pk}")
            if before is not None and after is not None:
                result[tag.pk] = (before, after)
        return result

    def level_rows(self):
        return [
            (tag, self[f"level_before_{tag.pk}"], self[f"level_after_{tag.pk}"])
            for tag in self.tags
        ]


class FollowUpForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    ideas = forms.MultipleChoiceField(
        label=_("Ideas from the feedback to start from"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, ideas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ideas"].choices = [
            (str(feedback.pk), feedback.follow_up_idea) for feedback in ideas
        ]


class VisitorRegisterForm(forms.Form):
    """A visitor's registration for a public workshop (`workshops.visitors`), with a honeypot."""

    name = forms.CharField(label=_("Your name"), max_length=100)
    email = forms.EmailField(label=_("Your email"), max_length=254)
    organisation_name = forms.CharField(
        label=_("Organisation (optional)"), max_length=200, required=False
    )
    seat = forms.CharField(required=False, max_length=10)
    accept_terms = forms.BooleanField(required=False)
    # Left empty by people (hidden from them by CSS and from screen readers); bots fill it.
    website_url = forms.CharField(required=False, label=_("Leave this field empty"))

    def is_bot(self) -> bool:
        return bool(self.data.get("website_url"))
