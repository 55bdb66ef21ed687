"""RSS and Atom feeds of the blog (django.contrib.syndication)."""

from __future__ import annotations

import datetime as dt

from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from compagnon.news.models import Post
from compagnon.news.selectors import posts_published

FEED_SIZE = 20


class LatestPostsFeed(Feed):
    title = _("The club's blog")
    link = reverse_lazy("news:blog")
    description = _("Articles about the club, its workshops and what members learned.")

    def items(self):
        return posts_published()[:FEED_SIZE]

    def item_title(self, item: Post) -> str:
        return item.title

    def item_description(self, item: Post) -> str:
        return item.description or item.excerpt_html

    def item_pubdate(self, item: Post):
        return timezone.make_aware(dt.datetime.combine(item.date, dt.time(9)))

    def item_updateddate(self, item: Post):
        return item.updated_at

    def item_author_name(self, item: Post) -> str:
        return ", ".join(a.label for a in item.authors.all())

    def item_categories(self, item: Post):
        return [t.label for t in item.tags.all()]


class LatestPostsAtom(LatestPostsFeed):
    feed_type = Atom1Feed
    subtitle = LatestPostsFeed.description
