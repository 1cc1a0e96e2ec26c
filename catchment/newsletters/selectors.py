"""Reads for newsletters: audiences, lists and delivery figures."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404

from catchment.accounts.models import User
from catchment.accounts.permissions import Viewer, is_member
from catchment.accounts.selectors import mail_recipients_q
from catchment.communities import permissions as community_policy
from catchment.communities.models import Community, Membership, MembershipStatus
from catchment.newsletters import permissions
from catchment.newsletters.models import Delivery, DeliveryStatus, Edition, Newsletter, OptOut


@dataclass(frozen=True)
class Segment:
    """Who a newsletter goes to: members of a community (or everyone), narrowed by group and country."""

    community: Community | None = None
    stakeholder_group: str = ""
    country: str = ""

    @classmethod
    def of(cls, newsletter: Newsletter) -> Segment:
        return cls(
            community=newsletter.community,
            stakeholder_group=newsletter.stakeholder_group,
            country=str(newsletter.country or ""),
        )


def audience(segment: Segment) -> QuerySet[User]:
    """Active members with an address in the segment, less those who opted out of this sender."""
    people = User.objects.filter(mail_recipients_q()).exclude(email="")
    if segment.community is not None:
        people = people.filter(
            memberships__community=segment.community, memberships__status=MembershipStatus.ACTIVE
        )
        opted_out = OptOut.objects.filter(community=segment.community)
    else:
        opted_out = OptOut.objects.filter(community__isnull=True)
    if segment.stakeholder_group:
        people = people.filter(profile__stakeholder_group=segment.stakeholder_group)
    if segment.country:
        people = people.filter(profile__country=segment.country)
    return people.exclude(pk__in=opted_out.values("user_id")).distinct()


def audience_by_language(segment: Segment, languages: set[str], default: str) -> dict[str, int]:
    """How many recipients would get each edition (one query)."""
    counts: dict[str, int] = {}
    for row in audience(segment).values("language").annotate(n=Count("pk", distinct=True)).order_by():
        edition = row["language"] if row["language"] in languages else default
        counts[edition] = counts.get(edition, 0) + row["n"]
    return counts


def _with_editions(newsletters: QuerySet[Newsletter]) -> QuerySet[Newsletter]:
    return newsletters.select_related("community", "author").prefetch_related(
        Prefetch("editions", queryset=Edition.objects.order_by("language"))
    )


def hub_list() -> QuerySet[Newsletter]:
    """Every newsletter, for the hub team, latest first."""
    return _with_editions(Newsletter.objects.all()).order_by("-created_at", "-pk")


def community_list(community: Community) -> QuerySet[Newsletter]:
    return _with_editions(Newsletter.objects.filter(community=community)).order_by("-created_at", "-pk")


@dataclass
class NewsletterView:
    newsletter: Newsletter
    membership: Membership | None
    can_manage: bool
    can_edit: bool
    editor_email: str = ""


def newsletter_for_viewer(viewer: Viewer, pk: int, *, reading: bool = False) -> NewsletterView:
    """A newsletter the viewer manages (or, with `reading`, received), or 404."""
    newsletter = _with_editions(Newsletter.objects.filter(pk=pk)).first()
    if newsletter is None or not is_member(viewer):
        raise Http404
    membership = (
        community_policy.membership_of(viewer, newsletter.community) if newsletter.community else None
    )
    manage = permissions.can_manage(viewer, newsletter, membership)
    if not manage:
        received = (
            reading
            and Delivery.objects.filter(
                newsletter=newsletter, user_id=viewer.pk or 0, status=DeliveryStatus.SENT
            ).exists()
        )
        if not permissions.can_read_sent(viewer, newsletter, received, membership):
            raise Http404
    return NewsletterView(
        newsletter=newsletter,
        membership=membership,
        can_manage=manage,
        can_edit=permissions.can_edit(viewer, newsletter, membership),
        editor_email=getattr(viewer, "email", ""),
    )


@dataclass(frozen=True)
class Progress:
    total: int
    sent: int
    failed: int
    waiting: int
    by_language: dict[str, int]


def progress(newsletter: Newsletter) -> Progress:
    """Delivery figures: how many it was sent to, reached, failed, still waiting, per language (one query)."""
    by_status: dict[str, int] = {}
    by_language: dict[str, int] = {}
    for row in (
        Delivery.objects.filter(newsletter=newsletter)
        .values("status", "language")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        by_status[row["status"]] = by_status.get(row["status"], 0) + row["n"]
        if row["status"] == DeliveryStatus.SENT:
            by_language[row["language"]] = by_language.get(row["language"], 0) + row["n"]
    return Progress(
        total=sum(by_status.values()),
        sent=by_status.get(DeliveryStatus.SENT, 0),
        failed=by_status.get(DeliveryStatus.FAILED, 0),
        waiting=by_status.get(DeliveryStatus.QUEUED, 0) + by_status.get(DeliveryStatus.SENDING, 0),
        by_language=by_language,
    )


def sent_counts(newsletters: list[Newsletter]) -> dict[int, int]:
    """How many each newsletter reached (one query for a whole list)."""
    ids = [newsletter.pk for newsletter in newsletters]
    if not ids:
        return {}
    return dict(
        Delivery.objects.filter(newsletter_id__in=ids, status=DeliveryStatus.SENT)
        .values_list("newsletter_id")
        .annotate(n=Count("pk"))
        .order_by()
    )


def opt_outs(viewer: Viewer) -> list[OptOut]:
    return list(
        OptOut.objects.filter(user_id=viewer.pk or 0).select_related("community").order_by("community__name")
    )


def received(viewer: Viewer, limit: int = 30) -> list[Newsletter]:
    """Newsletters sent to the viewer, latest first."""
    ids = Delivery.objects.filter(user_id=viewer.pk or 0, status=DeliveryStatus.SENT).values("newsletter_id")
    return list(_with_editions(Newsletter.objects.filter(pk__in=ids)).order_by("-sent_at", "-pk")[:limit])


def community_by_slug(slug: str) -> Community | None:
    return Community.objects.filter(slug=slug).first() if slug else None


def community_by_pk(pk: int) -> Community | None:
    return Community.objects.filter(pk=pk).first()


def account_exists(user_id: int) -> bool:
    return User.objects.filter(pk=user_id).exists()
