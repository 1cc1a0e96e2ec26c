"""Writing and sending newsletters. Sending fixes the recipients in delivery rows, then the task queue mails
them in batches; each row is claimed before its mail leaves, so a retried task never sends twice, and a
failed mail is kept as failed so it can be sent again."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import cast

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from catchment.accounts.models import StakeholderGroup, User
from catchment.accounts.permissions import Viewer, is_member
from catchment.communities import permissions as community_policy
from catchment.communities.models import Community
from catchment.core.mail import one_click_unsubscribe
from catchment.core.markdown import render_markdown
from catchment.core.tasks import task
from catchment.newsletters import permissions, selectors
from catchment.newsletters.models import Delivery, DeliveryStatus, Edition, Newsletter, OptOut, Status

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "catchment.newsletters.unsubscribe"
BATCH = 200
MAX_TEXT = 50000
LANGUAGES = [code for code, _name in settings.LANGUAGES]


class NewsletterError(ValueError):
    """A request that cannot be carried out; the message is translated and safe to show."""


@dataclass(frozen=True)
class Draft:
    """What the editor wrote: the segment and the text per language (subject, Markdown body)."""

    default_language: str
    editions: Mapping[str, tuple[str, str]]
    stakeholder_group: str = ""
    country: str = ""


def _may_manage(actor: Viewer, newsletter: Newsletter) -> bool:
    community = newsletter.community
    membership = community_policy.membership_of(actor, community) if community is not None else None
    return permissions.can_manage(actor, newsletter, membership)


def _check_draft(draft: Draft) -> dict[str, tuple[str, str]]:
    if draft.default_language not in LANGUAGES:
        raise NewsletterError(_("Choose the language for everyone else."))
    if draft.stakeholder_group and draft.stakeholder_group not in StakeholderGroup.values:
        raise NewsletterError(_("Choose a stakeholder group from the list."))
    editions: dict[str, tuple[str, str]] = {}
    for language, (subject, body) in draft.editions.items():
        subject = " ".join((subject or "").split())
        body = (body or "").strip()
        if language not in LANGUAGES or not (subject or body):
            continue
        if not subject or not body:
            raise NewsletterError(
                _("The %(language)s version needs both a subject and a text.")
                % {"language": dict(settings.LANGUAGES)[language]}
            )
        if len(subject) > 200 or len(body) > MAX_TEXT:
            raise NewsletterError(
                _("A subject can be at most 200 characters and a text at most %(limit)d.")
                % {"limit": MAX_TEXT}
            )
        editions[language] = (subject, body)
    if draft.default_language not in editions:
        raise NewsletterError(
            _("Write the %(language)s version: members without their own language's version receive it.")
            % {"language": dict(settings.LANGUAGES)[draft.default_language]}
        )
    return editions


def _save_editions(newsletter: Newsletter, editions: dict[str, tuple[str, str]]) -> None:
    newsletter.editions.exclude(language__in=list(editions)).delete()
    for language, (subject, body) in editions.items():
        Edition.objects.update_or_create(
            newsletter=newsletter, language=language, defaults={"subject": subject, "body": body}
        )


@transaction.atomic
def newsletter_create(*, actor: Viewer, community: Community | None, draft: Draft) -> Newsletter:
    """Start a draft from the hub team (no community) or from a community's convenors."""
    if community is None:
        allowed = permissions.can_write_hub_newsletters(actor)
    else:
        allowed = permissions.can_write_for(
            actor, community, community_policy.membership_of(actor, community)
        )
    if not allowed:
        raise PermissionDenied
    editions = _check_draft(draft)
    newsletter = Newsletter.objects.create(
        community=community,
        stakeholder_group=draft.stakeholder_group,
        country=draft.country,
        default_language=draft.default_language,
        author=cast(User, actor),
    )
    _save_editions(newsletter, editions)
    return newsletter


@transaction.atomic
def newsletter_update(*, actor: Viewer, newsletter: Newsletter, draft: Draft) -> Newsletter:
    """Change a draft's segment or text; a newsletter already sent stays as it was sent."""
    locked = (
        Newsletter.objects.select_for_update(of=("self",)).select_related("community").get(pk=newsletter.pk)
    )
    if not _may_manage(actor, locked):
        raise PermissionDenied
    if locked.status != Status.DRAFT:
        raise NewsletterError(_("This newsletter has been sent; it can no longer change."))
    editions = _check_draft(draft)
    locked.stakeholder_group = draft.stakeholder_group
    locked.country = draft.country
    locked.default_language = draft.default_language
    locked.save(update_fields=["stakeholder_group", "country", "default_language", "updated_at"])
    _save_editions(locked, editions)
    return locked


