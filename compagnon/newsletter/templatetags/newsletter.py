from django import template

from compagnon.newsletter.consent import CURRENT_VERSION, consent_text

register = template.Library()


@register.simple_tag
def newsletter_consent_text() -> str:
    return consent_text()


@register.simple_tag
def newsletter_consent_version() -> str:
    return CURRENT_VERSION
