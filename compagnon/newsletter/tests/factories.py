import secrets
from datetime import timedelta

import factory
from django.utils import timezone

from compagnon.newsletter.models import Mailing, Subscriber, SubscriberStatus


class SubscriberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscriber

    email = factory.Sequence(lambda n: f"reader{n}@example.org")
    language = "en"
    status = SubscriberStatus.CONFIRMED
    confirmation_token = factory.LazyFunction(lambda: secrets.token_urlsafe(32))
    confirmation_sent_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=30))
    confirmed_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=30))


class MailingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mailing

    subject = "The November issue"
    body = "Hello **readers**."
    digest = "## New on the blog\n- [A post](https://example.org/blog/a/)"
