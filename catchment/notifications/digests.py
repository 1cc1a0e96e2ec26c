"""The daily or weekly digest: what happened in a member's communities, for people who read mail, not
the site. Built per member in their language; each period is claimed before sending, so it is never sent
twice, and a member with nothing new gets no mail."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from catchment.accounts.models import User
from catchment.accounts.selectors import mail_recipients_q
from catchment.communities.models import Community, Membership, MembershipStatus
from catchment.core.mail import deliver_now, one_click_unsubscribe, queue_mail, render_in_language
from catchment.core.tasks import task
from catchment.discussions.models import Topic, Visibility
from catchment.notifications.models import DigestLog, DigestSetting, Frequency, Level, Subscription

DIGEST_SALT = "catchment.notifications.digest"
TOPICS_PER_COMMUNITY = 8
PERIOD_DAYS = {Frequency.DAILY: 1, Frequency.WEEKLY: 7}


def period_key(frequency: str, now: datetime.datetime) -> str:
    day = timezone.localtime(now, datetime.UTC).date()
    if frequency == Frequency.WEEKLY:
        year, week, _weekday = day.isocalendar()
        return f"weekly:{year}-W{week:02d}"
    return f"daily:{day.isoformat()}"


@dataclass
class DigestCommunity:
    community: Community
    topics: list[tuple[Topic, int]] = field(default_factory=list)  # (topic, new replies)


def digest_for(user: User, since: datetime.datetime) -> list[DigestCommunity]:
    """New topics and replies since `since` in the communities the member belongs to, except their own
    messages and what they muted (three queries)."""
    community_ids = list(
        Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE).values_list(
            "community_id", flat=True
        )
    )
    muted = Subscription.objects.filter(user=user, level=Level.MUTE)
    muted_topics = set(muted.filter(topic__isnull=False).values_list("topic_id", flat=True))
    muted_communities = set(muted.filter(community__isnull=False).values_list("community_id", flat=True))
    wanted = [pk for pk in community_ids if pk not in muted_communities]
    if not wanted:
        return []
    fresh = Q(posts__created_at__gt=since, posts__status=Visibility.VISIBLE) & ~Q(posts__author=user)
    topics = (
        Topic.objects.filter(community_id__in=wanted, status=Visibility.VISIBLE, last_posted_at__gt=since)
        .exclude(pk__in=muted_topics)
        .annotate(new_posts=Count("posts", filter=fresh))
        .filter(new_posts__gt=0)
        .select_related("community")
        .order_by("community__name", "-last_posted_at")
    )
    grouped: dict[int, DigestCommunity] = {}
    for topic in topics[:400]:
        entry = grouped.setdefault(topic.community_id, DigestCommunity(community=topic.community))
        if len(entry.topics) < TOPICS_PER_COMMUNITY:
            entry.topics.append((topic, topic.new_posts))
    return list(grouped.values())


def digest_token(user_id: int) -> str:
    return signing.dumps({"u": user_id}, salt=DIGEST_SALT, compress=True)


def read_digest_token(token: str) -> int | None:
    try:
        data = signing.loads(token, salt=DIGEST_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return data.get("u") if isinstance(data, dict) and isinstance(data.get("u"), int) else None


def _recipients(frequency: str) -> list[User]:
    """Active members with an email whose digest frequency is `frequency` (weekly when never chosen)."""
    members = User.objects.filter(mail_recipients_q()).exclude(email="")
    chosen = DigestSetting.objects.exclude(frequency=frequency).values("user_id")
    members = members.exclude(pk__in=chosen)
    if frequency != Frequency.WEEKLY:
        members = members.filter(digest_setting__frequency=frequency)
    return list(members.filter(memberships__status=MembershipStatus.ACTIVE).distinct().order_by("pk"))


def send_digest(user: User, frequency: str, now: datetime.datetime) -> bool:
    """Build and send one member's digest for the current period; False when nothing was sent."""
    key = period_key(frequency, now)
    since = now - datetime.timedelta(days=PERIOD_DAYS[Frequency(frequency)])
    communities = digest_for(user, since)
    if not communities:
        return False
    site = settings.SITE_URL
    unsubscribe = site + reverse("notifications:digest_unsubscribe", kwargs={"token": digest_token(user.pk)})
    subject, body = render_in_language(
        "notifications/email/digest",
        {
            "user": user,
            "frequency": frequency,
            "communities": [
                (
                    entry.community,
                    [
                        (
                            topic,
                            count,
                            site
                            + reverse(
                                "discussions:topic", kwargs={"slug": entry.community.slug, "pk": topic.pk}
                            ),
                        )
                        for topic, count in entry.topics
                    ],
                )
                for entry in communities
            ],
            "unsubscribe": unsubscribe,
            "settings_link": site + reverse("notifications:settings"),
        },
        user.language,
    )
    try:
        # The period's log row and the queued message commit together: a second or concurrent run finds the
        # row and sends nothing; a failed send stays in the outbox and is tried again (catchment/core/mail.py).
        with transaction.atomic():
            DigestLog.objects.create(user=user, period=key, topics=sum(len(c.topics) for c in communities))
            queued = queue_mail(
                key=f"digest:{key}:{user.pk}",
                subject=subject,
                body=body,
                to=user.email,
                headers=one_click_unsubscribe(unsubscribe),
                deliver=False,
            )
    except IntegrityError:
        return False  # this period was already sent (a retried or repeated run)
    deliver_now(queued)
    return True


@task
def send_digests(frequency: str) -> int:
    """Send this period's digest to everyone who wants one at this frequency; returns how many were sent."""
    if frequency not in PERIOD_DAYS:
        raise ValueError(f"unknown digest frequency {frequency!r}")
    now = timezone.now()
    return sum(1 for user in _recipients(frequency) if send_digest(user, frequency, now))
