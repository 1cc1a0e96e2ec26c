"""The demo hub shows a webhook (paused, so the demo never calls out, with a delivery log) and an API token."""

from catchment.accounts.demo import load_demo_hub
from catchment.api.demo import load_demo_tokens
from catchment.api.models import AccessToken
from catchment.communities.demo import load_demo_communities
from catchment.webhooks.demo import load_demo_webhooks
from catchment.webhooks.models import Delivery, Endpoint


def test_the_demo_webhook_is_paused_with_a_log_and_the_token_is_made_once(db):
    load_demo_hub(member_count=30)
    load_demo_communities()
    assert load_demo_webhooks() == 1
    endpoint = Endpoint.objects.get()
    assert endpoint.is_active is False
    assert endpoint.community.memberships.filter(user=endpoint.created_by, role="convenor").exists()
    assert sorted(Delivery.objects.values_list("status", flat=True)) == ["delivered", "delivered", "failed"]
    assert load_demo_tokens() == 1
    assert AccessToken.objects.get().scope == "read"
    assert (load_demo_webhooks(), load_demo_tokens()) == (0, 0)
