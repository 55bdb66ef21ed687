"""The "continue with your company login" step of the login page."""

from __future__ import annotations

import logging

import requests
from allauth.account.utils import get_next_redirect_url
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from onelogin.saml2.errors import OneLogin_Saml2_Error

from compagnon.sso.forms import CompanyLoginForm
from compagnon.sso.models import Protocol
from compagnon.sso.selectors import organisation_login_for_email

logger = logging.getLogger(__name__)


@require_http_methods(["GET", "POST"])
def company_login(request: HttpRequest) -> HttpResponse:
    """Type your work email: its organisation's IdP if it has one, else the password form."""
    form = CompanyLoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        login = organisation_login_for_email(email)
        next_url = get_next_redirect_url(request)
        if login is None:
            messages.info(
                request,
                _("%(domain)s has no company login at the club: sign in with your password.")
                % {"domain": email.rpartition("@")[2]},
            )
            query = {"next": next_url} if next_url else {}
            url = reverse("account_login") + (f"?{urlencode(query)}" if query else "")
            return redirect(url)
        provider = login.app.get_provider(request)
        kwargs = {}
        if login.protocol == Protocol.OIDC:
            # The IdP can skip asking for the address the person just typed.
            kwargs["auth_params"] = {**provider.get_auth_params(), "login_hint": email}
        try:
            handover = provider.redirect(request, process="login", next_url=next_url, **kwargs)
        except (requests.RequestException, OneLogin_Saml2_Error, ValueError):
            # OIDC reads the IdP's discovery document here; SAML its metadata, if configured.
            logger.warning("company login: IdP unreachable organisation=%s", login.organisation_id)
            messages.error(
                request,
                _(
                    "%(name)s's sign-in is not answering. Try again later, or sign in with your password."
                )
                % {"name": login.organisation.name},
            )
            return redirect("account_login")
        if handover.status_code != 302:
            return handover  # allauth's own error page
        # A form's redirect may not leave the site (CSP form-action 'self'): a page with a
        # link to the IdP instead, followed at once by sso/continue.js.
        return render(
            request,
            "sso/continue.html",
            {"continue_url": handover["Location"], "organisation": login.organisation},
        )
    return render(request, "sso/company_login.html", {"form": form})
