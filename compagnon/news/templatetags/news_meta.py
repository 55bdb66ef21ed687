"""Absolute URLs for the <head> meta (canonical, OpenGraph), built on settings.SITE_URL."""

from __future__ import annotations

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag(takes_context=True)
def absolute(context, path: str = "") -> str:
    """SITE_URL + path (the current page's path when none is given); URLs pass through."""
    if path.startswith(("http://", "https://")):
        return path
    if not path:
        request = context.get("request")
        path = request.path if request is not None else "/"
    return f"{getattr(settings, 'SITE_URL', '').rstrip('/')}{path}"
