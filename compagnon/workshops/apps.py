from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopsConfig(AppConfig):
    name = "compagnon.workshops"
    verbose_name = _("Workshops")

    def ready(self) -> None:
        from compagnon.accounts import privacy
        from compagnon.workshops.visitors import visitor_requests_erase, visitor_requests_export

        # A visitor's request (name, address) goes in their export and at their erasure.
        if visitor_requests_erase not in privacy.ERASERS:
            privacy.ERASERS.append(visitor_requests_erase)
            privacy.EXPORTERS.append(visitor_requests_export)
