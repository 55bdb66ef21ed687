"""The public site (blog, about, bases, projects) and the staff's blog desk."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from compagnon.core.markdown import render_markdown
from compagnon.core.permissions import staff_required, wants_partial
from compagnon.members.models import Base
from compagnon.members.selectors import viewer_for
from compagnon.news import selectors, services
from compagnon.news.forms import ImageForm, ImportForm, PageForm, PostForm, PreviewForm
from compagnon.news.importing import ImportRefused, import_zip
from compagnon.news.models import Author, Post, PostJob, PostTag
from compagnon.news.rendering import render_post

POSTS_PER_PAGE = 10


def _page(request: HttpRequest, queryset):
    return Paginator(queryset, POSTS_PER_PAGE).get_page(request.GET.get("page"))


def _language() -> str:
    return (get_language() or "fr")[:2]


# ------------------------------------------------------------------- public pages


def about(request: HttpRequest) -> HttpResponse:
    page = selectors.about_page()
    language = _language()
    context = {
        "page": page,
        "title": page.title_in(language) if page else _("About the club"),
        "body": render_markdown(page.body_in(language), heading_offset=1) if page else "",
    }
    return render(request, "news/about.html", context)


def bases(request: HttpRequest) -> HttpResponse:
    return render(
        request, "news/bases.html", {"bases": Base.objects.filter(is_active=True).order_by("name")}
    )


def projects(request: HttpRequest) -> HttpResponse:
    return render(request, "news/projects.html", {"projects": selectors.projects_public()})


def blog_list(request: HttpRequest) -> HttpResponse:
    page = _page(request, selectors.posts_published())
    return render(
        request,
        "news/blog_list.html",
        {"page_obj": page, "posts": page.object_list, "tags": selectors.tags_in_use()},
    )


def tag(request: HttpRequest, slug: str) -> HttpResponse:
    the_tag = PostTag.objects.filter(slug=slug).first()
    if the_tag is None:
        # « /blog/tags/workshops/ » from before « workshops » became « ateliers »'s English name.
        merged = selectors.record_by_english_slug(PostTag, slug)
        if merged is None:
            raise Http404
        return redirect(merged, permanent=True)
    page = _page(request, selectors.posts_published().filter(tags=the_tag))
    return render(
        request,
        "news/blog_list.html",
        {"page_obj": page, "posts": page.object_list, "tag": the_tag},
    )


def author(request: HttpRequest, slug: str) -> HttpResponse:
    the_author = Author.objects.filter(slug=slug).first()
    if the_author is None:
        merged = selectors.record_by_english_slug(Author, slug)
        if merged is None:
            raise Http404
        return redirect(merged, permanent=True)
    page = _page(request, selectors.posts_published().filter(authors=the_author))
    return render(
        request,
        "news/blog_list.html",
        {"page_obj": page, "posts": page.object_list, "author": the_author},
    )


def archive(request: HttpRequest) -> HttpResponse:
    return render(request, "news/archive.html", {"months": selectors.archive_months()})


def archive_month(request: HttpRequest, year: int, month: int) -> HttpResponse:
    try:
        first = dt.date(year, month, 1)
    except ValueError:
        raise Http404 from None
    posts = selectors.posts_published().filter(date__year=year, date__month=month)
    page = _page(request, posts)
    return render(
        request,
        "news/blog_list.html",
        {"page_obj": page, "posts": page.object_list, "month": first},
    )


def post_detail(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = viewer_for(request.user)
    post = selectors.post_for_viewer(slug=slug, is_staff=viewer.is_staff)
    if post is None:
        raise Http404
    services.post_rendering(post)
    context = {"post": post, "viewer": viewer}
    if viewer.is_staff:
        context["jobs"] = selectors.post_jobs(post)
    return render(request, "news/post_detail.html", context)


@require_GET
def robots(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /accounts/",
        "Disallow: /staff/",
        "Disallow: /blog/manage/",
        "Disallow: /newsletter/unsubscribe/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


# -------------------------------------------------------------------- staff desk


@staff_required
def manage(request: HttpRequest) -> HttpResponse:
    return render(request, "news/manage.html", {"posts": selectors.posts_for_staff()})


def _post_form_initial(post: Post) -> dict:
    return {
        "title": post.title,
        "slug": post.slug,
        "language": post.language,
        "date": post.date,
        "description": post.description,
        "authors": list(post.authors.all()),
        "tags": ", ".join(t.name for t in post.tags.all()),
        "body": post.body,
        "audio": post.audio,
        "audio_transcript": post.audio_transcript,
    }


def _post_data(form: PostForm) -> services.PostData:
    data = form.cleaned_data
    return services.PostData(
        slug=data["slug"],
        title=data["title"],
        date=data["date"],
        language=data["language"],
        description=data["description"],
        body=data["body"],
        audio=data["audio"],
        audio_transcript=data["audio_transcript"],
        tags=data["tags"],
        authors=tuple(data["authors"]),
    )


def _save_post_form(form: PostForm, post: Post | None) -> Post | None:
    try:
        if post is None:
            return services.post_create(data=_post_data(form))
        return services.post_update(post=post, data=_post_data(form))
    except ValidationError as error:
        for field_name, errors in error.message_dict.items():
            for message in errors:
                form.add_error(field_name if field_name in form.fields else None, message)
        return None


@staff_required
def post_new(request: HttpRequest) -> HttpResponse:
    form = PostForm(
        request.POST or None, initial={"date": timezone.localdate(), "language": _language()}
    )
    if request.method == "POST" and form.is_valid():
        post = _save_post_form(form, None)
        if post is not None:
            messages.success(request, _("Draft saved. Add images, then publish when ready."))
            return redirect("news:post_edit", slug=post.slug)
    return render(request, "news/post_form.html", {"form": form, "post": None})


@staff_required
def post_edit(request: HttpRequest, slug: str) -> HttpResponse:
    post = get_object_or_404(Post, slug=slug)
    form = PostForm(request.POST or None, post=post, initial=_post_form_initial(post))
    if request.method == "POST" and form.is_valid():
        saved = _save_post_form(form, post)
        if saved is not None:
            messages.success(request, _("Post saved."))
            return redirect("news:post_edit", slug=saved.slug)
    return render(
        request,
        "news/post_form.html",
        {"form": form, "post": post, "image_form": ImageForm(), "images": post.images.all()},
    )


@staff_required
@require_POST
def post_preview(request: HttpRequest) -> HttpResponse:
    """The live preview: the Markdown rendered as readers will see it (not saved)."""
    form = PreviewForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    slug = request.POST.get("post")
    post = Post.objects.filter(slug=slug).first() if slug else None
    rendered = render_post(
        data.get("body") or "",
        image_url=services.post_image_url(post),
        language=data.get("language") or "fr",
        title=data.get("title") or None,
    )
    return render(request, "news/_preview.html", {"rendered": rendered})


@staff_required
@require_POST
def post_image_upload(request: HttpRequest, slug: str) -> HttpResponse:
    post = get_object_or_404(Post, slug=slug)
    form = ImageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            image = services.post_image_add(
                post=post, upload=form.cleaned_data["image"], alt=form.cleaned_data["alt"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _('Image added. Use it in the text as: ![%(alt)s](%(path)s "Caption")')
                % {"alt": image.alt or _("description"), "path": image.source_path},
            )
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect("news:post_edit", slug=post.slug)


@staff_required
@require_POST
def post_publish(request: HttpRequest, slug: str) -> HttpResponse:
    post = get_object_or_404(Post, slug=slug)
    if request.POST.get("action") == "unpublish":
        services.post_unpublish(post=post)
        messages.success(request, _("The post is a draft again: readers no longer see it."))
    else:
        services.post_publish(post=post)
        messages.success(request, _("The post is published."))
    return redirect("news:post", slug=post.slug)


@staff_required
@require_POST
def post_job_tick(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    job = get_object_or_404(PostJob, pk=pk, post__slug=slug)
    job = services.post_job_set_done(
        job=job, done=request.POST.get("done") == "1", user=request.user
    )
    if wants_partial(request):
        return render(request, "news/_job.html", {"job": job, "post": job.post})
    return redirect(job.post.get_absolute_url() + "#jobs")


@staff_required
def blog_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = import_zip(
                form.cleaned_data["archive"].read(),
                publish=form.cleaned_data["publish"],
                dry_run=form.cleaned_data["dry_run"],
            )
        except ImportRefused as error:
            form.add_error("archive", str(error))
    return render(request, "news/import.html", {"form": form, "report": report})


@staff_required
def about_edit(request: HttpRequest) -> HttpResponse:
    page = selectors.about_page()
    initial = (
        {f: getattr(page, f) for f in ("title_fr", "title_en", "body_fr", "body_en")}
        if page
        else {"title_fr": "À propos", "title_en": "About"}
    )
    form = PageForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.page_update(slug=selectors.ABOUT_SLUG, user=request.user, **form.cleaned_data)
        messages.success(request, _("The about page is saved."))
        return redirect("news:about")
    return render(request, "news/about_edit.html", {"form": form})
