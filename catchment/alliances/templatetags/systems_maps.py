"""Template helpers for systems maps: ask the maps policy from a template (the community navigation)."""

from __future__ import annotations

from typing import Any

from django import template
from django.contrib.auth.models import AnonymousUser

from catchment.alliances import permissions
from catchment.communities.models import Community

register = template.Library()


@register.simple_tag(takes_context=True)
def may_read_maps(context: template.Context, view: Any) -> bool:
    """Whether the viewer of the page may read the community's systems maps (permissions.can_read_maps);
    `view` is the page's CommunityView, whose membership is already loaded (no query)."""
    community = getattr(view, "community", None)
    if not isinstance(community, Community):
        return False
    request = context.get("request")
    user = getattr(request, "user", None) or AnonymousUser()
    return permissions.can_read_maps(user, community, getattr(view, "membership", None))
