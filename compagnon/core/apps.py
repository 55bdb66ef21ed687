from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "compagnon.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from compagnon.core import checks  # noqa: F401 -- registers system checks
        from compagnon.core.admin_labels import admin_labels_apply

        admin_labels_apply()
