from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from compagnon.webhooks.models import Delivery, DeliveryStatus, Endpoint


def endpoints_with_counts() -> QuerySet[Endpoint]:
    return Endpoint.objects.annotate(
        delivered=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.DELIVERED)),
        failed=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.FAILED)),
    ).order_by("-created_at", "-pk")


def endpoint_get(pk: int) -> Endpoint:
    return get_object_or_404(Endpoint, pk=pk)


def deliveries_of(endpoint: Endpoint, *, limit: int = 100) -> list[Delivery]:
    return list(endpoint.deliveries.order_by("-created_at", "-pk")[:limit])


def delivery_get(pk: int) -> Delivery:
    return get_object_or_404(Delivery.objects.select_related("endpoint"), pk=pk)
