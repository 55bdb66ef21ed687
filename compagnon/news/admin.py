"""Admin for the blog and the public pages: a view for staff, writes through `news.services`.

Publishing is an action (`post_publish` refreshes the lists and feeds); images
come in through the blog desk, which checks them; a page is saved by `page_update`.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from compagnon.core.admin import ClubStaffAdminMixin, ReadOnlyAdminMixin, service_action_run
from compagnon.news.models import Author, Page, Post, PostImage, PostJob, PostTag, Project
from compagnon.news.services import page_update, post_publish, post_unpublish

PAGE_FIELDS = ("title_fr", "title_en", "body_fr", "body_en")


class PostJobInline(ReadOnlyAdminMixin, ClubStaffAdminMixin, admin.TabularInline):
    model = PostJob
    extra = 0
    fields = ("text", "is_current", "done_at", "done_by")
    readonly_fields = ("text", "is_current", "done_at", "done_by")
    can_delete = False


@admin.register(Post)
class PostAdmin(ClubStaffAdminMixin, admin.ModelAdmin):
    list_display = ("title", "date", "language", "status")
    list_filter = ("status", "language")
    search_fields = ("title", "slug", "description")
    filter_horizontal = ("authors", "tags")
    raw_id_fields = ("header_image",)
    readonly_fields = ("status", "rendered_version", "published_at", "created_at", "updated_at")
    inlines = (PostJobInline,)
    actions = ("publish", "unpublish")

    def has_add_permission(self, request, *args):
        return False  # posts come from Markdown files (the blog desk or `import_posts`)

    @admin.action(description=_("Publish"))
    def publish(self, request, queryset):
        service_action_run(self, request, queryset.order_by("pk"), lambda p: post_publish(post=p))

    @admin.action(description=_("Back to draft"))
    def unpublish(self, request, queryset):
        service_action_run(self, request, queryset.order_by("pk"), lambda p: post_unpublish(post=p))


@admin.register(Author)
class AuthorAdmin(ClubStaffAdminMixin, admin.ModelAdmin):
    list_display = ("name", "name_en", "title")
    search_fields = ("name", "name_en")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(PostTag)
class PostTagAdmin(ClubStaffAdminMixin, admin.ModelAdmin):
    list_display = ("name", "name_en", "slug")
    search_fields = ("name", "name_en")


@admin.register(PostImage)
class PostImageAdmin(ReadOnlyAdminMixin, ClubStaffAdminMixin, admin.ModelAdmin):
    """Images are checked (size, format, decompression bombs) when the blog desk imports them."""

    list_display = ("source_path", "post", "size")
    raw_id_fields = ("post",)


@admin.register(Project)
class ProjectAdmin(ClubStaffAdminMixin, admin.ModelAdmin):
    list_display = ("name", "category", "date", "is_public")
    list_filter = ("category", "is_public")
    filter_horizontal = ("organisations",)
    raw_id_fields = ("workshop",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Page)
class PageAdmin(ClubStaffAdminMixin, admin.ModelAdmin):
    list_display = ("slug", "title_en", "updated_at")
    fields = ("slug", *PAGE_FIELDS, "updated_at", "updated_by")
    readonly_fields = ("updated_at", "updated_by")

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return [*readonly, "slug"] if obj is not None else readonly

    def save_model(self, request, obj, form, change):
        saved = page_update(
            slug=obj.slug,
            user=request.user,
            **{name: form.cleaned_data[name] for name in PAGE_FIELDS if name in form.cleaned_data},
        )
        obj.pk = saved.pk
