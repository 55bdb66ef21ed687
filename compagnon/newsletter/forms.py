from __future__ import annotations

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from compagnon.newsletter.consent import CURRENT_VERSION
from compagnon.newsletter.models import Language, Mailing
from compagnon.newsletter.services import normalise_email


class SubscribeForm(forms.Form):
    email = forms.CharField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    language = forms.ChoiceField(label=_("Language of the newsletter"), choices=Language.choices)
    consent = forms.BooleanField(
        label=_("I agree"),
        error_messages={"required": _("Tick the box to agree to the text above.")},
    )
    consent_version = forms.CharField(widget=forms.HiddenInput, initial=CURRENT_VERSION)
    source = forms.CharField(widget=forms.HiddenInput, required=False, max_length=300)
    # Left empty by people (hidden from them by CSS and from screen readers); bots fill it.
    website = forms.CharField(required=False, label=_("Leave this field empty"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = (get_language() or "fr")[:2]

    def clean_email(self) -> str:
        return normalise_email(self.cleaned_data["email"])

    def is_bot(self) -> bool:
        return bool(self.data.get("website"))


class MailingForm(forms.ModelForm):
    class Meta:
        model = Mailing
        fields = ("subject", "body", "digest")
        widgets = {
            "body": forms.Textarea(attrs={"rows": 12}),
            "digest": forms.Textarea(attrs={"rows": 10}),
        }


class MailingCreateForm(MailingForm):
    """No digest yet: it is generated on creation, editable afterwards."""

    class Meta(MailingForm.Meta):
        fields = ("subject", "body")
