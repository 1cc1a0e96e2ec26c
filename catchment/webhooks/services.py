"""Webhooks: convenors register endpoints; community events become signed deliveries, sent through the task
queue and retried with backoff; every attempt is logged on the delivery.

A delivery is a POST of a JSON body with these headers:

    Catchment-Event: member.joined
    Catchment-Delivery: <event id, the same on every retry>
    Catchment-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the endpoint's secret>

Receivers recompute the HMAC over the raw body and reject old timestamps (docs/api.md shows how).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import secrets
import uuid
from collections.abc import Iterable
from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catchment.accounts.models import User
from catchment.accounts.permissions import Viewer
from catchment.communities import permissions as community_policy
from catchment.communities.models import Community
from catchment.core.tasks import task
from catchment.webhooks import outbound, permissions
from catchment.webhooks.models import Delivery, DeliveryStatus, Endpoint, WebhookEvent

# Seconds to wait after the first, second, … failed attempt; after the last, the delivery is given up.
BACKOFF = (60, 300, 1800, 7200, 43200)
MAX_ENDPOINTS = 10


class WebhookError(ValueError):
    """A request about webhooks that cannot be carried out; the message is translated and safe to show."""


def _check(actor: Viewer, community: Community) -> None:
    if not permissions.can_manage_webhooks(
        actor, community, community_policy.membership_of(actor, community)
    ):
        raise PermissionDenied


def _vouched(endpoint: Endpoint) -> bool:
    """Whether the person who set up (or last resumed) the endpoint may still manage the community's webhooks:
    checked when each delivery runs, not only when the endpoint was made."""
    person = endpoint.created_by
    if person is None or not person.is_active:
        return False
    community = endpoint.community
    return permissions.can_manage_webhooks(
        person, community, community_policy.membership_of(person, community)
    )


def _clean_events(events: Iterable[str]) -> list[str]:
    chosen = sorted(set(events))
    allowed = set(WebhookEvent.values) - {WebhookEvent.PING}
    if not chosen or not set(chosen) <= allowed:
        raise WebhookError(_("Choose at least one of the events offered."))
    return chosen


def _clean_url(url: str) -> str:
    url = (url or "").strip()
    if len(url) > 500:
        raise WebhookError(_("The address is too long (500 characters at most)."))
    try:
        outbound.check_url(url, resolve=False)
    except outbound.Refused as error:
        raise WebhookError(str(error)) from error
    return url


@transaction.atomic
def endpoint_create(
    *, actor: Viewer, community: Community, url: str, events: Iterable[str], description: str = ""
) -> Endpoint:
    """Register an endpoint; its signing secret is made here and shown to the convenor."""
    _check(actor, community)
    if Endpoint.objects.filter(community=community).count() >= MAX_ENDPOINTS:
        raise WebhookError(_("A community can have at most %(count)d webhooks.") % {"count": MAX_ENDPOINTS})
    return Endpoint.objects.create(
        community=community,
        url=_clean_url(url),
        events=_clean_events(events),
        description=(description or "").strip()[:200],
        secret=secrets.token_hex(32),
        created_by=cast(User, actor),
    )


@transaction.atomic
def endpoint_update(
    *,
    actor: Viewer,
    endpoint: Endpoint,
    url: str | None = None,
    events: Iterable[str] | None = None,
    description: str | None = None,
    is_active: bool | None = None,
    new_secret: bool = False,
) -> Endpoint:
    """Change an endpoint's address, events or description, pause or resume it, or give it a new secret."""
    _check(actor, endpoint.community)
    if url is not None:
        endpoint.url = _clean_url(url)
    if events is not None:
        endpoint.events = _clean_events(events)
    if description is not None:
        endpoint.description = description.strip()[:200]
    if is_active is not None:
        endpoint.is_active = is_active
    if is_active or url is not None:
        endpoint.created_by = cast(User, actor)  # who resumes it or points it elsewhere now vouches for it
    if new_secret:
        endpoint.secret = secrets.token_hex(32)
    endpoint.save()
    return endpoint


@transaction.atomic
def endpoint_delete(*, actor: Viewer, endpoint: Endpoint) -> None:
    """Remove an endpoint and its delivery log."""
    _check(actor, endpoint.community)
    endpoint.delete()


