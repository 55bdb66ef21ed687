from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementsConfig(AppConfig):
    name = "compagnon.engagements"
    verbose_name = _("Expert engagements")

    def ready(self) -> None:
        from compagnon.accounts import privacy
        from compagnon.engagements.privacy import engagements_erase, engagements_export
        from compagnon.engagements.profile import time_given_profile_section
        from compagnon.members.profile import profile_section_add

        # The time a person gave the community shows on their profile page.
        profile_section_add(time_given_profile_section)
        # Engagements, time entries and reports go in the person's export and erasure.
        if engagements_erase not in privacy.ERASERS:
            privacy.ERASERS.append(engagements_erase)
            privacy.EXPORTERS.append(engagements_export)
