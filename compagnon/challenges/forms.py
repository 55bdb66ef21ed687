from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from compagnon.challenges.fairness import FAIRNESS_LABELS
from compagnon.challenges.metrics import metric_choices
from compagnon.challenges.models import Challenge, RankingKind
from compagnon.challenges.services import CHALLENGE_FIELDS
from compagnon.core.forms import DateTimeInput

DATETIME_INPUT = DateTimeInput()


class ChallengeForm(forms.ModelForm):
    class Meta:
        model = Challenge
        fields = [name for name in CHALLENGE_FIELDS if name != "higher_is_better"]
        widgets = {
            "starts_at": DATETIME_INPUT,
            "ends_at": DATETIME_INPUT,
            "final_selection_deadline": DATETIME_INPUT,
            "description": forms.Textarea(attrs={"rows": 8}),
            "rules": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["metric"] = forms.ChoiceField(label=_("metric"), choices=list(metric_choices()))
        self.fields["slug"].required = False
        self.fields["slug"].help_text = _("Part of the page address; empty: made from the title.")
        for name in ("starts_at", "ends_at", "final_selection_deadline"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        # Absent from older forms and scripts: the primary metric alone.
        self.fields["ranking_kind"].required = False
        self.fields["constraint_metric"] = forms.ChoiceField(
            label=_("constrained metric"),
            choices=[("", "—"), *metric_choices(), *fairness_choices()],
            required=False,
            help_text=_("One of the other metrics."),
        )

    def _post_clean(self):
        # The service validates the model (and says more); the form only checks the fields.
        pass

    def challenge_fields(self) -> dict:
        fields = {name: self.cleaned_data[name] for name in self.Meta.fields}
        fields["ranking_kind"] = fields["ranking_kind"] or RankingKind.METRIC
        return fields


def fairness_choices() -> list[tuple[str, object]]:
    return list(FAIRNESS_LABELS.items())


class UploadForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))
    description = forms.CharField(label=_("Note (optional)"), max_length=300, required=False)
    code_url = forms.URLField(
        label=_("Code or notebook link (optional)"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("Shown to everyone once the challenge has ended."),
    )


class DataFileForm(forms.Form):
    file = forms.FileField(label=_("Data file"))
    description = forms.CharField(label=_("What it holds"), max_length=500, required=False)


class SolutionForm(forms.Form):
    file = forms.FileField(
        label=_("Solution CSV"),
        help_text=_("The id column, the target column(s) and a Usage column (Public or Private)."),
    )
    note = forms.CharField(label=_("Why this version (optional)"), max_length=500, required=False)


class TeamNameForm(forms.Form):
    name = forms.CharField(label=_("Team name"), max_length=100)


class TeamInviteForm(forms.Form):
    email = forms.EmailField(label=_("Email address of the person to invite"))


class DiscussionPostForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Markdown. Everyone who can see the challenge reads it."),
    )
