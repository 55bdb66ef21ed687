from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from compagnon.escape.answers import MAX_ANSWER
from compagnon.escape.models import Role
from compagnon.escape.selectors import published_versions


class SessionForm(forms.Form):
    version = forms.ModelChoiceField(
        label=_("Scenario"), queryset=published_versions(), empty_label=None
    )
    title = forms.CharField(label=_("Session title"), max_length=200)
    teams = forms.CharField(
        label=_("Teams"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One team name per line."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].queryset = published_versions()
        self.fields["version"].label_from_instance = lambda v: f"{v.scenario.title} (v{v.number})"

    def team_names(self) -> list[str]:
        return self.cleaned_data["teams"].splitlines()


class JoinForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Team"), queryset=None, empty_label=None)
    role = forms.ChoiceField(label=_("Your role"), choices=Role.choices)

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = session.teams.order_by("name")


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Your answer"), max_length=MAX_ANSWER)


class BroadcastForm(forms.Form):
    text = forms.CharField(label=_("Clue for every team"), max_length=500)


SESSION_ACTIONS = ("start", "pause", "resume", "finish")
