"""allauth's social-account hooks: every company sign-in goes through the organisation's rules."""

from __future__ import annotations

from typing import Any

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base import AuthProcess
from django.http import HttpRequest
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from compagnon.sso.selectors import organisation_login_for_provider
from compagnon.sso.services import Claim, SignInRefused, sso_user_for_sign_in


def refusal_response(request: HttpRequest, message: Any, organisation: Any = None):
    return render(
        request,
        "sso/refused.html",
        {"message": message, "organisation": organisation},
        status=403,
    )


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: Any) -> bool:
        # Accounts are made only by linking to an imported profile (pre_social_login);
        # anything that reaches allauth's own sign-up step is refused.
        return False

    def pre_social_login(self, request: HttpRequest, sociallogin: Any) -> None:
        login = organisation_login_for_provider(sociallogin.account.provider)
        if sociallogin.state.get("process") == AuthProcess.CONNECT:
            # A company login links itself on its first sign-in, to the imported person:
            # nobody attaches an organisation's identity to whatever account they are in.
            raise ImmediateHttpResponse(
                refusal_response(
                    request, _("A company login links itself the first time you sign in with it.")
                )
            )
        if login is None:
            raise ImmediateHttpResponse(
                refusal_response(
                    request, _("This sign-in is not a member organisation's company login.")
                )
            )
        claims = [
            Claim(email=address.email, verified=bool(address.verified))
            for address in sociallogin.email_addresses
        ]
        try:
            user = sso_user_for_sign_in(
                login=login,
                claims=claims,
                linked_user=sociallogin.user if sociallogin.is_existing else None,
            )
        except SignInRefused as refusal:
            raise ImmediateHttpResponse(
                refusal_response(request, refusal.message, login.organisation)
            ) from None
        if not sociallogin.is_existing:
            sociallogin.connect(request, user)
