from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenchathonsConfig(AppConfig):
    name = "compagnon.benchathons"
    verbose_name = _("Benchathons")

    def ready(self) -> None:
        from compagnon.accounts import privacy
        from compagnon.benchathons.privacy import (
            benchathon_evaluations_erase,
            benchathon_evaluations_export,
        )

        # An evaluator's notes and evidence go in their export and at their erasure.
        if benchathon_evaluations_erase not in privacy.ERASERS:
            privacy.ERASERS.append(benchathon_evaluations_erase)
            privacy.EXPORTERS.append(benchathon_evaluations_export)
