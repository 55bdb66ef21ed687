from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EscapeConfig(AppConfig):
    name = "compagnon.escape"
    verbose_name = _("Escape game")
