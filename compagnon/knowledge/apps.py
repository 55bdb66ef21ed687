from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "compagnon.knowledge"
    verbose_name = _("Knowledge")

    def ready(self) -> None:
        # Published reports are evidence about the people of their workshop.
        from compagnon.knowledge.matching_text import report_text_for_people
        from compagnon.matching.index import index_text_source_add

        index_text_source_add(report_text_for_people)
