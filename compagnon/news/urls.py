from django.contrib.sitemaps.views import sitemap
from django.urls import path

from compagnon.news import views
from compagnon.news.feeds import LatestPostsAtom, LatestPostsFeed
from compagnon.news.sitemaps import SITEMAPS

app_name = "news"
urlpatterns = [
    path("about/", views.about, name="about"),
    path("about/edit/", views.about_edit, name="about_edit"),
    path("bases/", views.bases, name="bases"),
    path("projects/", views.projects, name="projects"),
    path("robots.txt", views.robots, name="robots"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("blog/", views.blog_list, name="blog"),
    path("blog/rss.xml", LatestPostsFeed(), name="rss"),
    path("blog/atom.xml", LatestPostsAtom(), name="atom"),
    path("blog/tags/<slug:slug>/", views.tag, name="tag"),
    path("blog/authors/<slug:slug>/", views.author, name="author"),
    path("blog/archive/", views.archive, name="archive"),
    path("blog/archive/<int:year>/<int:month>/", views.archive_month, name="archive_month"),
    path("blog/manage/", views.manage, name="manage"),
    path("blog/new/", views.post_new, name="post_new"),
    path("blog/import/", views.blog_import, name="import"),
    path("blog/preview/", views.post_preview, name="preview"),
    path("blog/<slug:slug>/", views.post_detail, name="post"),
    path("blog/<slug:slug>/edit/", views.post_edit, name="post_edit"),
    path("blog/<slug:slug>/images/", views.post_image_upload, name="post_images"),
    path("blog/<slug:slug>/publish/", views.post_publish, name="post_publish"),
    path("blog/<slug:slug>/jobs/<int:pk>/", views.post_job_tick, name="post_job"),
]
