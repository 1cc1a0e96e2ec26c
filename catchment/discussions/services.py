"""Every write to discussions: one transaction each, the policy asked first."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Sequence
from typing import cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from catchment.accounts.models import User
from catchment.accounts.permissions import Viewer
from catchment.communities import permissions as community_policy
from catchment.communities.models import Community, Membership
from catchment.core import interactions, limits, uploads
from catchment.core.limits import limited
from catchment.core.markdown import link_count, message_text
from catchment.core.models import Verb
from catchment.discussions import permissions
from catchment.discussions.models import (
    Attachment,
    Flag,
    FlagReason,
    ModerationAction,
    Post,
    PostRevision,
    Reaction,
    ReactionKind,
    Topic,
    TopicKind,
    Visibility,
)
from catchment.notifications import services as notifications
from catchment.webhooks import services as webhooks
from catchment.webhooks.models import WebhookEvent


class DiscussionError(ValueError):
    """A request that cannot be carried out; the message is translated and safe to show."""


def _membership(actor: Viewer, community: Community) -> Membership | None:
    return community_policy.membership_of(actor, community)


def _moderator(actor: Viewer, community: Community) -> bool:
    return permissions.can_moderate(actor, community, _membership(actor, community))


SLOW_MODE_CHOICES = (0, 60, 600, 3600)


def _check_limits(
    actor: Viewer, text: str, moderator: bool, topic: Topic | None = None, *, starting: bool = False
) -> None:
    """New accounts start a few topics a day and post a few messages an hour, with a few links each and a pause
    between two messages; slow mode spaces out replies. A limit says when it lifts (Retry-After). Moderators are
    not limited."""
    if moderator:
        return
    user = cast(User, actor)
    now = timezone.now()
    if user.date_joined > now - datetime.timedelta(days=settings.NEW_ACCOUNT_DAYS):
        limits.serialise(user)
        links = link_count(text)
        if links > settings.NEW_ACCOUNT_LINKS_PER_POST:
            raise DiscussionError(
                _(
                    "While your account is new, a message can hold at most %(limit)d links; this one has %(count)d."
                )
                % {"limit": settings.NEW_ACCOUNT_LINKS_PER_POST, "count": links}
            )
        if starting:
            day = datetime.timedelta(days=1)
            started = limits.latest(
                Topic.objects.filter(author=user), settings.NEW_ACCOUNT_TOPICS_PER_DAY, day
            )
            if len(started) >= settings.NEW_ACCOUNT_TOPICS_PER_DAY:
                raise limited(
                    DiscussionError(
                        _(
                            "While your account is new, you can start %(limit)d topics a day. "
                            "You can start the next one tomorrow; you can reply to topics meanwhile."
                        )
                        % {"limit": settings.NEW_ACCOUNT_TOPICS_PER_DAY}
                    ),
                    started[-1] + day,
                )
        hour = datetime.timedelta(hours=1)
        limits.new_account_pace(
            limits.latest(Post.objects.filter(author=user), settings.NEW_ACCOUNT_POSTS_PER_HOUR, hour),
            DiscussionError,
        )
    if topic is not None and topic.slow_mode_seconds:
        slow = datetime.timedelta(seconds=topic.slow_mode_seconds)
        last = (
            Post.objects.filter(topic=topic, author=user, created_at__gt=now - slow)
            .order_by("-created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        if last is not None:
            raise limited(
                DiscussionError(
                    _("This topic is in slow mode: one message every %(minutes)d minutes per person.")
                    % {"minutes": max(1, topic.slow_mode_seconds // 60)}
                ),
                last + slow,
            )


def _clean_body(body: str) -> str:
    return message_text(body, DiscussionError)


ATTACHMENT_FAMILIES = {
    uploads.FileFamily.PDF,
    uploads.FileFamily.DOCUMENT,
    uploads.FileFamily.IMAGE,
    uploads.FileFamily.TEXT,
}


def _check_files(files: Sequence[UploadedFile], already: int = 0) -> list[uploads.CheckedFile]:
    """Check every uploaded file from its content; the first refusal is the message shown."""
    if already + len(files) > settings.ATTACHMENTS_PER_POST:
        raise DiscussionError(
            _("A message can carry at most %(limit)d files.") % {"limit": settings.ATTACHMENTS_PER_POST}
        )
    checked = []
    for upload in files:
        try:
            checked.append(
                uploads.check_upload(
                    upload, families=ATTACHMENT_FAMILIES, max_bytes=settings.ATTACHMENT_MAX_BYTES
                )
            )
        except ValidationError as error:
            raise DiscussionError(" ".join(str(message) for message in error.messages)) from error
    return checked


def _attach(
    post: Post, checked: list[uploads.CheckedFile], actor: Viewer, stored: uploads.StoredFiles
) -> list[Attachment]:
    attachments = []
    for item in checked:
        try:
            name = stored.save("attachments", item)
        except uploads.StorageUnavailable as error:
            raise DiscussionError(str(error)) from error
        attachments.append(
            Attachment.objects.create(
                post=post,
                file=name,
                name=item.name,
                content_type=item.type.content_type,
                size=item.size,
                sha256=item.sha256,
                uploaded_by=cast(User, actor),
            )
        )
    return attachments


def topic_create(
    *,
    actor: Viewer,
    community: Community,
    kind: str,
    title: str,
    body: str,
    language: str,
    files: Sequence[UploadedFile] = (),
) -> Topic:
    """Start a topic: its opening post is post number 1, with any files attached to it."""
    with uploads.kept_only_on_success() as stored, transaction.atomic():
        if not permissions.can_start_topic(actor, community, _membership(actor, community), kind):
            raise PermissionDenied
        title = " ".join((title or "").split())
        if not title:
            raise DiscussionError(_("Give the topic a title."))
        text = _clean_body(body)
        _check_limits(actor, text, _moderator(actor, community), starting=True)
        checked = _check_files(files)
        now = timezone.now()
        topic = Topic.objects.create(
            community=community,
            kind=TopicKind(kind),
            title=title[:200],
            language=language,
            author=cast(User, actor),
            last_posted_at=now,
        )
        opening = Post.objects.create(topic=topic, number=1, author=cast(User, actor), body=text)
        _attach(opening, checked, actor, stored)
        interactions.record(
            interactions.Entry(
                actor_id=actor.pk or 0,
                verb=Verb.TOPIC,
                source=f"post:{opening.pk}",
                community_id=community.pk,
                object_type="topic",
                object_id=topic.pk,
                occurred_at=opening.created_at,
            )
        )
        notifications.on_new_post(opening)
        webhooks.emit(
            community,
            WebhookEvent.TOPIC_CREATED,
            {
                "topic": {
                    "id": topic.pk,
                    "kind": topic.kind,
                    "title": topic.title,
                    "language": topic.language,
                },
                "author": {"username": topic.author.username, "display_name": topic.author.display_name}
                if topic.author
                else None,
                "created_at": topic.created_at.isoformat(),
            },
        )
    return topic


def post_reply(
    *,
    actor: Viewer,
    topic: Topic,
    body: str,
    reply_to: Post | None = None,
    files: Sequence[UploadedFile] = (),
) -> Post:
    """Reply to a topic (optionally to one of its posts), with any files attached."""
    with uploads.kept_only_on_success() as stored, transaction.atomic():
        return _post_reply(actor, topic, body, reply_to, files, stored)


def _post_reply(
    actor: Viewer,
    topic: Topic,
    body: str,
    reply_to: Post | None,
    files: Sequence[UploadedFile],
    stored: uploads.StoredFiles,
) -> Post:
    locked = Topic.objects.select_for_update().select_related("community").get(pk=topic.pk)
    community = locked.community
    membership = _membership(actor, community)
    moderator = permissions.can_moderate(actor, community, membership)
    if not permissions.can_reply(actor, locked, membership, moderator):
        if locked.is_locked:
            raise DiscussionError(_("This topic is locked: no new replies."))
        if locked.status != Visibility.VISIBLE:
            raise DiscussionError(_("This topic has been removed."))
        raise PermissionDenied
    text = _clean_body(body)
    _check_limits(actor, text, moderator, locked)
    if reply_to is not None and (reply_to.topic_id != locked.pk or not reply_to.is_visible):
        raise DiscussionError(_("The message you replied to is no longer there."))
    checked = _check_files(files)
    last = locked.posts.order_by("-number").values_list("number", flat=True).first() or 0
    post = Post.objects.create(
        topic=locked, number=last + 1, author=cast(User, actor), body=text, reply_to=reply_to
    )
    _attach(post, checked, actor, stored)
    interactions.record(
        interactions.Entry(
            actor_id=actor.pk or 0,
            verb=Verb.REPLY,
            source=f"post:{post.pk}",
            community_id=locked.community_id,
            # Whom the reply answers: the message it replies to, else the person who opened the topic.
            target_id=reply_to.author_id if reply_to is not None else locked.author_id,
            object_type="topic",
            object_id=locked.pk,
            occurred_at=post.created_at,
        )
    )
    Topic.objects.filter(pk=locked.pk).update(
        last_posted_at=post.created_at, reply_count=F("reply_count") + 1
    )
    notifications.on_new_post(post)
    return post


def post_edit(
    *,
    actor: Viewer,
    post: Post,
    body: str,
    title: str | None = None,
    files: Sequence[UploadedFile] = (),
    remove: Sequence[int] = (),
) -> Post:
    """Change a post (and, for an opening post, the topic's title), attach more files or take some off;
    the old text is kept as a revision, and removed files are deleted once the change is committed."""
    with uploads.kept_only_on_success() as stored, transaction.atomic():
        return _post_edit(actor, post, body, title, files, remove, stored)


def _post_edit(
    actor: Viewer,
    post: Post,
    body: str,
    title: str | None,
    files: Sequence[UploadedFile],
    remove: Sequence[int],
    stored: uploads.StoredFiles,
) -> Post:
    locked = Post.objects.select_for_update().select_related("topic__community").get(pk=post.pk)
    topic = locked.topic
    membership = _membership(actor, topic.community)
    moderator = permissions.can_moderate(actor, topic.community, membership)
    if not permissions.can_edit_post(actor, locked, membership, moderator):
        raise PermissionDenied
    text = _clean_body(body)
    new_title = (
        " ".join((title or "").split())[:200] if locked.number == 1 and title is not None else topic.title
    )
    if not new_title:
        raise DiscussionError(_("Give the topic a title."))
    removed = list(locked.attachments.filter(pk__in=list(remove)))
    checked = _check_files(files, already=locked.attachments.count() - len(removed))
    if text == locked.body and new_title == topic.title and not checked and not removed:
        raise DiscussionError(_("Nothing has changed."))
    _attach(locked, checked, actor, stored)
    for attachment in removed:
        stored_name = attachment.file.name
        attachment.delete()
        transaction.on_commit(functools.partial(uploads.delete_quietly, stored_name))
    if text == locked.body and new_title == topic.title:
        return locked
    PostRevision.objects.create(
        post=locked,
        body=locked.body,
        title=topic.title if locked.number == 1 else "",
        editor=cast(User, actor),
    )
    locked.body = text
    locked.edited_at = timezone.now()
    locked.save(update_fields=["body", "edited_at"])
    if new_title != topic.title:
        topic.title = new_title
        topic.save(update_fields=["title"])
    return locked


@transaction.atomic
def answer_accept(*, actor: Viewer, topic: Topic, post: Post | None) -> Topic:
    """Mark (or, with None, unmark) the accepted answer of a question."""
    locked = Topic.objects.select_for_update().select_related("community").get(pk=topic.pk)
    membership = _membership(actor, locked.community)
    moderator = permissions.can_moderate(actor, locked.community, membership)
    if not permissions.can_accept_answer(actor, locked, membership, moderator):
        raise PermissionDenied
    if post is not None and (post.topic_id != locked.pk or post.number == 1 or not post.is_visible):
        raise DiscussionError(_("Only a visible reply can be the accepted answer."))
    locked.accepted_post = post
    locked.save(update_fields=["accepted_post"])
    if post is not None:
        notifications.on_answer_accepted(locked, post, cast(User, actor))
    return locked


TOPIC_VERBS: dict[str, tuple[str, object]] = {
    ModerationAction.Verb.PIN: ("is_pinned", True),
    ModerationAction.Verb.UNPIN: ("is_pinned", False),
    ModerationAction.Verb.LOCK: ("is_locked", True),
    ModerationAction.Verb.UNLOCK: ("is_locked", False),
    ModerationAction.Verb.HIDE: ("status", Visibility.HIDDEN),
    ModerationAction.Verb.UNHIDE: ("status", Visibility.VISIBLE),
    ModerationAction.Verb.DELETE: ("status", Visibility.DELETED),
    ModerationAction.Verb.RESTORE: ("status", Visibility.VISIBLE),
}
POST_STATUS = {
    ModerationAction.Verb.HIDE: Visibility.HIDDEN,
    ModerationAction.Verb.UNHIDE: Visibility.VISIBLE,
    ModerationAction.Verb.DELETE: Visibility.DELETED,
    ModerationAction.Verb.RESTORE: Visibility.VISIBLE,
}


def _recount(topic: Topic) -> None:
    topic.reply_count = topic.posts.filter(number__gt=1, status=Visibility.VISIBLE).count()
    topic.save(update_fields=["reply_count"])


@transaction.atomic
def topic_moderate(*, actor: Viewer, topic: Topic, verb: str, reason: str = "") -> ModerationAction:
    """Pin, lock, hide, delete or restore a whole topic; logged with who and why."""
    locked = Topic.objects.select_for_update().select_related("community").get(pk=topic.pk)
    if not _moderator(actor, locked.community):
        raise PermissionDenied
    if verb not in TOPIC_VERBS:
        raise DiscussionError(_("Unknown moderation action."))
    field, value = TOPIC_VERBS[verb]
    setattr(locked, field, value)
    locked.save(update_fields=[field])
    return ModerationAction.objects.create(
        community=locked.community,
        actor=cast(User, actor),
        verb=verb,
        topic=locked,
        reason=reason.strip()[:300],
    )


@transaction.atomic
def topic_move(*, actor: Viewer, topic: Topic, target: Community, reason: str = "") -> Topic:
    """Move a topic to another community; the mover must moderate both. Logged in both communities."""
    locked = Topic.objects.select_for_update().select_related("community").get(pk=topic.pk)
    source = locked.community
    if not _moderator(actor, source) or not _moderator(actor, target):
        raise PermissionDenied
    if target.pk == source.pk:
        raise DiscussionError(_("The topic is already in this community."))
    locked.community = target
    locked.save(update_fields=["community"])
    note = (reason.strip() or f"{source.name} → {target.name}")[:300]
    for community in (source, target):
        ModerationAction.objects.create(
            community=community,
            actor=cast(User, actor),
            verb=ModerationAction.Verb.MOVE,
            topic=locked,
            reason=note,
        )
    return locked


@transaction.atomic
def topic_slow_mode(*, actor: Viewer, topic: Topic, seconds: int, reason: str = "") -> ModerationAction:
    """Space out replies in a heated topic (0 turns slow mode off); logged with who and why."""
    locked = Topic.objects.select_for_update().select_related("community").get(pk=topic.pk)
    if not _moderator(actor, locked.community):
        raise PermissionDenied
    if seconds not in SLOW_MODE_CHOICES:
        raise DiscussionError(_("Choose one of the slow mode settings."))
    locked.slow_mode_seconds = seconds
    locked.save(update_fields=["slow_mode_seconds"])
    return ModerationAction.objects.create(
        community=locked.community,
        actor=cast(User, actor),
        verb=ModerationAction.Verb.SLOW,
        topic=locked,
        reason=(reason.strip() or f"{seconds // 60} min")[:300],
    )


@transaction.atomic
def post_moderate(*, actor: Viewer, post: Post, verb: str, reason: str = "") -> ModerationAction:
    """Hide, delete or restore one reply (the opening post goes with its topic); logged with who and why."""
    locked = Post.objects.select_for_update().select_related("topic__community").get(pk=post.pk)
    topic = locked.topic
    if not _moderator(actor, topic.community):
        raise PermissionDenied
    if verb not in POST_STATUS:
        raise DiscussionError(_("Unknown moderation action."))
    if locked.number == 1:
        return topic_moderate(actor=actor, topic=topic, verb=verb, reason=reason)
    locked.status = POST_STATUS[ModerationAction.Verb(verb)]
    locked.moderated_by = cast(User, actor)
    locked.moderation_reason = reason.strip()[:300]
    locked.save(update_fields=["status", "moderated_by", "moderation_reason"])
    _recount(topic)
    return ModerationAction.objects.create(
        community=topic.community,
        actor=cast(User, actor),
        verb=verb,
        topic=topic,
        post=locked,
        reason=reason.strip()[:300],
    )


@transaction.atomic
def post_flag(*, actor: Viewer, post: Post, reason: str, note: str = "") -> Flag:
    """Report a post to the community's moderators; one flag per person and post."""
    community = post.topic.community
    if not permissions.can_flag(actor, post, _membership(actor, community)):
        raise PermissionDenied
    if reason not in FlagReason.values:
        raise DiscussionError(_("Choose why you are flagging this message."))
    if Flag.objects.filter(post=post, reporter_id=actor.pk).exists():
        raise DiscussionError(_("You have already flagged this message; the moderators will look at it."))
    try:
        with transaction.atomic():
            return Flag.objects.create(
                post=post, reporter=cast(User, actor), reason=reason, note=note.strip()[:500]
            )
    except IntegrityError as error:  # a double-submitted form
        raise DiscussionError(
            _("You have already flagged this message; the moderators will look at it.")
        ) from error


@transaction.atomic
def flags_resolve(*, actor: Viewer, post: Post, hide: bool, reason: str = "") -> int:
    """Settle every open flag on a post: hide the post, or keep it and dismiss the flags. Logged."""
    community = post.topic.community
    if not _moderator(actor, community):
        raise PermissionDenied
    open_flags = Flag.objects.select_for_update().filter(post=post, resolved_at__isnull=True)
    count = len(list(open_flags))
    if count == 0:
        raise DiscussionError(_("These flags have already been dealt with."))
    if hide:
        post_moderate(actor=actor, post=post, verb=ModerationAction.Verb.HIDE, reason=reason or _("Flagged"))
    else:
        ModerationAction.objects.create(
            community=community,
            actor=cast(User, actor),
            verb=ModerationAction.Verb.DISMISS,
            topic=post.topic,
            post=post,
            reason=reason.strip()[:300],
        )
    Flag.objects.filter(post=post, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=cast(User, actor), resolution="hidden" if hide else "kept"
    )
    return count


@transaction.atomic
def reaction_toggle(*, actor: Viewer, post: Post, kind: str) -> bool:
    """Add the reaction, or take it back if it was there; returns whether it is now present."""
    if not permissions.can_react(actor, post, _membership(actor, post.topic.community)):
        raise PermissionDenied
    if kind not in ReactionKind.values:
        raise DiscussionError(_("Choose a reaction."))
    deleted, _rows = Reaction.objects.filter(post=post, user_id=actor.pk or 0, kind=kind).delete()
    if deleted:
        return False
    try:
        with transaction.atomic():
            Reaction.objects.create(post=post, user=cast(User, actor), kind=kind)
    except IntegrityError:  # a double click: the reaction is there either way
        pass
    interactions.record(
        interactions.Entry(
            actor_id=actor.pk or 0,
            verb=Verb.REACTION,
            source=f"reaction:{post.pk}:{actor.pk}:{kind}",
            community_id=post.topic.community_id,
            target_id=post.author_id,
            object_type="topic",
            object_id=post.topic_id,
        )
    )
    return True
