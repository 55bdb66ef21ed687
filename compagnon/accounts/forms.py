from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import (
    password_validators_help_text_html,
    validate_password,
)
from django.utils.translation import gettext_lazy as _

from compagnon.accounts.models import Invitation, User


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
