"""sitemap.xml: the public pages and every published post."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from compagnon.news.models import Post, PostStatus


class PostSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.7
    limit = 5000

    def items(self):
        return Post.objects.filter(status=PostStatus.PUBLISHED, unlisted=False).only(
            "slug", "updated_at"
        )

    def lastmod(self, item: Post):
        return item.updated_at


class StaticSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return ["site:home", "news:about", "news:bases", "news:projects", "news:blog"]

    def location(self, item: str) -> str:
        return reverse(item)


SITEMAPS = {"pages": StaticSitemap, "posts": PostSitemap}
