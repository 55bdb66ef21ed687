from __future__ import annotations

import datetime as dt
import io

import factory
from PIL import Image

from compagnon.news.models import Author, Post, PostStatus, PostTag, Project


def png_bytes(width: int = 40, height: int = 30, colour=(30, 90, 160)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, format="PNG")
    return buffer.getvalue()


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Author {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))
    title = "Data scientist"


class PostTagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PostTag
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"tag{n}")
    slug = factory.LazyAttribute(lambda o: o.name)


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"post-{n}")
    title = factory.Sequence(lambda n: f"Post number {n}")
    language = "fr"
    date = factory.Sequence(lambda n: dt.date(2024, 1, 1) + dt.timedelta(days=n))
    description = "A short description."
    body = "First paragraph.\n\n<!--truncate-->\n\nThe rest of the post."
    status = PostStatus.PUBLISHED

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        if create and extracted:
            self.authors.set(extracted)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    slug = factory.Sequence(lambda n: f"project-{n}")
    name = factory.Sequence(lambda n: f"Project {n}")
    description = "A toolkit."
    repository_url = "https://example.org/repo"
    date = dt.date(2022, 6, 1)
