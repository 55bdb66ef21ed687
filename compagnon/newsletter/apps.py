from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsletterConfig(AppConfig):
    name = "compagnon.newsletter"
    verbose_name = _("Newsletter")
