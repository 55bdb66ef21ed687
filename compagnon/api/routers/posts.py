"""Blog posts: `news.selectors.posts_published` and `post_for_viewer` (drafts: staff)."""

from datetime import date

from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from compagnon.api.auth import api_viewer, scoped
from compagnon.api.pagination import CursorPagination, cursor_kwargs
from compagnon.api.schemas import ERRORS_READ
from compagnon.news.models import Post
from compagnon.news.selectors import post_for_viewer, posts_published
from compagnon.news.services import post_rendering

router = Router(tags=["posts"], auth=scoped("posts"))


class PostOut(Schema):
    slug: str
    title: str
    language: str
    date: date
    description: str
    authors: list[str]
    tags: list[str]
    url: str

    @staticmethod
    def resolve_authors(post: Post) -> list[str]:
        return [author.name for author in post.authors.all()]

    @staticmethod
    def resolve_tags(post: Post) -> list[str]:
        return [tag.slug for tag in post.tags.all()]

    @staticmethod
    def resolve_url(post: Post) -> str:
        return post.get_absolute_url()


class PostDetailOut(PostOut):
    html: str

    @staticmethod
    def resolve_html(post: Post) -> str:
        return post.body_html


@router.get("/", response={200: list[PostOut], **ERRORS_READ}, url_name="posts", summary="Posts")
@paginate(CursorPagination, **cursor_kwargs("-pk"))
def posts(request: HttpRequest, tag: str | None = None, language: str | None = None):
    """Published posts. Filters: `tag` (slug), `language` (fr, en)."""
    found = posts_published()
    if tag:
        found = found.filter(tags__slug=tag)
    if language:
        found = found.filter(language=language)
    return found


@router.get(
    "/{slug:slug}", response={200: PostDetailOut, **ERRORS_READ}, url_name="post", summary="A post"
)
def post(request: HttpRequest, slug: str):
    """A post with its body as sanitised HTML (the page's own rendering)."""
    found = post_for_viewer(slug=slug, is_staff=api_viewer(request).is_staff)
    if found is None:
        raise Http404
    return post_rendering(found)
