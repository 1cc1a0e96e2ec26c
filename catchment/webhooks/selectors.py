"""Reads for webhooks: a community's endpoints and their delivery log."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from catchment.communities.models import Community
from catchment.webhooks.models import Delivery, Endpoint


def endpoints(community: Community) -> QuerySet[Endpoint]:
    """The community's endpoints, oldest first."""
    return Endpoint.objects.filter(community=community).order_by("created_at", "pk")


def endpoint(community: Community, pk: int) -> Endpoint:
    """One endpoint of this community, or 404."""
    found = Endpoint.objects.filter(community=community, pk=pk).first()
    if found is None:
        raise Http404
    return found


def deliveries(endpoint: Endpoint) -> QuerySet[Delivery]:
    """What was sent to an endpoint, newest first."""
    return Delivery.objects.filter(endpoint=endpoint).order_by("-created_at", "-pk")
