from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from compagnon.api.models import AREAS, WRITE_AREAS
from compagnon.api.services import EXPIRY_DAYS

AREA_LABELS = {
    "people": _("People"),
    "organisations": _("Organisations"),
    "workshops": _("Workshops and registrations"),
    "cases": _("Cases and invitations"),
    "reports": _("Reports"),
    "posts": _("Blog posts"),
    "challenges": _("Challenges and leaderboards"),
}


def _scope_choices() -> list[tuple[str, str]]:
    choices = []
    for area in AREAS:
        choices.append((f"{area}:read", _("Read: %(area)s") % {"area": AREA_LABELS[area]}))
        if area in WRITE_AREAS:
            choices.append((f"{area}:write", _("Write: %(area)s") % {"area": AREA_LABELS[area]}))
    return choices


def _expiry_choices() -> list[tuple[int, str]]:
    # A callable: the labels are translated for each request, not once at import.
    return [(days, _("%(days)d days") % {"days": days}) for days in EXPIRY_DAYS]


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("To recognise the token later, e.g. « Team dashboard »."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("What the token may do"),
        choices=_scope_choices,
        widget=forms.CheckboxSelectMultiple,
    )
    days = forms.TypedChoiceField(
        label=_("Expires after"),
        coerce=int,
        initial=90,
        choices=_expiry_choices,
    )
