from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "compagnon.learning"
    verbose_name = _("Learning")

    def ready(self) -> None:
        from compagnon.accounts import privacy
        from compagnon.learning.privacy import learning_erase, learning_export
        from compagnon.learning.profile import learning_profile_section
        from compagnon.members.profile import profile_section_add

        # Badges and certificates appear on the member's profile page.
        profile_section_add(learning_profile_section)
        # What learning holds on a person goes in their export and at their erasure.
        if learning_erase not in privacy.ERASERS:
            privacy.ERASERS.append(learning_erase)
            privacy.EXPORTERS.append(learning_export)
