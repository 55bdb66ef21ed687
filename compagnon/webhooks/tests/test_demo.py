import pytest

from compagnon.api.demo import demo_api_load
from compagnon.api.models import ApiToken
from compagnon.webhooks.demo import demo_webhooks_load
from compagnon.webhooks.models import Delivery, Endpoint

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_sends_nothing(member_a):
    assert demo_webhooks_load() == 4
    assert demo_webhooks_load() == 0
    endpoint = Endpoint.objects.get()
    assert not endpoint.is_active  # the demo's receiver does not exist: nothing leaves
    assert Delivery.objects.count() == 3
    assert demo_api_load(owner_email=member_a.email) == 2
    assert demo_api_load(owner_email=member_a.email) == 0
    assert ApiToken.objects.filter(revoked_at__isnull=True).count() == 1
