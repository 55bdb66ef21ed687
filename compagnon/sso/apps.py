from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SsoConfig(AppConfig):
    name = "compagnon.sso"
    verbose_name = _("Company login (SSO)")
