from compagnon.newsletter.demo import DEMO_SUBSCRIBERS, demo_newsletter_load
from compagnon.newsletter.models import Delivery, Mailing, Subscriber


def test_demo_loads_once(db):
    assert demo_newsletter_load() == len(DEMO_SUBSCRIBERS) + 2
    deliveries = Delivery.objects.count()

    assert demo_newsletter_load() == 0

    assert Subscriber.objects.count() == len(DEMO_SUBSCRIBERS)
    assert Mailing.objects.count() == 2
    assert Delivery.objects.count() == deliveries > 0
