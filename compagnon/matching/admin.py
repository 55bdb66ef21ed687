from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.text import Truncator

from compagnon.matching.models import RankingModel, Vocabulary
from compagnon.matching.services import (
    vocabulary_delete,
    vocabulary_save,
    vocabulary_terms_check,
)

LIST_TERMS_SHOWN = 120


class VocabularyForm(forms.ModelForm):
    class Meta:
        model = Vocabulary
        fields = ("tag", "sub_area", "terms_fr", "terms_en")

    def clean(self):
        cleaned = super().clean()
        # The service's own check, here so the page says it instead of failing on save
        # (only when both term fields are valid: a too long one has its own message).
        if "terms_fr" in cleaned and "terms_en" in cleaned:
            vocabulary_terms_check(terms_fr=cleaned["terms_fr"], terms_en=cleaned["terms_en"])
        return cleaned


@admin.register(Vocabulary)
class VocabularyAdmin(admin.ModelAdmin):
    form = VocabularyForm
    list_display = ("tag", "sub_area", "french_terms", "english_terms", "updated_at")
    list_filter = ("tag",)
    search_fields = ("tag__slug", "sub_area", "terms_fr", "terms_en")
    fields = ("tag", "sub_area", "terms_fr", "terms_en")

    # The list shows the start of each term list: whole lists make rows a screen tall.
    @admin.display(description=Vocabulary._meta.get_field("terms_fr").verbose_name)
    def french_terms(self, obj):
        return Truncator(obj.terms_fr).chars(LIST_TERMS_SHOWN)

    @admin.display(description=Vocabulary._meta.get_field("terms_en").verbose_name)
    def english_terms(self, obj):
        return Truncator(obj.terms_en).chars(LIST_TERMS_SHOWN)

    def save_model(self, request, obj, form, change):
        saved = vocabulary_save(
            tag=obj.tag,
            sub_area=obj.sub_area,
            terms_fr=obj.terms_fr,
            terms_en=obj.terms_en,
            vocabulary=obj if change else None,
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        vocabulary_delete(vocabulary=obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            vocabulary_delete(vocabulary=obj)


@admin.register(RankingModel)
class RankingModelAdmin(admin.ModelAdmin):
    """Read-only: models are trained by the nightly task and activated from the quality page."""

    list_display = ("version", "is_active", "learned", "cases", "pairs", "created_at")
    readonly_fields = [f.name for f in RankingModel._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