def edition_for(newsletter: Newsletter, language: str) -> Edition:
    """The edition a reader of `language` receives: their own, else the default one."""
    editions = {edition.language: edition for edition in newsletter.editions.all()}
    return editions.get(language) or editions[newsletter.default_language]


def unsubscribe_token(user_id: int, community_id: int | None) -> str:
    return signing.dumps({"u": user_id, "c": community_id or 0}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, int | None] | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not isinstance(data.get("c"), int):
        return None
    return data["u"], data["c"] or None


def _message(
    newsletter: Newsletter, user: User, edition: Edition, *, test: bool = False
) -> EmailMultiAlternatives:
    """The mail for one recipient: the edition's Markdown as text and as sanitised HTML, with a footer in the
    recipient's language and a one-click unsubscribe for this sender."""
    site = settings.SITE_URL
    unsubscribe = site + reverse(
        "newsletters:unsubscribe", kwargs={"token": unsubscribe_token(user.pk, newsletter.community_id)}
    )
    context = {
        "newsletter": newsletter,
        "edition": edition,
        "html_body": render_markdown(edition.body),
        "sender": newsletter.community.name if newsletter.community else settings.SITE_NAME,
        "web_link": site + reverse("newsletters:read", kwargs={"pk": newsletter.pk}),
        "unsubscribe": unsubscribe,
        "site_name": settings.SITE_NAME,
        "site_url": site,
        "test": test,
    }
    language = user.language if user.language in LANGUAGES else edition.language
    with translation.override(language):
        text = render_to_string("newsletters/email/newsletter.txt", context)
        html = render_to_string("newsletters/email/newsletter.html", context)
        prefix = f"[{_('Test')}] " if test else ""
    message = EmailMultiAlternatives(
        subject=" ".join(f"{prefix}{edition.subject}".split()),  # a header: never a line break
        body=text,
        to=[user.email],
        headers=one_click_unsubscribe(unsubscribe),
    )
    message.attach_alternative(html, "text/html")
    return message


def newsletter_test(*, actor: Viewer, newsletter: Newsletter, language: str) -> None:
    """Mail the edition in `language` to the editor themself, marked as a test (through the task queue)."""
    if not _may_manage(actor, newsletter):
        raise PermissionDenied
    user = cast(User, actor)
    if not user.email:
        raise NewsletterError(_("Your account has no email address to send the test to."))
    send_test.enqueue(
        newsletter.pk, user.pk, language if language in LANGUAGES else newsletter.default_language
    )


@task
def send_test(newsletter_id: int, user_id: int, language: str) -> None:
    """Send one test copy."""
    newsletter = Newsletter.objects.select_related("community").get(pk=newsletter_id)
    user = User.objects.get(pk=user_id)
    _message(newsletter, user, edition_for(newsletter, language), test=True).send()


@transaction.atomic
def newsletter_send(*, actor: Viewer, newsletter: Newsletter) -> int:
    """Fix the recipients (the segment as it is now) and queue the mail; returns how many it goes to."""
    locked = (
        Newsletter.objects.select_for_update(of=("self",)).select_related("community").get(pk=newsletter.pk)
    )
    if not _may_manage(actor, locked):
        raise PermissionDenied
    if locked.status != Status.DRAFT:
        raise NewsletterError(_("This newsletter has already been sent."))
    languages = set(locked.editions.values_list("language", flat=True))
    people = list(selectors.audience(selectors.Segment.of(locked)).values_list("pk", "language"))
    if not people:
        raise NewsletterError(_("Nobody is in this segment: there is no one to send it to."))
    Delivery.objects.bulk_create(
        [
            Delivery(
                newsletter=locked,
                user_id=pk,
                language=language if language in languages else locked.default_language,
            )
            for pk, language in people
        ],
        batch_size=1000,
    )
    locked.status = Status.SENDING
    locked.sent_by = cast(User, actor)
    locked.sent_at = timezone.now()
    locked.save(update_fields=["status", "sent_by", "sent_at", "updated_at"])
    deliver.enqueue(locked.pk)
    return len(people)


STALE_CLAIM = datetime.timedelta(minutes=15)


