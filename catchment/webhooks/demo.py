"""Demo webhooks: the demo convenor's first community sends new members and registrations to a partner's
site. The endpoint is paused, so the demo hub never calls out; its log shows what deliveries look like."""

from __future__ import annotations

import datetime
import uuid

from django.db import transaction
from django.utils import timezone

from catchment.accounts.demo import DEMO_DOMAIN
from catchment.accounts.models import User
from catchment.communities.models import Membership, Role
from catchment.webhooks import services
from catchment.webhooks.models import Delivery, DeliveryStatus, Endpoint, WebhookEvent


@transaction.atomic
def load_demo_webhooks() -> int:
    """Register the demo endpoint once; returns how many endpoints were created."""
    if Endpoint.objects.exists():
        return 0
    convenor = User.objects.filter(email=f"convenor@{DEMO_DOMAIN}").first()
    if convenor is None:
        return 0
    led = (
        Membership.objects.filter(user=convenor, role=Role.CONVENOR)
        .select_related("community")
        .order_by("pk")
        .first()
    )
    if led is None:
        return 0
    endpoint = services.endpoint_create(
        actor=convenor,
        community=led.community,
        url="https://partner.example.org/hooks/catchment",
        events=[WebhookEvent.MEMBER_JOINED, WebhookEvent.EVENT_REGISTRATION],
        description="Partner website: members and registrations (demo, paused)",
    )
    services.endpoint_update(actor=convenor, endpoint=endpoint, is_active=False)
    now = timezone.now()
    outcomes = [
        (DeliveryStatus.DELIVERED, 1, 200, ""),
        (DeliveryStatus.DELIVERED, 2, 200, ""),
        (DeliveryStatus.FAILED, 6, 503, "The receiver answered 503."),
    ]
    for hours, (state, attempts, code, error) in enumerate(outcomes, start=1):
        event_id = str(uuid.uuid4())
        Delivery.objects.create(
            endpoint=endpoint,
            event=WebhookEvent.MEMBER_JOINED,
            event_id=event_id,
            payload={
                "id": event_id,
                "event": WebhookEvent.MEMBER_JOINED,
                "community": led.community.slug,
                "data": {},
            },
            status=state,
            attempts=attempts,
            last_status_code=code,
            last_error=error,
            delivered_at=now - datetime.timedelta(hours=hours) if state == DeliveryStatus.DELIVERED else None,
        )
    return 1
