"""allauth hooks: closed sign-up, the Person behind each account, email through the queue."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.forms import BaseForm
from django.http import HttpRequest
from django.urls import reverse

from compagnon.accounts.services import (
    SIGNUP_REFUSED_MESSAGE,
    account_link_person,
    signup_allowed_for_email,
)
from compagnon.core.email import email_queue
from compagnon.members.models import Person

_SIGNUP_VIEW = "account_signup"


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Open so that the sign-up form can explain who may join; clean_email decides.
        return True

    def clean_email(self, email: str) -> str:
        email = super().clean_email(email)
        # allauth also calls clean_email from the password reset and add-email
        # forms; only the sign-up form chooses a new account's address, and
        # refusing elsewhere would tell strangers which addresses have accounts.
        if self._is_signup_request() and not _signup_allowed(email):
            raise ValidationError(SIGNUP_REFUSED_MESSAGE, code="signup_closed")
        return email

    def save_user(
        self, request: HttpRequest, user: Any, form: BaseForm, commit: bool = True
    ) -> Any:
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            data = form.cleaned_data
            account_link_person(
                user=user,
                first_name=data.get("first_name") or "",
                last_name=data.get("last_name") or "",
            )
        return user

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        return reverse("members:profile_edit")

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        request = allauth_context.request
        message = self.render_mail(
            template_prefix,
            email,
            {
                "request": request,
                "email": email,
                "current_site": get_current_site(request),
                **context,
            },
        )
        email_queue(
            to=list(message.to),
            subject=str(message.subject),
            text=message.body if message.content_subtype == "plain" else "",
            html=_html_body(message),
            headers=dict(message.extra_headers) or None,
        )

    def _is_signup_request(self) -> bool:
        match = getattr(self.request, "resolver_match", None)
        return match is not None and match.view_name == _SIGNUP_VIEW


def _html_body(message: Any) -> str:
    if message.content_subtype == "html":
        return str(message.body)
    if isinstance(message, EmailMultiAlternatives):
        for content, mimetype in message.alternatives:
            if mimetype == "text/html":
                return str(content)
    return ""


def _signup_allowed(email: str) -> bool:
    # A profile already linked to an account under another address cannot be
    # claimed a second time (account_link_person would refuse after the fact).
    claimed = (
        Person.objects.filter(email__iexact=email, user__isnull=False)
        .exclude(user__email__iexact=email)
        .exists()
    )
    return not claimed and signup_allowed_for_email(email=email)
