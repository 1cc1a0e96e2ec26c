"""A member's own data, as one archive (GDPR Art. 15 and 20; reliability.md #30).

REGISTRY maps every model that points at the user model directly (a ForeignKey, OneToOneField or the hidden
table of a ManyToManyField) to the function that exports what it holds about the person; EXCLUDED lists
the models deliberately left out, each with its reason. `tests/test_data_rights.py` fails when a model with
a user link is in neither, so a new model cannot silently escape the export.

What goes in is what the person wrote, chose or is recorded as, never other people's private data:
- a community is named only if it is public or the person is an active member of it now; otherwise the
  record says that the community is withheld (a private or secret community's name is its members' business);
- a topic's or event's title is included when it is the person's own or its community is named by the rule
  above;
- nobody else's email address, message, survey answer or assessment is included; where a record is about
  something the person did to others (flags resolved, people blocked, stakeholders assessed) only the
  person's own part is kept.

Each export function runs a fixed number of queries however many rows the person has.
"""

from __future__ import annotations

import datetime
import json
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import IO, Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.files.base import File
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model, Q
from django.utils import timezone
from django.utils.text import get_valid_filename

from catchment.accounts.models import Organisation, Profile, User
from catchment.alliances.models import (
    ActionResearchCycle,
    AllianceVisibility,
    Assessment,
    DirectionVersion,
    DisseminationOutput,
    LearningAlliance,
    MobilisationStep,
    Platform,
    ProcessEntry,
    StageChange,
    Stakeholder,
    SystemMap,
)
from catchment.api.models import AccessToken
from catchment.communities.models import (
    Activity,
    CharterRevision,
    CharterVersion,
    Community,
    Consultation,
    Invitation,
    JoinRequest,
    Membership,
    MembershipStatus,
    Milestone,
    ResourceCommitment,
    Visibility,
)
from catchment.conversations.models import Block, Conversation, Message, MessagingSetting, Participant, Report
from catchment.core import audit
from catchment.core.models import Interaction
from catchment.discussions.models import (
    Attachment,
    Flag,
    ModerationAction,
    Post,
    PostRevision,
    Reaction,
    Topic,
)
from catchment.events.models import CafeTable, Event, Harvest, Registration, Seat, Speaker
from catchment.insights.models import (
    ConnectionSurvey,
    MapOptOut,
    Observation,
    Story,
    SurveyContact,
    SurveyResponse,
)
from catchment.library.models import Download, Resource
from catchment.newsletters.models import Delivery, Newsletter, OptOut
from catchment.notifications.models import DigestLog, DigestSetting, Notification, Subscription
from catchment.webhooks.models import Endpoint

FORMAT_VERSION = 1
WITHHELD = "withheld: not public, and you are not a member"
ZIP64_FROM_BYTES = (
    1024 * 1024 * 1024
)  # a file this large gets a zip64 entry (streamed entries must say so first)
SPOOL_BYTES = 8 * 1024 * 1024  # an archive larger than this is built on disk, not in memory
COPY_CHUNK_BYTES = 1024 * 1024

Rows = list[dict[str, Any]]


@dataclass
class Context:
    """What every export function needs to know about the person, loaded once."""

    user: User
    files: list[tuple[str, File[Any]]] = field(default_factory=list)

    @cached_property
    def member_of(self) -> frozenset[int]:
        return frozenset(
            Membership.objects.filter(user=self.user, status=MembershipStatus.ACTIVE).values_list(
                "community_id", flat=True
            )
        )

    @cached_property
    def alliances_seen(self) -> frozenset[int]:
        """Alliances the person may see: public ones, those they initiate, those with a platform of theirs."""
        return frozenset(
            LearningAlliance.objects.filter(
                Q(visibility=AllianceVisibility.PUBLIC)
                | Q(initiators=self.user)
                | Q(platforms__community_id__in=self.member_of)
            ).values_list("pk", flat=True)
        )

    @cached_property
    def emails(self) -> list[str]:
        addresses = {self.user.email.strip().lower()} if self.user.email else set()
        # Only addresses the person proved are theirs: anyone can add someone else's address, unverified.
        addresses |= {
            e.lower()
            for e in EmailAddress.objects.filter(user=self.user, verified=True).values_list(
                "email", flat=True
            )
        }
        return sorted(addresses)

    def readable(self, community: Community | None) -> bool:
        return (
            community is None or community.visibility == Visibility.PUBLIC or community.pk in self.member_of
        )

    def community(self, community: Community | None) -> dict[str, Any] | None:
        if community is None:
            return None
        if self.readable(community):
            return {"name": community.name, "slug": community.slug}
        return {"name": None, "note": WITHHELD}

    def community_id(self, community_id: int | None, visibility: str | None, name: str | None) -> Any:
        """`community` for rows that carry only the community's id, visibility and name."""
        if community_id is None:
            return None
        if visibility == Visibility.PUBLIC or community_id in self.member_of:
            return {"name": name}
        return {"name": None, "note": WITHHELD}

    def alliance(self, alliance: LearningAlliance) -> dict[str, Any]:
        if alliance.pk in self.alliances_seen:
            return {"name": alliance.name, "slug": alliance.slug}
        return {"name": None, "note": WITHHELD}

    def topic_title(self, topic: Topic | None) -> str | None:
        if topic is None:
            return None
        if topic.author_id == self.user.pk or self.readable(topic.community):
            return topic.title
        return None

    def event_title(self, event: Event) -> str | None:
        return event.title if event.organiser_id == self.user.pk or self.readable(event.community) else None

    def add_file(self, folder: str, name: str, fieldfile: Any) -> str | None:
        """Queue a stored file for the archive; returns its path there (None when there is no file)."""
        if not fieldfile:
            return None
        path = f"files/{folder}/{get_valid_filename(name) or 'file'}"
        self.files.append((path, fieldfile))
        return path