def endpoint_ping(*, actor: Viewer, endpoint: Endpoint) -> Delivery:
    """Send a test delivery now, so the convenor sees whether the receiver answers."""
    _check(actor, endpoint.community)
    delivery = _queue(endpoint, WebhookEvent.PING, {"community": endpoint.community.slug})
    return delivery


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value for a body sent at `timestamp`."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def _queue(endpoint: Endpoint, event: str, data: dict[str, Any]) -> Delivery:
    event_id = str(uuid.uuid4())
    payload = {
        "id": event_id,
        "event": event,
        "created_at": timezone.now().isoformat(),
        "community": endpoint.community.slug,
        "data": data,
    }
    delivery = Delivery.objects.create(
        endpoint=endpoint, event=event, event_id=event_id, payload=payload, next_attempt_at=timezone.now()
    )
    deliver.enqueue(delivery.pk)
    return delivery


def emit(community: Community | None, event: WebhookEvent, data: dict[str, Any]) -> int:
    """Queue a delivery of `event` to every active endpoint of the community that asked for it (sent after
    the surrounding transaction commits); returns how many were queued."""
    if community is None:
        return 0
    count = 0
    for endpoint in Endpoint.objects.filter(community=community, is_active=True).select_related("community"):
        if event in endpoint.events:
            _queue(endpoint, event, data)
            count += 1
    return count


@task
def deliver(delivery_id: int) -> str:
    """Make one attempt at a delivery that is due; schedule the next attempt (or give up) when it fails."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update()
            .select_related("endpoint")
            .filter(pk=delivery_id, status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRYING])
            .first()
        )
        if delivery is None or (delivery.next_attempt_at and delivery.next_attempt_at > timezone.now()):
            return "skipped"
        if not delivery.endpoint.is_active:
            delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
            delivery.last_error = _("The webhook was paused.")
            delivery.save(update_fields=["status", "next_attempt_at", "last_error"])
            return str(delivery.status)
        if not _vouched(delivery.endpoint):
            # The community's activity leaves only while someone who runs it stands behind the address:
            # the endpoint pauses until a convenor resumes it (and so vouches for it).
            Endpoint.objects.filter(pk=delivery.endpoint_id).update(is_active=False)
            delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
            delivery.last_error = _(
                "Paused: whoever set up this webhook no longer runs the community. A convenor can resume it."
            )
            delivery.save(update_fields=["status", "next_attempt_at", "last_error"])
            return str(delivery.status)
        # Claim the attempt before calling out, so a second worker on the same delivery finds it not due.
        delivery.attempts += 1
        delivery.next_attempt_at = timezone.now() + datetime.timedelta(seconds=BACKOFF[0])
        delivery.save(update_fields=["attempts", "next_attempt_at"])
    endpoint = delivery.endpoint
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Catchment-Webhooks/1",
        "Catchment-Event": delivery.event,
        "Catchment-Delivery": delivery.event_id,
        "Catchment-Signature": sign(endpoint.secret, int(timezone.now().timestamp()), body),
    }
    status_code, error = None, ""
    try:
        answer = outbound.post(endpoint.url, body, headers)
        status_code = answer.status
        if not 200 <= answer.status < 300:
            error = _("The receiver answered %(status)d.") % {"status": answer.status}
    except (outbound.Refused, outbound.CallFailed) as failure:
        error = str(failure)
    return _record(delivery, status_code, error)


def _record(delivery: Delivery, status_code: int | None, error: str) -> str:
    delivery.last_status_code = status_code
    delivery.last_error = error[:300]
    if not error:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = timezone.now()
        delivery.next_attempt_at = None
    elif delivery.attempts > len(BACKOFF):
        delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = None
    else:
        delivery.status = DeliveryStatus.RETRYING
        delivery.next_attempt_at = timezone.now() + datetime.timedelta(seconds=BACKOFF[delivery.attempts - 1])
    # An update, not a save: the endpoint (and its log) may have been removed while the call was out.
    Delivery.objects.filter(pk=delivery.pk).update(
        status=delivery.status,
        delivered_at=delivery.delivered_at,
        next_attempt_at=delivery.next_attempt_at,
        last_status_code=delivery.last_status_code,
        last_error=delivery.last_error,
    )
    return str(delivery.status)


@task
def deliver_due(limit: int = 500) -> int:
    """Retry every delivery whose next attempt is due (run every minute by the scheduler)."""
    due = list(
        Delivery.objects.filter(
            status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRYING], next_attempt_at__lte=timezone.now()
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in due:
        deliver(pk)
    return len(due)
