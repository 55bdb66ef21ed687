from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from compagnon.awards.models import Application, Category, Outcome, Review
from compagnon.members.models import Organisation, Person


class ApplyForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.none(), empty_label=None
    )
    title = forms.CharField(label=_("Project title"), max_length=200)

    def __init__(self, *args, edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = edition.categories.all()


class ApplicationForm(forms.ModelForm):
    video_url = forms.URLField(
        label=_("Video link"), required=False, max_length=200, assume_scheme="https"
    )

    class Meta:
        model = Application
        fields = (
            "title",
            "summary",
            "problem",
            "data",
            "method",
            "impact",
            "responsible_ai",
        )  # and video_url, declared above
        widgets = {
            name: forms.Textarea(attrs={"rows": 5})
            for name in ("summary", "problem", "data", "method", "impact", "responsible_ai")
        }
        help_texts = {
            "impact": _("What changed, with figures: time saved, errors avoided, people reached."),
            "responsible_ai": _("Bias, privacy, energy, human oversight: what you did about them."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Drafts save as typed: only the title is needed now, the rest when submitting.
        for name, field in self.fields.items():
            field.required = name == "title"


class TeamForm(forms.Form):
    team_emails = forms.CharField(
        label=_("Team members' email addresses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line; people already known to the club."),
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File (PDF, PNG or JPG)"))


class EligibilityForm(forms.Form):
    eligible = forms.TypedChoiceField(
        label=_("Eligible?"),
        choices=[("yes", _("Eligible")), ("no", _("Not eligible"))],
        coerce=lambda v: v == "yes",
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)


class InviteJurorForm(forms.Form):
    email = forms.EmailField(label=_("Email address of the juror"))


class ConflictForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.order_by("name"), required=False
    )
    note = forms.CharField(label=_("Why (optional)"), required=False, max_length=300)


class ScoreForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, review: Review, **kwargs):
        super().__init__(*args, **kwargs)
        category = review.application.category
        self.criteria = list(category.criteria.all())
        given = {s.criterion_id: s.value for s in review.scores.all()}
        for criterion in self.criteria:
            self.fields[f"criterion_{criterion.pk}"] = forms.IntegerField(
                label=_("%(name)s (weight %(weight)s)")
                % {"name": criterion.name, "weight": criterion.weight},
                min_value=category.scale_min,
                max_value=category.scale_max,
                help_text=_("From %(low)s to %(high)s.")
                % {"low": category.scale_min, "high": category.scale_max},
                initial=given.get(criterion.pk),
            )
        self.fields["comment"].initial = review.comment

    def scores(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data[f"criterion_{c.pk}"] for c in self.criteria}


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Decision"), choices=[c for c in Outcome.choices if c[0]])
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class VoteForm(forms.Form):
    email = forms.EmailField(label=_("Your email address"), max_length=254)
    # Left empty by people (hidden from them by CSS and from screen readers); bots fill it.
    website = forms.CharField(required=False, label=_("Leave this field empty"))

    def is_bot(self) -> bool:
        return bool(self.data.get("website"))


def people_by_emails(text: str) -> tuple[list[Person], list[str]]:
    emails = [line.strip().lower() for line in text.splitlines() if line.strip()]
    found = {p.email.lower(): p for p in Person.objects.filter(email__in=emails)}
    return [found[e] for e in emails if e in found], [e for e in emails if e not in found]
