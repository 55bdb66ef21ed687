from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "compagnon.insights"
    label = "insights"
    verbose_name = _("Insights")

    def ready(self) -> None:
        from compagnon.accounts import privacy
        from compagnon.insights.privacy import past_tenures_export

        # Past tenures imported from a CSV name the person: they go in their export.
        if past_tenures_export not in privacy.EXPORTERS:
            privacy.EXPORTERS.append(past_tenures_export)
