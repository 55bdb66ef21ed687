from django import forms
from django.utils.translation import gettext_lazy as _


class CompanyLoginForm(forms.Form):
    email = forms.EmailField(
        label=_("Your work email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
    )
