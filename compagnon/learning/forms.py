from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from compagnon.core.forms import DateInput
from compagnon.learning.models import Audience, Cohort, LessonLevel, Programme
from compagnon.members.models import Organisation

DURATIONS = (
    ("", _("Any length")),
    ("short", _("10 minutes or less")),
    ("medium", _("11 to 30 minutes")),
    ("long", _("More than 30 minutes")),
)
LANGUAGES = (("", _("Any language")), ("fr", _("French")), ("en", _("English")))


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label=_("Search titles and transcripts"), required=False, max_length=100)
    audience = forms.ChoiceField(
        label=_("For"), required=False, choices=(("", _("Everyone")), *Audience.choices)
    )
    level = forms.TypedChoiceField(
        label=_("Level"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=(("", _("Any level")), *LessonLevel.choices),
    )
    language = forms.ChoiceField(label=_("Language"), required=False, choices=LANGUAGES)
    duration = forms.ChoiceField(label=_("Duration"), required=False, choices=DURATIONS)


class ExerciseForm(forms.Form):
    answer = forms.CharField(label=_("Your answer"), max_length=50)


class DiscussionForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class InviteForm(forms.Form):
    emails = forms.CharField(
        label=_("Email addresses"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line, at your organisation's domains."),
    )


class CohortForm(forms.ModelForm):
    organisations = forms.ModelMultipleChoiceField(
        label=_("Organisations"),
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Cohort
        fields = (
            "programme",
            "title",
            "organisations",
            "starts_on",
            "ends_on",
            "reminder_weekday",
            "enrol_by_domain",
        )
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "reminder_weekday": forms.Select(
                choices=(
                    (0, _("Monday")),
                    (1, _("Tuesday")),
                    (2, _("Wednesday")),
                    (3, _("Thursday")),
                    (4, _("Friday")),
                    (5, _("Saturday")),
                    (6, _("Sunday")),
                )
            ),
        }

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisations"].queryset = organisations
        self.fields["programme"].queryset = Programme.objects.filter(is_published=True)

    def _post_clean(self):
        # The service validates and saves; the model's own checks would need the M2M.
        pass


class MediaForm(forms.Form):
    video = forms.FileField(label=_("Video (MP4 or WebM)"), required=False)
    video_seconds = forms.IntegerField(label=_("Length in seconds"), required=False, min_value=1)
    captions_fr = forms.FileField(label=_("French captions (WebVTT)"), required=False)
    captions_en = forms.FileField(label=_("English captions (WebVTT)"), required=False)
