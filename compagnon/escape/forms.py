from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from compagnon.escape.answers import MAX_ANSWER
from compagnon.escape.models import Role, Team
from compagnon.escape.selectors import published_versions, teams_still_playing


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


class PlayingTeamField(forms.ModelChoiceField):
    """The teams still playing; one that escaped since the form was shown is refused by name."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.session_teams = Team.objects.none()

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError:
            escaped = self.session_teams.filter(finished_at__isnull=False)
            if str(value).isdigit() and escaped.filter(pk=int(value)).exists():
                raise ValidationError(
                    _("This team has already escaped: choose a team still playing."),
                    code="escaped",
                ) from None
            raise


class JoinForm(forms.Form):
    team = PlayingTeamField(label=_("Team"), queryset=None, empty_label=None)
    role = forms.ChoiceField(label=_("Your role"), choices=Role.choices)

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams_still_playing(session)
        self.fields["team"].session_teams = session.teams.all()


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Your answer"), max_length=MAX_ANSWER)


class BroadcastForm(forms.Form):
    text = forms.CharField(label=_("Clue for every team"), max_length=500)


SESSION_ACTIONS = ("start", "pause", "resume", "finish")
