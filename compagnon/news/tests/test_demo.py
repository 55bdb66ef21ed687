import pytest

from compagnon.members.tests.factories import OrganisationFactory
from compagnon.news.demo import demo_news_load
from compagnon.news.models import Page, Post, Project

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_seeds_ethicalai(client):
    OrganisationFactory(name="Danone", slug="danone")
    OrganisationFactory(name="Sorbonne Université", slug="sorbonne-universite")
    created = demo_news_load()
    assert created == 5 + 2 + 1
    assert demo_news_load() == 0
    assert Post.objects.count() == 5
    assert set(Post.objects.values_list("language", flat=True)) == {"fr", "en"}
    ethicalai = Project.objects.get(slug="ethicalai-toolkit")
    assert sorted(o.slug for o in ethicalai.organisations.all()) == [
        "danone",
        "sorbonne-universite",
    ]
    assert Page.objects.filter(slug="about").exists()
    assert "EthicalAI toolkit" in client.get("/").content.decode()
    binaire = Post.objects.get(slug="datacraft-binaire")
    assert binaire.header_image is not None and binaire.images.count() == 4
