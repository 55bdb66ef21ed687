from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from compagnon.webhooks.models import Event


class EndpointForm(forms.Form):
    url = forms.URLField(
        label=_("URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_("A public https address; private and loopback addresses are refused."),
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=Event.choices, widget=forms.CheckboxSelectMultiple
    )
