from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from compagnon.core.forms import DateInput
from compagnon.engagements.models import (
    NOTE_MAX_LENGTH,
    REASON_MAX_LENGTH,
    REPORT_MAX_LENGTH,
    Engagement,
    LedgerEntry,
)
from compagnon.knowledge.models import OutcomeKind
from compagnon.members.models import Person


class EngagementForm(forms.ModelForm):
    expert_email = forms.EmailField(
        label=_("Expert's email"),
        help_text=_("A resident, a researcher or a member: someone in the case's audience."),
    )

    class Meta:
        model = Engagement
        fields = [
            "scope",
            "starts_on",
            "ends_on",
            "half_days_per_week",
            "confidentiality_terms",
            "organisation_shown_to_expert",
        ]
        widgets = {
            "scope": forms.Textarea(attrs={"rows": 5}),
            "confidentiality_terms": forms.Textarea(attrs={"rows": 3}),
            "starts_on": DateInput(),
            "ends_on": DateInput(),
        }

    field_order = ["expert_email"]

    def __init__(self, *args, show_identity_choice: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not show_identity_choice:
            # Only an anonymised case asks whether the expert may know who asked.
            del self.fields["organisation_shown_to_expert"]

    def clean_expert_email(self) -> Person:
        email = self.cleaned_data["expert_email"]
        person = Person.objects.filter(email__iexact=email).first()
        if person is None:
            raise forms.ValidationError(_("No one in the club has this email address."))
        return person


class EntryForm(forms.Form):
    worked_on = forms.DateField(label=_("Date"), widget=DateInput())
    half_days = forms.TypedChoiceField(
        label=_("Time"), choices=LedgerEntry._meta.get_field("half_days").choices, coerce=int
    )
    note = forms.CharField(label=_("What was done"), max_length=NOTE_MAX_LENGTH, required=False)


class DecideForm(forms.Form):
    action = forms.ChoiceField(choices=[("confirm", _("Confirm")), ("dispute", _("Dispute"))])
    reason = forms.CharField(
        label=_("Why do you dispute it?"),
        max_length=REASON_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReportForm(forms.Form):
    body = forms.CharField(
        label=_("Where the work stands"),
        max_length=REPORT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Markdown. Seen by the expert, the person who asked, their managers and staff."
        ),
    )


class CloseForm(forms.Form):
    summary = forms.CharField(
        label=_("What the engagement achieved"),
        max_length=REPORT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Markdown."),
    )
    outcome_kind = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("", _("No outcome to record")), *OutcomeKind.choices],
        required=False,
        help_text=_("Recorded in the knowledge base's outcomes, on the case."),
    )
    outcome_title = forms.CharField(label=_("Outcome title"), max_length=200, required=False)
    outcome_url = forms.URLField(label=_("Outcome link"), required=False, assume_scheme="https")
