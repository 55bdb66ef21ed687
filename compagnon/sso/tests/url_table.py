"""Who reaches the company-login URLs, ours and the allauth social-account ones they bring.

A provider that no organisation configured is a 404 for everyone; the SAML ACS
takes any POST (it parks the response and redirects to the finishing step, which
checks it). Valid sign-ins are walked in test_oidc and test_saml.
"""

from __future__ import annotations

from compagnon.core.tests.urltable import LOGIN, REDIRECT, Case, everyone, signed_in

UNKNOWN_OIDC = {"provider_id": "oidc-nobody"}
UNKNOWN_SAML = {"organization_slug": "nobody"}

URL_TABLE = {
    "sso:company_login": [
        Case(everyone(200)),
        Case(everyone(REDIRECT), method="post", data=lambda w: {"email": "x@nowhere.example"}),
        Case(everyone(200), method="post", data=lambda w: {"email": "not an address"}),
    ],
    "openid_connect_login": Case(everyone(404), kwargs=lambda w: UNKNOWN_OIDC),
    "openid_connect_callback": Case(everyone(404), kwargs=lambda w: UNKNOWN_OIDC),
    "saml_login": Case(everyone(404), kwargs=lambda w: UNKNOWN_SAML),
    "saml_acs": Case(everyone(REDIRECT), method="post", kwargs=lambda w: UNKNOWN_SAML),
    "saml_finish_acs": Case(everyone(404), kwargs=lambda w: UNKNOWN_SAML),
    "saml_sls": Case(everyone(404), kwargs=lambda w: UNKNOWN_SAML),
    "saml_metadata": Case(everyone(404), kwargs=lambda w: UNKNOWN_SAML),
    "socialaccount_connections": Case({**signed_in(200), "anonymous": LOGIN}),
    "socialaccount_login_cancelled": Case(everyone(200)),
    "socialaccount_login_error": Case(everyone(401)),
    "socialaccount_signup": Case(everyone(REDIRECT)),
}
