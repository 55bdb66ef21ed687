from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareersConfig(AppConfig):
    name = "compagnon.careers"
    verbose_name = _("Careers")

    def ready(self) -> None:
        from compagnon.accounts import privacy
        from compagnon.careers.privacy import careers_erase, careers_export

        # A candidate's profile, CV, publications, applications and messages go in their
        # export and at their erasure.
        if careers_erase not in privacy.ERASERS:
            privacy.ERASERS.append(careers_erase)
            privacy.EXPORTERS.append(careers_export)