def _when(value: datetime.datetime | datetime.date | None) -> str | None:
    return value.isoformat() if value is not None else None


# --- accounts and sign-in -------------------------------------------------------------------------------


def _account(ctx: Context) -> dict[str, Any]:
    user = ctx.user
    return {
        "username": user.username,
        "email": user.email,
        "display_name": user.display_name,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "interface_language": user.language,
        "time_zone": user.timezone,
        "date_joined": _when(user.date_joined),
        "last_login": _when(user.last_login),
        "is_staff": user.is_staff,
        "has_password": user.has_usable_password(),
    }


def _email_addresses(ctx: Context) -> Rows:
    return list(EmailAddress.objects.filter(user=ctx.user).values("email", "verified", "primary"))


def _authenticators(ctx: Context) -> Rows:
    # The type and dates only: the secret and the recovery codes stay out of any file.
    return list(Authenticator.objects.filter(user=ctx.user).values("type", "created_at", "last_used_at"))


def _groups(ctx: Context) -> list[str]:
    return list(ctx.user.groups.values_list("name", flat=True))


def _permissions(ctx: Context) -> list[str]:
    return [
        f"{app}.{codename}"
        for app, codename in ctx.user.user_permissions.values_list("content_type__app_label", "codename")
    ]


def _profile(ctx: Context) -> dict[str, Any] | None:
    profile = Profile.objects.filter(user=ctx.user).select_related("organisation").first()
    if profile is None:
        return None
    themes = list(profile.themes.values_list("name_en", flat=True))
    languages = list(profile.spoken_languages.values_list("code", flat=True))
    return {
        "position": profile.position,
        "organisation": profile.organisation.name if profile.organisation else None,
        "country": profile.country.code if profile.country else "",
        "stakeholder_group": profile.stakeholder_group,
        "bio": profile.bio,
        "visibility": profile.visibility,
        "themes": themes,
        "spoken_languages": languages,
        "picture": ctx.add_file(
            "profile", f"picture-{profile.avatar.name.rsplit('/', 1)[-1]}", profile.avatar
        )
        if profile.avatar
        else None,
        "created_at": _when(profile.created_at),
        "updated_at": _when(profile.updated_at),
    }


def _organisations_administered(ctx: Context) -> Rows:
    # Organisation pages are public.
    return [dict(row) for row in Organisation.objects.filter(admins=ctx.user).values("name", "slug")]


def _interactions(ctx: Context) -> dict[str, Any]:
    """The interaction log: what the person did (their own rows) and how often others responded to them."""
    mine = [
        {
            "verb": verb,
            "object_type": object_type,
            "occurred_at": _when(occurred_at),
            "community": ctx.community_id(community_id, visibility, name),
        }
        for verb, object_type, occurred_at, community_id, visibility, name in _with_community(
            Interaction.objects.filter(actor=ctx.user)
            .order_by("occurred_at", "pk")
            .values_list("verb", "object_type", "occurred_at", "community_id"),
        )
    ]
    aimed_at_me = Interaction.objects.filter(target=ctx.user).count()
    return {"yours": mine, "responses_to_you": aimed_at_me}


