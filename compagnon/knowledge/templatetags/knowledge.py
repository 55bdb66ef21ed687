"""Template helpers of the knowledge pages."""

from __future__ import annotations

from django import template
from django.urls import NoReverseMatch

register = template.Library()


@register.filter
def workshop_url(workshop) -> str:
    """The workshop's page, or "" while the workshop pages are not mounted (links degrade to text)."""
    try:
        return workshop.get_absolute_url()
    except NoReverseMatch:
        return ""
