from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "compagnon.learning"
    verbose_name = _("Learning")

    def ready(self) -> None:
        # Badges and certificates appear on the member's profile page.
        from compagnon.learning.profile import learning_profile_section
        from compagnon.members.profile import profile_section_add

        profile_section_add(learning_profile_section)
