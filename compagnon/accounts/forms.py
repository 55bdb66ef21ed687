from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import (
    password_validators_help_text_html,
    validate_password,
)
from django.utils.functional import lazy
from django.utils.html import escape
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from compagnon.accounts.models import Invitation, User
from compagnon.accounts.selectors import HISTORY_ANY, HISTORY_NEVER, HISTORY_STALE
from compagnon.members.models import Base, Organisation, Tag


class InvitationAcceptForm(forms.Form):
    """Choose the password of the account an invitation offers."""

    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: object, invitation: Invitation, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.invitation = invitation

    def clean_password2(self) -> str:
        password1 = self.cleaned_data.get("password1")
        password2 = self.cleaned_data["password2"]
        if password1 and password1 != password2:
            raise forms.ValidationError(_("The two passwords are not the same."), code="mismatch")
        return password2

    def clean(self) -> dict:
        cleaned = super().clean()
        password = cleaned.get("password1")
        if password and not self.has_error("password2"):
            # The similarity validator compares against the future account's details.
            future_user = User(
                email=self.invitation.email, full_name=self.invitation.person.full_name
            )
            try:
                validate_password(password, user=future_user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ErasureForm(forms.Form):
    """Asking to be forgotten: the password again (a session left open is not enough) and a tick."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    understood = forms.BooleanField(
        label=_("I understand that this cannot be undone."),
        error_messages={"required": _("Tick the box to confirm.")},
    )

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if not user.has_usable_password():
            del self.fields["password"]

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This is not your password."), code="wrong_password")
        return password


class BulkInvitationForm(forms.Form):
    """Who to invite at once: people without an account, narrowed by these filters."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.order_by("name"), required=False
    )
    base = forms.ModelChoiceField(
        label=_("Base"), queryset=Base.objects.order_by("name"), required=False
    )
    tag = forms.ModelChoiceField(
        label=_("Skill or interest"),
        queryset=Tag.objects.order_by("label_en"),
        required=False,
        to_field_name="slug",
    )
    history = forms.ChoiceField(
        label=_("Invitations so far"),
        choices=[
            (HISTORY_ANY, _("Everyone without an account")),
            (HISTORY_NEVER, _("Never invited")),
            (HISTORY_STALE, _("Invited over 14 days ago, not accepted")),
        ],
        required=False,
        initial=HISTORY_ANY,
    )


class ColleaguesInviteForm(forms.Form):
    addresses = forms.CharField(
        label=_("Your colleagues' email addresses"),
        # Help texts are rendered as HTML: the <address> example is escaped here.
        help_text=lazy(
            lambda: escape(gettext("One per line; “Jane Doe <jane@example.org>” also works.")), str
        )(),
        widget=forms.Textarea(attrs={"rows": 6, "autocomplete": "off"}),
        max_length=10_000,
    )