def _with_community(rows: Iterable[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Rows whose last item is a community id, extended by that community's visibility and name (one query)."""
    rows = list(rows)
    ids = {row[-1] for row in rows if row[-1] is not None}
    facts = {
        pk: (vis, name)
        for pk, vis, name in Community.objects.filter(pk__in=ids).values_list("pk", "visibility", "name")
    }
    return [(*row, *facts.get(row[-1], (None, None))) for row in rows]


# --- communities ------------------------------------------------------------------------------------------


def _communities_created(ctx: Context) -> Rows:
    return [
        {"community": ctx.community(c), "created_at": _when(c.created_at)}
        for c in Community.objects.filter(created_by=ctx.user)
    ]


def _memberships(ctx: Context) -> Rows:
    return [
        {
            "community": ctx.community(m.community),
            "role": m.role,
            "status": m.status,
            "joined_at": _when(m.joined_at),
            "conduct_accepted_at": _when(m.conduct_accepted_at),
            "organisation": m.organisation.name if m.organisation else None,
        }
        for m in Membership.objects.filter(user=ctx.user).select_related("community", "organisation")
    ]


def _join_requests(ctx: Context) -> dict[str, Rows]:
    yours = [
        {
            "community": ctx.community(r.community),
            "message": r.message,
            "status": r.status,
            "created_at": _when(r.created_at),
            "decided_at": _when(r.decided_at),
            "decision_message": r.decision_message,
        }
        for r in JoinRequest.objects.filter(user=ctx.user).select_related("community")
    ]
    decided = [
        {"community": ctx.community(r.community), "status": r.status, "decided_at": _when(r.decided_at)}
        for r in JoinRequest.objects.filter(decided_by=ctx.user).select_related("community")
    ]
    return {"yours": yours, "decided_by_you": decided}


def _invitations(ctx: Context) -> dict[str, Rows]:
    received = [
        {
            "community": ctx.community(i.community),
            "role": i.role,
            "message": i.message if ctx.readable(i.community) else None,
            "created_at": _when(i.created_at),
            "expires_at": _when(i.expires_at),
            "accepted_at": _when(i.accepted_at),
            "revoked_at": _when(i.revoked_at),
        }
        for i in Invitation.objects.filter(Q(email__in=ctx.emails) | Q(accepted_by=ctx.user)).select_related(
            "community"
        )
    ]
    # Invitations the person sent: never the invitee's address, which is someone else's.
    sent = [
        {
            "community": ctx.community(i.community),
            "role": i.role,
            "created_at": _when(i.created_at),
            "accepted": i.accepted_at is not None,
        }
        for i in Invitation.objects.filter(invited_by=ctx.user).select_related("community")
    ]
    return {"received": received, "sent": sent}


def _charter_versions(ctx: Context) -> Rows:
    return [
        {
            "community": ctx.community(v.community),
            "number": v.number,
            "status": v.status,
            "note": v.note,
            "created_at": _when(v.created_at),
        }
        for v in CharterVersion.objects.filter(author=ctx.user).select_related("community")
    ]


def _consultations(ctx: Context) -> Rows:
    return [
        {"community": ctx.community(c.community), "updated_at": _when(c.updated_at)}
        for c in Consultation.objects.filter(updated_by=ctx.user).select_related("community")
    ]


def _charter_revisions(ctx: Context) -> Rows:
    return [
        {
            "community": ctx.community(r.community),
            "implemented_by_you": r.implemented_by_id == ctx.user.pk,
            "approved_by_you": r.approved_by_id == ctx.user.pk,
            "approved_by_name": r.approved_by_name if r.approved_by_id == ctx.user.pk else None,
            "revision_date": _when(r.revision_date),
            "approval_date": _when(r.approval_date),
        }
        for r in CharterRevision.objects.filter(
            Q(implemented_by=ctx.user) | Q(approved_by=ctx.user)
        ).select_related("community")
    ]


def _commitments(ctx: Context) -> Rows:
    return [
        {
            "community": ctx.community(c.community),
            "responsibility": c.responsibility if ctx.readable(c.community) else None,
            "person_name": c.person_name,
            "hours_per_month": str(c.hours_per_month) if c.hours_per_month is not None else None,
        }
        for c in ResourceCommitment.objects.filter(person=ctx.user).select_related("community")
    ]


def _activities(ctx: Context) -> Rows:
    return [
        {
            "community": ctx.community(a.community),
            "title": a.title if ctx.readable(a.community) else None,
            "kind": a.kind,
            "starts_on": _when(a.starts_on),
            "ends_on": _when(a.ends_on),
            "status": a.status,
        }
        for a in Activity.objects.filter(owner=ctx.user).select_related("community")
    ]


def _milestones(ctx: Context) -> Rows:
    return [
        {
            "community": ctx.community(m.community),
            "title": m.title if ctx.readable(m.community) else None,
            "due_on": _when(m.due_on),
            "status": m.status,
        }
        for m in Milestone.objects.filter(owner=ctx.user).select_related("community")
    ]


# --- discussions ------------------------------------------------------------------------------------------


def _topics(ctx: Context) -> Rows:
    return [
        {
            "id": t.pk,
            "community": ctx.community(t.community),
            "title": t.title,
            "kind": t.kind,
            "language": t.language,
            "status": t.status,
            "created_at": _when(t.created_at),
        }
        for t in Topic.objects.filter(author=ctx.user).select_related("community")
    ]


def _posts(ctx: Context) -> dict[str, Rows]:
    written = [
        {
            "id": p.pk,
            "topic_id": p.topic_id,
            "topic_title": ctx.topic_title(p.topic),
            "community": ctx.community(p.topic.community),
            "number": p.number,
            "body": p.body,
            "status": p.status,
            "created_at": _when(p.created_at),
            "edited_at": _when(p.edited_at),
        }
        for p in Post.objects.filter(author=ctx.user)
        .select_related("topic__community")
        .order_by("created_at", "pk")
    ]
    moderated = [
        {"post_id": p.pk, "status": p.status, "reason": p.moderation_reason}
        for p in Post.objects.filter(moderated_by=ctx.user).only("pk", "status", "moderation_reason")
    ]
    return {"written": written, "moderated_by_you": moderated}


def _post_revisions(ctx: Context) -> Rows:
    # A moderator's edit of someone else's post is listed without that person's text.
    return [
        {
            "post_id": r.post_id,
            "created_at": _when(r.created_at),
            "title": r.title if r.post.author_id == ctx.user.pk else None,
            "body": r.body if r.post.author_id == ctx.user.pk else None,
        }
        for r in PostRevision.objects.filter(editor=ctx.user).select_related("post")
    ]


def _moderation_actions(ctx: Context) -> Rows:
    return [
        {
            "community": ctx.community(a.community),
            "verb": a.verb,
            "reason": a.reason,
            "created_at": _when(a.created_at),
        }
        for a in ModerationAction.objects.filter(actor=ctx.user).select_related("community")
    ]


def _flags(ctx: Context) -> dict[str, Rows]:
    raised = [
        {
            "post_id": f.post_id,
            "topic_title": ctx.topic_title(f.post.topic),
            "reason": f.reason,
            "note": f.note,
            "created_at": _when(f.created_at),
            "resolved_at": _when(f.resolved_at),
            "resolution": f.resolution,
        }
        for f in Flag.objects.filter(reporter=ctx.user).select_related("post__topic__community")
    ]
    resolved = [
        {"post_id": f.post_id, "resolution": f.resolution, "resolved_at": _when(f.resolved_at)}
        for f in Flag.objects.filter(resolved_by=ctx.user).only("post_id", "resolution", "resolved_at")
    ]
    return {"raised": raised, "resolved_by_you": resolved}


def _reactions(ctx: Context) -> Rows:
    return [
        {
            "post_id": r.post_id,
            "topic_title": ctx.topic_title(r.post.topic),
            "kind": r.kind,
            "created_at": _when(r.created_at),
        }
        for r in Reaction.objects.filter(user=ctx.user).select_related("post__topic__community")
    ]


def _attachments(ctx: Context) -> Rows:
    return [
        {
            "post_id": a.post_id,
            "name": a.name,
            "content_type": a.content_type,
            "size": a.size,
            "created_at": _when(a.created_at),
            "file": ctx.add_file("attachments", f"{a.pk}-{a.name}", a.file),
        }
        for a in Attachment.objects.filter(uploaded_by=ctx.user)
    ]


# --- private messages -------------------------------------------------------------------------------------


def _conversations_started(ctx: Context) -> Rows:
    return [
        {"conversation_id": c.pk, "subject": c.subject, "created_at": _when(c.created_at)}
        for c in Conversation.objects.filter(started_by=ctx.user)
    ]


def _participations(ctx: Context) -> dict[str, Any]:
    places = list(Participant.objects.filter(user=ctx.user).select_related("conversation"))
    others: dict[int, list[str]] = {}
    for conversation_id, name in (
        Participant.objects.filter(conversation_id__in=[p.conversation_id for p in places])
        .exclude(user=ctx.user)
        .values_list("conversation_id", "user__display_name")
    ):
        others.setdefault(conversation_id, []).append(name)
    return {
        "yours": [
            {
                "conversation_id": p.conversation_id,
                "subject": p.conversation.subject,
                "with": sorted(others.get(p.conversation_id, [])),
                "joined_at": _when(p.joined_at),
                "last_read_at": _when(p.last_read_at),
                "left_at": _when(p.left_at),
                "muted": p.is_muted,
            }
            for p in places
        ],
        "people_you_added": Participant.objects.filter(added_by=ctx.user).exclude(user=ctx.user).count(),
    }


def _messages(ctx: Context) -> Rows:
    # The person's own messages; what others wrote to them stays in the hub, where they can read it.
    return [
        {
            "conversation_id": m.conversation_id,
            "subject": m.conversation.subject,
            "body": m.body,
            "status": m.status,
            "created_at": _when(m.created_at),
        }
        for m in Message.objects.filter(author=ctx.user)
        .select_related("conversation")
        .order_by("created_at", "pk")
    ]


def _blocks(ctx: Context) -> Rows:
    # Whom the person blocked; never who blocked them.
    return [
        {"person": b.blocked.display_name, "created_at": _when(b.created_at)}
        for b in Block.objects.filter(blocker=ctx.user).select_related("blocked")
    ]


def _reports(ctx: Context) -> dict[str, Any]:
    made = [
        {
            "message_id": r.message_id,
            "reason": r.reason,
            "note": r.note,
            "created_at": _when(r.created_at),
            "resolved_at": _when(r.resolved_at),
            "resolution": r.resolution,
        }
        for r in Report.objects.filter(reporter=ctx.user)
    ]
    return {"made": made, "resolved_by_you": Report.objects.filter(resolved_by=ctx.user).count()}


def _messaging_setting(ctx: Context) -> Any:
    return MessagingSetting.objects.filter(user=ctx.user).values("accepts").first()


# --- notifications and newsletters ------------------------------------------------------------------------


def _subscriptions(ctx: Context) -> Rows:
    return [
        {
            "community": ctx.community(s.community),
            "topic_title": ctx.topic_title(s.topic),
            "level": s.level,
            "updated_at": _when(s.updated_at),
        }
        for s in Subscription.objects.filter(user=ctx.user).select_related("community", "topic__community")
    ]


def _notifications(ctx: Context) -> dict[str, Any]:
    places = set(Participant.objects.filter(user=ctx.user).values_list("conversation_id", flat=True))
    received = [
        {
            "kind": n.kind,
            "topic_title": ctx.topic_title(n.topic),
            "conversation_subject": n.conversation.subject
            if n.conversation and n.conversation_id in places
            else None,
            "created_at": _when(n.created_at),
            "read_at": _when(n.read_at),
            "emailed_at": _when(n.emailed_at),
        }
        for n in Notification.objects.filter(recipient=ctx.user).select_related(
            "topic__community", "conversation"
        )
    ]
    return {
        "received": received,
        "sent_to_others_about_you": Notification.objects.filter(actor=ctx.user).count(),
    }


def _digest_setting(ctx: Context) -> Any:
    return DigestSetting.objects.filter(user=ctx.user).values("frequency").first()


def _digest_log(ctx: Context) -> Rows:
    return [
        dict(row) for row in DigestLog.objects.filter(user=ctx.user).values("period", "sent_at", "topics")
    ]


def _newsletters_written(ctx: Context) -> Rows:
    return [
        {
            "community": ctx.community(n.community),
            "status": n.status,
            "written_by_you": n.author_id == ctx.user.pk,
            "sent_by_you": n.sent_by_id == ctx.user.pk,
            "created_at": _when(n.created_at),
            "sent_at": _when(n.sent_at),
        }
        for n in Newsletter.objects.filter(Q(author=ctx.user) | Q(sent_by=ctx.user)).select_related(
            "community"
        )
    ]


def _newsletter_deliveries(ctx: Context) -> Rows:
    return [
        {
            "community": ctx.community(d.newsletter.community),
            "language": d.language,
            "status": d.status,
            "sent_at": _when(d.sent_at),
        }
        for d in Delivery.objects.filter(user=ctx.user).select_related("newsletter__community")
    ]


def _newsletter_opt_outs(ctx: Context) -> Rows:
    return [
        {
            "community": ctx.community(o.community),
            "hub": o.community_id is None,
            "created_at": _when(o.created_at),
        }
        for o in OptOut.objects.filter(user=ctx.user).select_related("community")
    ]


# --- library and events -----------------------------------------------------------------------------------


def _resources(ctx: Context) -> Rows:
    return [
        {
            "id": r.pk,
            "community": ctx.community(r.community),
            "title": r.title,
            "kind": r.kind,
            "summary": r.summary,
            "authors": r.authors,
            "publisher": r.publisher,
            "year": r.year,
            "language": r.language,
            "licence": r.licence,
            "url": r.url,
            "status": r.status,
            "created_at": _when(r.created_at),
            "file": ctx.add_file("library", f"{r.pk}-{r.file_name or 'file'}", r.file),
        }
        for r in Resource.objects.filter(added_by=ctx.user).select_related("community")
    ]


def _downloads(ctx: Context) -> Rows:
    return [
        {
            "resource_title": d.resource.title
            if d.resource.added_by_id == ctx.user.pk or ctx.readable(d.resource.community)
            else None,
            "created_at": _when(d.created_at),
        }
        for d in Download.objects.filter(user=ctx.user).select_related("resource__community")
    ]


def _events_organised(ctx: Context) -> Rows:
    return [
        {
            "community": ctx.community(e.community),
            "title": e.title,
            "starts_at": _when(e.starts_at),
            "ends_at": _when(e.ends_at),
            "status": e.status,
        }
        for e in Event.objects.filter(organiser=ctx.user).select_related("community")
    ]


def _speaking(ctx: Context) -> Rows:
    return [
        {"event_title": ctx.event_title(s.event), "name": s.name, "affiliation": s.affiliation}
        for s in Speaker.objects.filter(user=ctx.user).select_related("event__community")
    ]


def _registrations(ctx: Context) -> Rows:
    return [
        {
            "event_title": ctx.event_title(r.event),
            "community": ctx.community(r.event.community),
            "starts_at": _when(r.event.starts_at),
            "status": r.status,
            "language": r.language,
            "created_at": _when(r.created_at),
            "cancelled_at": _when(r.cancelled_at),
            "attended": r.attended,
        }
        for r in Registration.objects.filter(user=ctx.user).select_related("event__community")
    ]


def _cafe_tables(ctx: Context) -> Rows:
    return [
        {"event_title": ctx.event_title(t.cafe.event), "table": t.label}
        for t in CafeTable.objects.filter(host=ctx.user).select_related("cafe__event__community")
    ]


def _seats(ctx: Context) -> Rows:
    return [
        {
            "event_title": ctx.event_title(s.cafe.event),
            "round": s.round_no,
            "table": s.table.label,
            "host": s.is_host,
        }
        for s in Seat.objects.filter(user=ctx.user).select_related("cafe__event__community", "table")
    ]


def _harvests(ctx: Context) -> Rows:
    return [
        {
            "event_title": ctx.event_title(h.cafe.event),
            "round": h.round_no,
            "notes": h.notes,
            "insights": h.insights,
            "updated_at": _when(h.updated_at),
        }
        for h in Harvest.objects.filter(author=ctx.user).select_related("cafe__event__community")
    ]


# --- insights ---------------------------------------------------------------------------------------------


def _map_opt_out(ctx: Context) -> Any:
    return MapOptOut.objects.filter(user=ctx.user).values("created_at").first()


def _stories(ctx: Context) -> Rows:
    stories = list(
        Story.objects.filter(teller=ctx.user).select_related("community").prefetch_related("steps")
    )
    return [
        {
            "community": ctx.community(s.community),
            "title": s.title,
            "summary": s.summary,
            "status": s.status,
            "consent_publish": s.consent_publish,
            "anonymise": s.anonymise,
            "created_at": _when(s.created_at),
            "steps": [
                {"cycle": step.cycle, "narrative": step.narrative, "occurred_on": _when(step.occurred_on)}
                for step in s.steps.all()
            ],
        }
        for s in stories
    ]


def _observations(ctx: Context) -> Rows:
    return [
        {
            "community": ctx.community(o.indicator.community),
            "indicator": o.indicator.name if ctx.readable(o.indicator.community) else None,
            "period_start": _when(o.period_start),
            "period_end": _when(o.period_end),
            "value": str(o.value),
            "note": o.note,
        }
        for o in Observation.objects.filter(collected_by=ctx.user).select_related("indicator__community")
    ]


def _surveys_created(ctx: Context) -> Rows:
    return [
        {
            "community": ctx.community(s.community),
            "topic": s.topic if ctx.readable(s.community) else None,
            "status": s.status,
            "created_at": _when(s.created_at),
        }
        for s in ConnectionSurvey.objects.filter(created_by=ctx.user).select_related("community")
    ]


def _survey_answers(ctx: Context) -> Rows:
    responses = list(
        SurveyResponse.objects.filter(respondent=ctx.user)
        .select_related("survey__community")
        .prefetch_related("contacts")
    )
    return [
        {
            "community": ctx.community(r.survey.community),
            "survey": r.survey.topic if ctx.readable(r.survey.community) else None,
            "named": r.named,
            "submitted_at": _when(r.submitted_at),
            "contacts": [
                {
                    "name": c.name,
                    "organisation": c.organisation,
                    "channels": c.channels,
                    "frequency": c.frequency,
                }
                for c in r.contacts.all()
            ],
        }
        for r in responses
    ]


def _named_in_surveys(ctx: Context) -> dict[str, int]:
    # Others' answers naming the person are theirs: only how many there are.
    return {"times_named_by_others": SurveyContact.objects.filter(person=ctx.user).count()}


# --- learning alliances -----------------------------------------------------------------------------------


def _alliances_created(ctx: Context) -> Rows:
    return [
        {"alliance": ctx.alliance(a), "created_at": _when(a.created_at)}
        for a in LearningAlliance.objects.filter(created_by=ctx.user)
    ]


def _alliances_initiated(ctx: Context) -> Rows:
    return [{"alliance": ctx.alliance(a)} for a in LearningAlliance.objects.filter(initiators=ctx.user)]


def _platforms_facilitated(ctx: Context) -> Rows:
    return [
        {"alliance": ctx.alliance(p.alliance), "community": ctx.community(p.community), "stage": p.stage}
        for p in Platform.objects.filter(facilitator=ctx.user).select_related("alliance", "community")
    ]


def _stage_changes(ctx: Context) -> Rows:
    return [
        {"alliance": ctx.alliance(s.platform.alliance), "stage": s.stage, "note": s.note, "at": _when(s.at)}
        for s in StageChange.objects.filter(actor=ctx.user).select_related("platform__alliance")
    ]


def _direction_versions(ctx: Context) -> Rows:
    return [
        {
            "alliance": ctx.alliance(d.alliance),
            "number": d.number,
            "note": d.note,
            "created_at": _when(d.created_at),
        }
        for d in DirectionVersion.objects.filter(author=ctx.user).select_related("alliance")
    ]


def _stakeholder_records(ctx: Context) -> dict[str, Any]:
    """The registers' records naming the person as a stakeholder's contact; what they assessed of others
    is counted only."""
    about_you = [
        {
            "alliance": ctx.alliance(s.alliance),
            "name": s.name,
            "kind": s.kind,
            "status": s.status,
            "interest": s.interest,
            "influence": s.influence,
            "importance": s.importance,
            "alignment": s.alignment,
            "engagement_current": s.engagement_current,
            "engagement_desired": s.engagement_desired,
            "strategy": s.strategy,
            "rationale": s.rationale,
            "evidence": s.evidence,
            "assessed_at": _when(s.assessed_at),
        }
        for s in Stakeholder.objects.filter(contact=ctx.user).select_related("alliance")
    ]
    return {
        "about_you": about_you,
        "assessed_by_you": Stakeholder.objects.filter(assessed_by=ctx.user).count(),
    }


def _assessments(ctx: Context) -> dict[str, int]:
    return {"made_by_you": Assessment.objects.filter(assessed_by=ctx.user).count()}


def _mobilisation_steps(ctx: Context) -> dict[str, int]:
    return {"recorded_by_you": MobilisationStep.objects.filter(actor=ctx.user).count()}


def _cycles(ctx: Context) -> Rows:
    return [
        {
            "community": ctx.community(c.platform.community),
            "number": c.number,
            "question": c.question if ctx.readable(c.platform.community) else None,
            "phase": c.phase,
        }
        for c in ActionResearchCycle.objects.filter(created_by=ctx.user).select_related("platform__community")
    ]


def _process_entries(ctx: Context) -> Rows:
    return [
        {
            "community": ctx.community(e.platform.community),
            "title": e.title,
            "details": e.details,
            "happened_on": _when(e.happened_on),
        }
        for e in ProcessEntry.objects.filter(author=ctx.user).select_related("platform__community")
    ]


def _outputs(ctx: Context) -> Rows:
    return [
        {
            "community": ctx.community(o.platform.community),
            "title": o.title,
            "kind": o.kind,
            "published_on": _when(o.published_on),
        }
        for o in DisseminationOutput.objects.filter(author=ctx.user).select_related("platform__community")
    ]


def _system_maps(ctx: Context) -> Rows:
    return [
        {
            "community": ctx.community(m.community),
            "title": m.title if ctx.readable(m.community) else None,
            "created_at": _when(m.created_at),
        }
        for m in SystemMap.objects.filter(created_by=ctx.user).select_related("community")
    ]


# --- API and webhooks -------------------------------------------------------------------------------------


def _webhooks(ctx: Context) -> Rows:
    # The receiving address and events, never the signing secret.
    return [
        {
            "community": ctx.community(e.community),
            "url": e.url if ctx.readable(e.community) else None,
            "description": e.description,
            "events": e.events,
            "active": e.is_active,
            "created_at": _when(e.created_at),
        }
        for e in Endpoint.objects.filter(created_by=ctx.user).select_related("community")
    ]


def _tokens(ctx: Context) -> Rows:
    # Names, scopes and dates: the secret is never stored, and its hash never leaves the database.
    return [
        {
            "name": t.name,
            "scope": t.scope,
            "community": ctx.community(t.community),
            "created_at": _when(t.created_at),
            "expires_at": _when(t.expires_at),
            "last_used_at": _when(t.last_used_at),
            "revoked_at": _when(t.revoked_at),
        }
        for t in AccessToken.objects.filter(user=ctx.user).select_related("community")
    ]


@dataclass(frozen=True)
class Entry:
    """Where a model's rows about the person go in data.json (`section`), and the function that reads them."""

    section: str
    export: Callable[[Context], Any]


REGISTRY: dict[str, Entry] = {
    "accounts.User": Entry("account", _account),
    "account.EmailAddress": Entry("email_addresses", _email_addresses),
    "mfa.Authenticator": Entry("two_factor_methods", _authenticators),
    "accounts.User_groups": Entry("groups", _groups),
    "accounts.User_user_permissions": Entry("permissions", _permissions),
    "accounts.Profile": Entry("profile", _profile),
    "accounts.Organisation_admins": Entry("organisations_you_administer", _organisations_administered),
    "core.Interaction": Entry("activity_log", _interactions),
    "communities.Community": Entry("communities_created", _communities_created),
    "communities.Membership": Entry("memberships", _memberships),
    "communities.JoinRequest": Entry("join_requests", _join_requests),
    "communities.Invitation": Entry("invitations", _invitations),
    "communities.CharterVersion": Entry("charter_versions", _charter_versions),
    "communities.Consultation": Entry("consultations", _consultations),
    "communities.CharterRevision": Entry("charter_revisions", _charter_revisions),
    "communities.ResourceCommitment": Entry("resource_commitments", _commitments),
    "communities.Activity": Entry("activities", _activities),
    "communities.Milestone": Entry("milestones", _milestones),
    "discussions.Topic": Entry("topics", _topics),
    "discussions.Post": Entry("posts", _posts),
    "discussions.PostRevision": Entry("post_revisions", _post_revisions),
    "discussions.ModerationAction": Entry("moderation_actions", _moderation_actions),
    "discussions.Flag": Entry("flags", _flags),
    "discussions.Reaction": Entry("reactions", _reactions),
    "discussions.Attachment": Entry("attachments", _attachments),
    "conversations.Conversation": Entry("conversations_started", _conversations_started),
    "conversations.Participant": Entry("conversations", _participations),
    "conversations.Message": Entry("messages", _messages),
    "conversations.Block": Entry("blocked_people", _blocks),
    "conversations.Report": Entry("message_reports", _reports),
    "conversations.MessagingSetting": Entry("messaging_setting", _messaging_setting),
    "notifications.Subscription": Entry("subscriptions", _subscriptions),
    "notifications.Notification": Entry("notifications", _notifications),
    "notifications.DigestSetting": Entry("digest_setting", _digest_setting),
    "notifications.DigestLog": Entry("digests_sent", _digest_log),
    "newsletters.Newsletter": Entry("newsletters_written", _newsletters_written),
    "newsletters.Delivery": Entry("newsletters_received", _newsletter_deliveries),
    "newsletters.OptOut": Entry("newsletter_opt_outs", _newsletter_opt_outs),
    "library.Resource": Entry("library_resources", _resources),
    "library.Download": Entry("library_downloads", _downloads),
    "events.Event": Entry("events_organised", _events_organised),
    "events.Speaker": Entry("events_spoken_at", _speaking),
    "events.Registration": Entry("event_registrations", _registrations),
    "events.CafeTable": Entry("cafe_tables_hosted", _cafe_tables),
    "events.Seat": Entry("cafe_seats", _seats),
    "events.Harvest": Entry("cafe_harvests", _harvests),
    "insights.MapOptOut": Entry("map_opt_out", _map_opt_out),
    "insights.Story": Entry("value_stories", _stories),
    "insights.Observation": Entry("indicator_observations", _observations),
    "insights.ConnectionSurvey": Entry("connection_surveys_created", _surveys_created),
    "insights.SurveyResponse": Entry("connection_survey_answers", _survey_answers),
    "insights.SurveyContact": Entry("connection_survey_mentions", _named_in_surveys),
    "alliances.LearningAlliance": Entry("learning_alliances_created", _alliances_created),
    "alliances.LearningAlliance_initiators": Entry("learning_alliances_initiated", _alliances_initiated),
    "alliances.Platform": Entry("platforms_facilitated", _platforms_facilitated),
    "alliances.StageChange": Entry("platform_stage_changes", _stage_changes),
    "alliances.DirectionVersion": Entry("shared_direction_versions", _direction_versions),
    "alliances.Stakeholder": Entry("stakeholder_records", _stakeholder_records),
    "alliances.Assessment": Entry("stakeholder_assessments", _assessments),
    "alliances.MobilisationStep": Entry("mobilisation_steps", _mobilisation_steps),
    "alliances.ActionResearchCycle": Entry("action_research_cycles", _cycles),
    "alliances.ProcessEntry": Entry("process_log_entries", _process_entries),
    "alliances.DisseminationOutput": Entry("dissemination_outputs", _outputs),
    "alliances.SystemMap": Entry("systems_maps", _system_maps),
    "webhooks.Endpoint": Entry("webhooks_created", _webhooks),
    "api.AccessToken": Entry("api_tokens", _tokens),
}

EXCLUDED: dict[str, str] = {
    "admin.LogEntry": (
        "the admin site's audit trail of what staff changed; kept for accountability, and its object "
        "descriptions name the people whose records were changed"
    ),
    "api.IdempotentRequest": (
        "a 24-hour replay cache of API answers; the stored bodies are copies of answers the person already "
        "received and may carry other people's data"
    ),
}


def collect(user: User) -> tuple[dict[str, Any], list[tuple[str, File[Any]]]]:
    """Everything the registry knows about `user`, and the stored files to copy next to it."""
    ctx = Context(user=user)
    sections: dict[str, Any] = {}
    for label in sorted(REGISTRY, key=lambda name: REGISTRY[name].section):
        entry = REGISTRY[label]
        sections[entry.section] = entry.export(ctx)
    data = {
        "format": FORMAT_VERSION,
        "generated_at": timezone.now().isoformat(),
        "about": (
            "Your data on this hub. Communities you are not a member of, and that are not public, are "
            "withheld by name; other people's private data is never included."
        ),
        **sections,
    }
    return data, ctx.files


def archive_name(user: User) -> str:
    return f"catchment-data-{get_valid_filename(user.username)}-{timezone.now():%Y%m%d}.zip"


def write_archive(user: User, out: IO[bytes], max_file_bytes: int | None = None) -> None:
    """Write data.json and the person's own uploaded files (profile picture, library files, attachments) to `out`
    as a zip.

    Files are stored as they are (most are compressed already; deflating a gigabyte would outlast the request)
    and copied in chunks, never whole into memory. Once the copied files reach `max_file_bytes` in all
    (settings.DATA_EXPORT_MAX_FILE_BYTES) the rest are listed in data.json under "files_not_copied" with their
    size, so a member with gigabytes of uploads still gets their data rather than an error. A file the storage
    cannot give is listed under "files_missing_from_storage", one it stops giving partway under
    "files_incomplete"; an error writing the archive itself (a full temporary disk) is not hidden: it ends the
    export, and the page answers as it does for any full disk.
    """
    budget = settings.DATA_EXPORT_MAX_FILE_BYTES if max_file_bytes is None else max_file_bytes
    data, files = collect(user)
    missing: list[str] = []
    incomplete: list[str] = []
    not_copied: list[dict[str, Any]] = []
    copied = 0
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        for path, stored in files:
            try:
                size = stored.size
                if copied + size > budget:
                    not_copied.append({"path": path, "size": size})
                    continue
                handle = stored.open("rb")
            except Exception:  # any storage backend's failure (a missing file, S3 refusing or timing out)
                missing.append(path)
                continue
            with handle, archive.open(path, "w", force_zip64=size > ZIP64_FROM_BYTES) as target:
                while True:
                    try:
                        chunk = handle.read(COPY_CHUNK_BYTES)
                    except Exception:  # the storage stopped partway; what was written stays, marked
                        incomplete.append(path)
                        break
                    if not chunk:
                        break
                    target.write(chunk)
            copied += size
        if missing:
            data["files_missing_from_storage"] = missing
        if incomplete:
            data["files_incomplete"] = incomplete
        if not_copied:
            data["files_not_copied"] = {
                "reason": (
                    "the archive holds at most this many bytes of files; ask the hub's administrators for the rest"
                ),
                "limit_bytes": budget,
                "files": not_copied,
            }
        archive.writestr(
            "data.json",
            json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2, sort_keys=False),
            compress_type=zipfile.ZIP_DEFLATED,
        )


def build_archive(user: User, max_file_bytes: int | None = None) -> tempfile.SpooledTemporaryFile[bytes]:
    """The archive in a temporary file (in memory up to SPOOL_BYTES, on disk beyond), rewound for reading.

    The caller streams it (FileResponse closes it, and the operating system removes it, when the response ends).
    """
    spool: tempfile.SpooledTemporaryFile[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
    try:
        write_archive(user, spool, max_file_bytes)
    except BaseException:
        spool.close()
        raise
    audit.event("account.exported", outcome="success", user=user, size=spool.tell())
    spool.seek(0)
    return spool


def user_links(model: type[Model]) -> list[str]:
    """The names of `model`'s fields that point at the user model directly (used by the coverage test)."""
    return [
        f.name
        for f in model._meta.get_fields()
        if f.is_relation and f.concrete and f.related_model is User and not f.many_to_many
    ]
