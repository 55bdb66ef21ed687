from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "compagnon.cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from compagnon.accounts import privacy
        from compagnon.cases.privacy import case_doors_erase, case_doors_export

        # What the doors hold on a person goes in their export and at their erasure.
        if case_doors_erase not in privacy.ERASERS:
            privacy.ERASERS.append(case_doors_erase)
            privacy.EXPORTERS.append(case_doors_export)