@transaction.atomic
def failed_retry(*, actor: Viewer, newsletter: Newsletter) -> int:
    """Send what is left: mails that failed (an SMTP outage, say), mails still waiting, and mails whose
    sender stopped mid-way (claimed over 15 minutes ago, never confirmed). Returns how many are queued.
    A sender that died between handing a mail to the server and recording it may, in that one case, have
    sent it already: such a mail can go twice, never zero times."""
    if not _may_manage(actor, newsletter):
        raise PermissionDenied
    stale = timezone.now() - STALE_CLAIM
    again = Delivery.objects.filter(newsletter=newsletter).filter(
        Q(status=DeliveryStatus.FAILED) | Q(status=DeliveryStatus.SENDING, claimed_at__lt=stale)
    )
    again.update(status=DeliveryStatus.QUEUED, error="")
    count = Delivery.objects.filter(newsletter=newsletter, status=DeliveryStatus.QUEUED).count()
    if count:
        # The retry is this manager's decision: the task checks their standing when it runs.
        Newsletter.objects.filter(pk=newsletter.pk).update(status=Status.SENDING, sent_by=actor)
        deliver.enqueue(newsletter.pk)
    return count


def _claim(delivery_id: int) -> bool:
    return bool(
        Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.QUEUED).update(
            status=DeliveryStatus.SENDING, claimed_at=timezone.now()
        )
    )


@task
def deliver(newsletter_id: int) -> int:
    """Mail every waiting recipient, a batch at a time over one connection; returns how many were sent."""
    newsletter = (
        Newsletter.objects.select_related("community").prefetch_related("editions").get(pk=newsletter_id)
    )
    editions = {edition.language: edition for edition in newsletter.editions.all()}
    sender = newsletter.sent_by
    if sender is None or not sender.is_active or not _may_manage(sender, newsletter):
        # The mail goes out in the sender's name: who was demoted, removed or deactivated since pressing
        # "send" sends nothing. A current manager's "retry" sends it again under their name.
        Delivery.objects.filter(newsletter=newsletter, status=DeliveryStatus.QUEUED).update(
            status=DeliveryStatus.FAILED, error=_("The sender may no longer send this newsletter.")
        )
        # Not "sending" for ever: it is finished, with its failed deliveries listed for a manager to retry.
        Newsletter.objects.filter(pk=newsletter.pk, status=Status.SENDING).update(status=Status.SENT)
        return 0
    sent = 0
    while True:
        # Someone who opted out after the newsletter was queued is not sent it.
        unwanted = set(
            OptOut.objects.filter(community=newsletter.community).values_list("user_id", flat=True)
        )
        batch = list(
            Delivery.objects.filter(newsletter=newsletter, status=DeliveryStatus.QUEUED)
            .select_related("user")
            .order_by("pk")[:BATCH]
        )
        if not batch:
            break
        connection = get_connection()
        try:
            connection.open()
        except OSError as error:
            logger.warning("newsletter %s: the mail server is not answering: %s", newsletter_id, error)
            Delivery.objects.filter(pk__in=[d.pk for d in batch], status=DeliveryStatus.QUEUED).update(
                status=DeliveryStatus.FAILED, error=str(error)[:300]
            )
            continue
        try:
            for delivery in batch:
                if not _claim(delivery.pk):
                    continue  # another worker has it
                if delivery.user_id in unwanted or not delivery.user.is_active or not delivery.user.email:
                    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.SKIPPED)
                    continue
                edition = editions.get(delivery.language) or editions[newsletter.default_language]
                message = _message(newsletter, delivery.user, edition)
                message.connection = connection
                try:
                    message.send()
                except Exception as error:  # any failure of one mail must not stop the others
                    logger.warning("newsletter %s to %s failed: %s", newsletter_id, delivery.user_id, error)
                    Delivery.objects.filter(pk=delivery.pk).update(
                        status=DeliveryStatus.FAILED, error=str(error)[:300]
                    )
                else:
                    Delivery.objects.filter(pk=delivery.pk).update(
                        status=DeliveryStatus.SENT, sent_at=timezone.now()
                    )
                    sent += 1
        finally:
            connection.close()
    if not Delivery.objects.filter(newsletter=newsletter, status=DeliveryStatus.QUEUED).exists():
        Newsletter.objects.filter(pk=newsletter.pk, status=Status.SENDING).update(status=Status.SENT)
    return sent


def opt_out(*, user_id: int, community: Community | None) -> None:
    """Stop newsletters from the hub team (no community) or from one community."""
    OptOut.objects.get_or_create(user_id=user_id, community=community)


def opt_in(*, actor: Viewer, community: Community | None) -> None:
    """Receive that sender's newsletters again."""
    if not is_member(actor):
        raise PermissionDenied
    OptOut.objects.filter(user_id=actor.pk or 0, community=community).delete()
