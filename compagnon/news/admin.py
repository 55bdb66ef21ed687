from django.contrib import admin

from compagnon.news.models import Author, Page, Post, PostImage, PostJob, PostTag, Project


class PostJobInline(admin.TabularInline):
    model = PostJob
    extra = 0
    fields = ("text", "is_current", "done_at", "done_by")
    readonly_fields = ("text", "is_current", "done_at", "done_by")
    can_delete = False


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ("title", "date", "language", "status")
    list_filter = ("status", "language")
    search_fields = ("title", "slug", "description")
    filter_horizontal = ("authors", "tags")
    raw_id_fields = ("header_image",)
    readonly_fields = ("rendered_version", "published_at", "created_at", "updated_at")
    inlines = (PostJobInline,)


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en", "title")
    search_fields = ("name", "name_en")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(PostTag)
class PostTagAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en", "slug")
    search_fields = ("name", "name_en")


@admin.register(PostImage)
class PostImageAdmin(admin.ModelAdmin):
    list_display = ("source_path", "post", "size")
    raw_id_fields = ("post",)


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("name", "category", "date", "is_public")
    list_filter = ("category", "is_public")
    filter_horizontal = ("organisations",)
    raw_id_fields = ("workshop",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ("slug", "title_en", "updated_at")
