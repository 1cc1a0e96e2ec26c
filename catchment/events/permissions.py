"""Who may see, organise, register for and harvest events. The only place that decides access to events;
community events follow the communities policy."""

from __future__ import annotations

import datetime

from django.db.models import Q

from catchment.accounts.permissions import Viewer, is_member, is_staff
from catchment.communities import permissions as community_policy
from catchment.communities.models import Community, Membership
from catchment.events.models import Event, EventStatus, Registration, RegistrationStatus


def can_see(viewer: Viewer, event: Event, membership: Membership | None) -> bool:
    """Hub events are for everyone; a community's follow its read rule."""
    if event.community is None:
        return True
    return community_policy.can_read_community(viewer, event.community, membership)


def visible_q(viewer: Viewer, prefix: str = "") -> Q:
    """`can_see` for lists and feeds."""
    if is_staff(viewer):
        return Q()
    return Q(**{f"{prefix}community__isnull": True}) | community_policy.readable_communities_q(
        viewer, prefix=f"{prefix}community__"
    )


def can_create(viewer: Viewer, community: Community | None, membership: Membership | None) -> bool:
    """The hub team organises hub events; a community's moderators and convenors organise its events."""
    if community is None:
        return is_staff(viewer)
    return community_policy.can_manage_members(viewer, community, membership)


def can_manage(viewer: Viewer, event: Event, membership: Membership | None) -> bool:
    """Edit, see registrations (with their contact details), mark attendance, run the café: whoever may
    organise events there now. An organiser who loses that role loses the event's registrations too."""
    return is_member(viewer) and can_create(viewer, event.community, membership)


def registration_open(event: Event, now: datetime.datetime) -> bool:
    """Within the registration window (by default until the event starts) of a scheduled event."""
    if event.status != EventStatus.SCHEDULED:
        return False
    opens = event.registration_opens_at
    closes = event.registration_closes_at or event.starts_at
    return (opens is None or opens <= now) and now < closes


def can_register(viewer: Viewer, event: Event, membership: Membership | None, now: datetime.datetime) -> bool:
    """Signed-in people who may see the event, while registration is open."""
    return is_member(viewer) and can_see(viewer, event, membership) and registration_open(event, now)


def can_see_join_link(viewer: Viewer, event: Event, registration: Registration | None, manager: bool) -> bool:
    """The online link is for registered people (and organisers), never on the public page."""
    if manager:
        return True
    return registration is not None and registration.status == RegistrationStatus.REGISTERED


def can_harvest(viewer: Viewer, manager: bool, host_id: int | None, seated_ids: set[int]) -> bool:
    """A table's notes are written by its host, the people seated there that round, and the organisers."""
    return is_member(viewer) and (manager or viewer.pk == host_id or viewer.pk in seated_ids)
