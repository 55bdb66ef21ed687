from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenchathonsConfig(AppConfig):
    name = "compagnon.benchathons"
    verbose_name = _("Benchathons")
