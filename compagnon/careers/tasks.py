"""Background work of careers: offers past their date are closed each day."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from compagnon.careers.models import Offer, OfferStatus


@task()
def offers_expire() -> int:
    """Close the published offers whose date has passed (idempotent: closed ones stay closed).

    Reading already hides them (`selectors.offers_live`); this keeps the recruiters' list true.
    """
    return Offer.objects.filter(
        status=OfferStatus.PUBLISHED, expires_on__lt=timezone.localdate()
    ).update(status=OfferStatus.CLOSED, updated_at=timezone.now())
