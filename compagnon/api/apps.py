from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "compagnon.api"
    label = "api"
    verbose_name = _("API")

    def ready(self) -> None:
        from compagnon.accounts import privacy
        from compagnon.api.privacy import api_tokens_export

        # A person's API tokens (metadata, never the hash) go in their export.
        if api_tokens_export not in privacy.EXPORTERS:
            privacy.EXPORTERS.append(api_tokens_export)
