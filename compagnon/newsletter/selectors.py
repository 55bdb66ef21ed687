"""Reads shared by the newsletter's views."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from compagnon.newsletter.models import Delivery, DeliveryStatus, Mailing, Subscriber


@dataclass(frozen=True)
class Progress:
    total: int
    queued: int
    sent: int
    skipped: int

    @property
    def done(self) -> int:
        return self.total - self.queued

    @property
    def percent(self) -> int:
        return 100 if not self.total else round(100 * self.done / self.total)


def mailing_progress(mailing: Mailing) -> Progress:
    counts = Delivery.objects.filter(mailing=mailing).aggregate(
        total=Count("pk"),
        queued=Count("pk", filter=Q(status=DeliveryStatus.QUEUED)),
        sent=Count("pk", filter=Q(status=DeliveryStatus.SENT)),
        skipped=Count("pk", filter=Q(status=DeliveryStatus.SKIPPED)),
    )
    return Progress(**counts)


def mailings_for_staff() -> QuerySet[Mailing]:
    return Mailing.objects.select_related("created_by").order_by("-created_at", "-pk")


def mailing_log(mailing: Mailing) -> QuerySet[Delivery]:
    """Each delivery with its subscriber and the outbox row (sent time, last error)."""
    return (
        Delivery.objects.filter(mailing=mailing)
        .select_related("subscriber", "email")
        .order_by("pk")
    )


def subscriber_counts() -> dict[str, int]:
    rows = Subscriber.objects.values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}
