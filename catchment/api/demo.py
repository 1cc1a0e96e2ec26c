"""Demo API token: the demo convenor has one read token for a partner's events feed (its secret was shown
once and is not kept, as with any token), so the tokens page shows what a token looks like."""

from __future__ import annotations

from catchment.accounts.demo import DEMO_DOMAIN
from catchment.accounts.models import User
from catchment.api import services
from catchment.api.models import AccessToken


def load_demo_tokens() -> int:
    """Make the demo token once; returns how many were made."""
    convenor = User.objects.filter(email=f"convenor@{DEMO_DOMAIN}").first()
    if convenor is None or AccessToken.objects.filter(user=convenor).exists():
        return 0
    services.token_create(actor=convenor, name="Partner website: upcoming events feed", scope="read")
    return 1
