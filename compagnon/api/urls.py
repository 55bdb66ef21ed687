"""The API itself (`api_v1` namespace, mounted at /api/v1/) and the token pages (`api`)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path
from django.views.decorators.cache import cache_control
from django.views.decorators.http import conditional_page
from django.views.decorators.vary import vary_on_headers

from compagnon.api import views
from compagnon.api.api import api


def _with_etags(patterns: list) -> list:
    """Every GET answer carries an ETag of its body; If-None-Match on it gets a 304.

    Answers depend on the token: private to the client, revalidated on each use.
    """
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = conditional_page(
                cache_control(private=True, no_cache=True)(
                    vary_on_headers("Authorization")(pattern.callback)
                )
            )
        elif isinstance(pattern, URLResolver):
            _with_etags(pattern.url_patterns)
    return patterns


_patterns, _app_name, _namespace = api.urls
api_v1_urls = (_with_etags(list(_patterns)), _app_name, _namespace)

app_name = "api"
urlpatterns = [
    path("accounts/api-tokens/", views.tokens, name="tokens"),
    path("accounts/api-tokens/<int:pk>/revoke/", views.token_revoke_view, name="token_revoke"),
    path("staff/api-tokens/", views.tokens_staff, name="tokens_staff"),
]
