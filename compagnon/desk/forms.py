from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from compagnon.desk.models import ContactMessage, MembershipRequest, OrganisationSize, RequestKind
from compagnon.members.models import OrganisationKind


class _Honeypot(forms.Form):
    # Left empty by people (hidden from them by CSS and from screen readers); bots fill it.
    website_url = forms.CharField(required=False, label=_("Leave this field empty"))

    def is_bot(self) -> bool:
        return bool(self.data.get("website_url"))


class MembershipRequestForm(forms.ModelForm, _Honeypot):
    kind = forms.ChoiceField(
        label=_("Who is asking?"), choices=RequestKind.choices, widget=forms.RadioSelect
    )
    website = forms.URLField(
        label=_("Website (optional)"), required=False, max_length=200, assume_scheme="https"
    )
    organisation_size = forms.ChoiceField(
        label=_("Size of the organisation"),
        choices=[("", "—"), *OrganisationSize.choices],
        required=False,
    )

    class Meta:
        model = MembershipRequest
        fields = (
            "kind",
            "organisation_name",
            "organisation_size",
            "website",
            "contact_name",
            "contact_email",
            "job_title",
            "needs",
        )
        labels = {
            "organisation_name": _("Organisation (for an organisation's request)"),
            "job_title": _("Your role (optional)"),
        }
        help_texts = {
            "needs": _(
                "The cases you would bring, what your team wants to learn, what you could teach."
            ),
        }
        widgets = {
            "needs": forms.Textarea(attrs={"rows": 5}),
            "contact_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "contact_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "organisation_name": forms.TextInput(attrs={"autocomplete": "organization"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation_name"].required = False

    def clean(self):
        data = super().clean()
        # The service checks it too; here it comes with the other fields' errors at once.
        if data.get("kind") == RequestKind.ORGANISATION:
            if not (data.get("organisation_name") or "").strip():
                self.add_error("organisation_name", _("Give the name of your organisation."))
            if not data.get("organisation_size"):
                self.add_error("organisation_size", _("Choose the size of your organisation."))
        return data


class ContactForm(forms.ModelForm, _Honeypot):
    class Meta:
        model = ContactMessage
        fields = ("name", "email", "topic", "message")
        widgets = {
            "message": forms.Textarea(attrs={"rows": 6}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
        }


class AcceptForm(forms.Form):
    organisation_name = forms.CharField(
        label=_("Organisation name"), max_length=200, required=False
    )
    organisation_kind = forms.ChoiceField(
        label=_("Kind"), choices=OrganisationKind.choices, required=False
    )
    email_domains = forms.CharField(
        label=_("Email domains"),
        max_length=500,
        required=False,
        help_text=_(
            "Comma-separated. People with these addresses join the organisation when they sign up, "
            "and its managers may invite them."
        ),
    )


class DeclineForm(forms.Form):
    note = forms.CharField(
        label=_("Note for the staff (not sent)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
