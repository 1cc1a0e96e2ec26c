"""GDPR data rights (reliability.md #30 and #31): the export holds everything about the person and nothing
private of anyone else; erasure leaves no trace of them in any text column, the search index or the cache,
ends their sessions and tokens, keeps their posts as a former member's and frees their future places."""

from __future__ import annotations

import datetime
import errno
import io
import json
import zipfile
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.files.base import ContentFile
from django.db import connection, models
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from catchment.accounts import erasure, export
from catchment.accounts.models import Organisation, Profile, SpokenLanguage, User
from catchment.accounts.tests.factories import OrganisationFactory, ProfileFactory, ThemeFactory
from catchment.alliances.models import (
    ActionResearchCycle,
    Assessment,
    DirectionVersion,
    DisseminationOutput,
    LearningAlliance,
    MobilisationStep,
    ProcessEntry,
    StageChange,
    Stakeholder,
    SystemMap,
)
from catchment.alliances.tests.factories import alliance_world
from catchment.api import services as token_services
from catchment.api.models import AccessToken, IdempotentRequest
from catchment.communities.models import (
    Activity,
    CharterRevision,
    CharterVersion,
    Consultation,
    Invitation,
    JoinRequest,
    Membership,
    Milestone,
    ResourceCommitment,
    Role,
)
from catchment.communities.tests.factories import CommunityFactory, MembershipFactory
from catchment.conversations.models import Block, Conversation, Message, MessagingSetting, Participant, Report
from catchment.core import pagecache
from catchment.core.models import Interaction, Verb
from catchment.discussions.models import (
    Attachment,
    Flag,
    ModerationAction,
    Post,
    PostRevision,
    Reaction,
    Topic,
)
from catchment.events.models import (
    Cafe,
    CafeTable,
    Event,
    Harvest,
    Registration,
    RegistrationStatus,
    Seat,
    Speaker,
)
from catchment.insights.models import (
    ConnectionSurvey,
    Indicator,
    MapOptOut,
    Observation,
    Story,
    StoryStep,
    SurveyContact,
    SurveyResponse,
)
from catchment.library.models import Download, Resource
from catchment.newsletters.models import Delivery, Edition, Newsletter, OptOut
from catchment.notifications.models import DigestLog, DigestSetting, Notification, Subscription
from catchment.search import services as search_services
from catchment.search.models import SearchDocument
from catchment.webhooks.models import Delivery as WebhookDelivery
from catchment.webhooks.models import Endpoint

SENTINEL = "PRIVATE-7f3c"
PASSWORD = "correct-horse-battery"
ERIN = {
    "username": "erin-quillfeather",
    "email": "erin.quillfeather@example.org",
    "display_name": "Erin Quillfeather",
    "first_name": "Erinna",
    "last_name": "Quillfeatherova",
}


def _linked_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if export.user_links(model) and model is not User
    ]


def test_every_model_linking_to_a_user_is_exported_or_deliberately_excluded():
    linked = {model._meta.label for model in _linked_models()} | {"accounts.User"}
    registered, excluded = set(export.REGISTRY), set(export.EXCLUDED)
    assert linked - registered - excluded == set(), "a model points at the user: add it to export.REGISTRY"
    assert registered & excluded == set()
    assert (registered | excluded) - linked == set(), "a registry entry names no model with a user link"
    assert all(reason.strip() for reason in export.EXCLUDED.values())
    sections = [entry.section for entry in export.REGISTRY.values()]
    assert len(sections) == len(set(sections))
    # The figure for docs/security.md: models covered / models with a user link.
    assert len(registered) == len(linked) - len(excluded)


def _future(days: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


def _event(community, organiser, title, days, capacity=None) -> Event:
    start = _future(days)
    return Event.objects.create(
        community=community,
        kind="webinar",
        title=title,
        organiser=organiser,
        time_zone="UTC",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        capacity=capacity,
    )


@pytest.fixture
def world(db):
    """Erin with a row in every registered model; Olga with private things Erin must never receive."""
    organisation = OrganisationFactory(name="Lake Basin Partnership")
    erin_profile = ProfileFactory(
        user__username=ERIN["username"],
        user__email=ERIN["email"],
        user__display_name=ERIN["display_name"],
        user__first_name=ERIN["first_name"],
        user__last_name=ERIN["last_name"],
        organisation=organisation,
        bio="Hydrologist who likes wetlands.",
        position="Hydrologist",
        avatar=ContentFile(b"\xff\xd8\xff picture", name="erin.jpg"),
    )
    erin = erin_profile.user
    erin_profile.themes.add(ThemeFactory(slug="wetlands"))
    SpokenLanguage.objects.create(profile=erin_profile, code="fr")
    olga = ProfileFactory(
        user__email=f"olga-{SENTINEL}@example.org".lower(), user__display_name="Olga Other"
    ).user
    staff = ProfileFactory(user__is_staff=True).user

    public = CommunityFactory(name="Open Rivers", slug="open-rivers", visibility="public", created_by=erin)
    private = CommunityFactory(name=f"{SENTINEL} Closed Basin", slug="closed-basin", visibility="private")
    secret = CommunityFactory(name=f"{SENTINEL} Secret Circle", slug="secret-circle", visibility="secret")
    MembershipFactory(community=public, user=erin, role=Role.CONVENOR)
    MembershipFactory(community=public, user=olga, role=Role.CONVENOR)
    MembershipFactory(community=private, user=olga, role=Role.CONVENOR)
    MembershipFactory(community=secret, user=olga, role=Role.CONVENOR)

    group = Group.objects.create(name="Editors")
    erin.groups.add(group)
    from django.contrib.auth.models import Permission

    erin.user_permissions.add(Permission.objects.get(codename="view_theme"))
    organisation.admins.add(erin)
    Authenticator.objects.create(user=erin, type="totp", data={"secret": f"{SENTINEL}-totp"})
    LogEntry.objects.create(
        user=staff,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(erin.pk),
        object_repr=str(erin),
        action_flag=ADDITION,
    )
    Interaction.objects.create(
        actor=erin, verb=Verb.TOPIC, community_id=private.pk, source="seed:1", occurred_at=timezone.now()
    )
    Interaction.objects.create(
        actor=olga,
        target=erin,
        verb=Verb.REPLY,
        community_id=secret.pk,
        source="seed:2",
        occurred_at=timezone.now(),
    )

    # Communities: requests, invitations, charter, plans.
    JoinRequest.objects.create(community=private, user=erin, message="Please let me in")
    JoinRequest.objects.create(
        community=public, user=olga, message=f"{SENTINEL} let me in", decided_by=erin, status="approved"
    )
    Invitation.objects.create(
        community=secret,
        email=ERIN["email"],
        role=Role.MEMBER,
        token_hash="a" * 64,
        invited_by=olga,
        message=f"{SENTINEL} come",
        expires_at=_future(5),
    )
    Invitation.objects.create(
        community=public,
        email=f"invitee-{SENTINEL}@example.org".lower(),
        role=Role.MEMBER,
        token_hash="b" * 64,
        invited_by=erin,
        expires_at=_future(5),
    )
    CharterVersion.objects.create(community=public, number=1, author=erin, note="first draft")
    Consultation.objects.create(community=public, updated_by=erin)
    CharterRevision.objects.create(
        community=public,
        version=CharterVersion.objects.get(community=public),
        implemented_by=erin,
        revision_date=datetime.date(2026, 1, 1),
        approval_date=datetime.date(2026, 1, 2),
        approved_by=erin,
        approved_by_name=ERIN["display_name"],
    )
    ResourceCommitment.objects.create(
        community=public,
        responsibility="Facilitation",
        person=erin,
        person_name=ERIN["display_name"],
        hours_per_month=Decimal("4"),
    )
    Activity.objects.create(
        community=public,
        title="Monthly call",
        kind="webinar",
        owner=erin,
        starts_on=datetime.date(2026, 1, 1),
    )
    Milestone.objects.create(community=public, title="Launch", due_on=datetime.date(2026, 6, 1), owner=erin)

    # Discussions: Erin wrote in the private community before leaving it; Olga's private topic is there.
    own_topic = Topic.objects.create(
        community=public, title="Wetland buffers", author=erin, language="en", last_posted_at=timezone.now()
    )
    Post.objects.create(topic=own_topic, number=1, author=erin, body="Buffers of 30 m work well.")
    private_topic = Topic.objects.create(
        community=private,
        title=f"{SENTINEL} budget talk",
        author=olga,
        language="en",
        last_posted_at=timezone.now(),
    )
    olga_post = Post.objects.create(topic=private_topic, number=1, author=olga, body=f"{SENTINEL} numbers")
    erin_private_post = Post.objects.create(
        topic=private_topic,
        number=2,
        author=erin,
        body="My own reply in the closed basin.",
        moderated_by=erin,
    )
    PostRevision.objects.create(post=olga_post, body=f"{SENTINEL} old numbers", editor=erin)
    PostRevision.objects.create(post=erin_private_post, body="My first wording.", editor=erin)
    ModerationAction.objects.create(community=public, actor=erin, verb="pin", topic=own_topic)
    Flag.objects.create(post=olga_post, reporter=erin, reason="spam", resolved_by=erin)
    Reaction.objects.create(post=olga_post, user=erin, kind="thanks")
    Attachment.objects.create(
        post=erin_private_post,
        file=ContentFile(b"%PDF-1.4 erin", name="attachments/x.pdf"),
        name="notes.pdf",
        content_type="application/pdf",
        size=13,
        sha256="0" * 64,
        uploaded_by=erin,
    )

    # Private messages.
    conversation = Conversation.objects.create(
        subject="Field visit", started_by=erin, last_message_at=timezone.now()
    )
    Participant.objects.create(conversation=conversation, user=erin, added_by=erin)
    Participant.objects.create(conversation=conversation, user=olga, added_by=erin)
    Message.objects.create(conversation=conversation, author=erin, body="See you at the dam.")
    olga_message = Message.objects.create(
        conversation=conversation, author=olga, body=f"{SENTINEL} my home address"
    )
    olga_only = Conversation.objects.create(
        subject=f"{SENTINEL} about Erin", started_by=olga, last_message_at=timezone.now()
    )
    Participant.objects.create(conversation=olga_only, user=olga)
    Block.objects.create(blocker=erin, blocked=staff)
    Block.objects.create(blocker=olga, blocked=erin)
    Report.objects.create(message=olga_message, reporter=erin, reason="harassment", resolved_by=erin)
    MessagingSetting.objects.create(user=erin, accepts="members")

    # Notifications and newsletters.
    Subscription.objects.create(user=erin, topic=private_topic, level="watch")
    Notification.objects.create(recipient=erin, kind="reply", actor=olga, topic=private_topic, post=olga_post)
    Notification.objects.create(recipient=olga, kind="reply", actor=erin, conversation=olga_only)
    DigestSetting.objects.create(user=erin, frequency="weekly")
    DigestLog.objects.create(user=erin, period="2026-W01", topics=3)
    newsletter = Newsletter.objects.create(community=public, author=erin, sent_by=erin, default_language="en")
    Edition.objects.create(newsletter=newsletter, language="en", subject="News", body="Hello")
    Delivery.objects.create(newsletter=newsletter, user=erin, language="en")
    OptOut.objects.create(user=erin, community=None)

    # Library.
    resource = Resource.objects.create(
        community=public,
        kind="document",
        title="Buffer strips guide",
        language="en",
        added_by=erin,
        file=ContentFile(b"%PDF-1.4 guide", name="library/guide.pdf"),
        file_name="guide.pdf",
        size=14,
    )
    private_resource = Resource.objects.create(
        community=private, kind="document", title=f"{SENTINEL} private report", language="en", added_by=olga
    )
    Download.objects.create(resource=resource, user=erin)
    Download.objects.create(resource=private_resource, user=erin)

    # Events: Erin holds the only place at a future event; Olga waits.
    full = _event(public, olga, "Wetland webinar", 10, capacity=1)
    Registration.objects.create(event=full, user=erin, language="en", status=RegistrationStatus.REGISTERED)
    Registration.objects.create(
        event=full,
        user=olga,
        language="en",
        status=RegistrationStatus.WAITLISTED,
        waitlisted_at=timezone.now(),
    )
    Event.objects.filter(pk=full.pk).update(registered_count=1)
    past = _event(public, erin, "Past café", -10)
    Registration.objects.create(
        event=past, user=erin, language="en", status=RegistrationStatus.REGISTERED, attended=True
    )
    Event.objects.filter(pk=past.pk).update(registered_count=1)
    secret_event = _event(secret, olga, f"{SENTINEL} secret meeting", 3)
    Speaker.objects.create(event=past, name=ERIN["display_name"], affiliation="Lake Basin", user=erin)
    Speaker.objects.create(event=secret_event, name="Someone", user=olga)
    cafe = Cafe.objects.create(event=past)
    table = CafeTable.objects.create(cafe=cafe, label="Table A", host=erin)
    Seat.objects.create(cafe=cafe, round_no=1, table=table, user=erin, is_host=True)
    Harvest.objects.create(cafe=cafe, table=table, round_no=1, notes="We agreed on buffers.", author=erin)

    # Insights.
    MapOptOut.objects.create(user=erin)
    story = Story.objects.create(community=public, teller=erin, title="How buffers spread", summary="A story")
    StoryStep.objects.create(story=story, cycle=1, narrative="It began at a field visit.")
    indicator = Indicator.objects.create(community=public, cycle=1, name="Farms with buffers")
    Observation.objects.create(
        indicator=indicator,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 3, 31),
        value=Decimal("12"),
        collected_by=erin,
    )
    survey = ConnectionSurvey.objects.create(
        community=public, topic="Who do you ask?", created_by=erin, channels="email"
    )
    own_answer = SurveyResponse.objects.create(survey=survey, respondent=erin, named=True)
    SurveyContact.objects.create(
        response=own_answer, position=1, name="Olga Other", person=olga, channels="email"
    )
    olga_answer = SurveyResponse.objects.create(survey=survey, respondent=olga, named=True)
    SurveyContact.objects.create(
        response=olga_answer,
        position=1,
        name=ERIN["display_name"],
        organisation=f"{SENTINEL} org",
        person=erin,
        channels="email",
    )

    # Learning alliances.
    alliance_bits = alliance_world()
    alliance = alliance_bits.alliance
    LearningAlliance.objects.filter(pk=alliance.pk).update(created_by=erin)
    alliance.initiators.add(erin)
    platform = alliance_bits.village
    platform.facilitator = erin
    platform.save(update_fields=["facilitator"])
    StageChange.objects.create(platform=platform, stage="mobilisation", actor=erin)
    DirectionVersion.objects.create(alliance=alliance, number=9, author=erin)
    about_erin = Stakeholder.objects.create(
        alliance=alliance,
        name=ERIN["display_name"],
        kind="person",
        contact=erin,
        assessed_by=olga,
        org_type="ngo",
        level="national",
    )
    about_olga = Stakeholder.objects.create(
        alliance=alliance,
        name="Olga Other",
        kind="person",
        contact=olga,
        assessed_by=erin,
        rationale=SENTINEL,
        org_type="ngo",
        level="national",
    )
    Assessment.objects.create(
        stakeholder=about_olga,
        assessed_by=erin,
        rationale=f"{SENTINEL} resists",
        interest=3,
        influence=3,
        importance=3,
        alignment=3,
        engagement_current="neutral",
        engagement_desired="supportive",
        strategy="consult",
        assessed_at=timezone.now(),
    )
    MobilisationStep.objects.create(
        stakeholder=about_olga, from_status="identified", to_status="contacted", actor=erin
    )
    assert about_erin.pk
    ActionResearchCycle.objects.create(
        platform=platform, number=7, question="Do buffers pay?", created_by=erin
    )
    ProcessEntry.objects.create(
        platform=platform, title="Field day", author=erin, happened_on=datetime.date(2026, 2, 2)
    )
    DisseminationOutput.objects.create(
        platform=platform,
        kind="brief",
        title="Buffer brief",
        author=erin,
        audience="national",
        channel="web",
        published_on=datetime.date(2026, 3, 1),
    )
    SystemMap.objects.create(community=public, title="Buffers map", created_by=erin)

    # API and webhooks.
    endpoint = Endpoint.objects.create(
        community=public, url="https://partner.example.org/hook", secret=f"{SENTINEL}-secret", created_by=erin
    )
    WebhookDelivery.objects.create(
        endpoint=endpoint,
        event="member.joined",
        event_id="e1",
        payload={"data": {"member": {"username": erin.username, "display_name": erin.display_name}}},
    )
    _token, secret_value = token_services.token_create(actor=erin, name="Reporting sheet", scope="read")
    IdempotentRequest.objects.create(user=erin, key="k1", fingerprint="f", status_code=201, body="{}")

    search_services.rebuild()
    return {
        "erin": erin,
        "olga": olga,
        "public": public,
        "private": private,
        "own_topic": own_topic,
        "full_event": full,
        "token": secret_value,
    }


def _archive(user: User) -> tuple[dict, zipfile.ZipFile, str]:
    with export.build_archive(user) as spool:
        content = spool.read()
    archive = zipfile.ZipFile(io.BytesIO(content))
    text = archive.read("data.json").decode()
    return json.loads(text), archive, text


def _rows_linked_to(model: type[models.Model], user: User) -> int:
    query = models.Q()
    for name in export.user_links(model):
        query |= models.Q(**{name: user})
    return model._default_manager.filter(query).count()


def test_the_seed_has_a_row_in_every_registered_model(world):
    erin = world["erin"]
    empty = [
        label
        for label in export.REGISTRY
        if label != "accounts.User" and not _rows_linked_to(apps.get_model(label), erin)
    ]
    assert empty == []


def test_the_export_holds_everything_about_the_person_and_nothing_private_of_others(world):
    erin, olga = world["erin"], world["olga"]
    data, archive, text = _archive(erin)
    empty = [entry.section for entry in export.REGISTRY.values() if data[entry.section] in (None, [], {})]
    assert empty == []
    assert data["account"]["email"] == ERIN["email"]
    assert data["profile"]["bio"] == "Hydrologist who likes wetlands."
    assert data["profile"]["spoken_languages"] == ["fr"]
    bodies = {post["body"] for post in data["posts"]["written"]}
    assert "My own reply in the closed basin." in bodies
    closed = next(p for p in data["posts"]["written"] if p["body"].startswith("My own reply"))
    assert closed["topic_title"] is None and closed["community"]["name"] is None
    assert data["api_tokens"][0]["name"] == "Reporting sheet"
    assert data["messages"][0]["body"] == "See you at the dam."
    # The person's own files travel with the data.
    names = set(archive.namelist())
    assert any(name.startswith("files/profile/") for name in names)
    assert any(name.startswith("files/library/") for name in names)
    assert any(name.startswith("files/attachments/") for name in names)
    # Nothing private of others: the sentinel, Olga's address, secrets, hashes.
    everything = text + "".join(archive.read(name).decode("latin-1") for name in names if name != "data.json")
    lowered = everything.lower()
    leaks = [
        lowered[max(0, at - 120) : at + 20]
        for at in range(len(lowered))
        if lowered.startswith(SENTINEL.lower(), at)
    ]
    assert leaks == []
    assert olga.email not in everything
    assert world["token"] not in everything
    token = AccessToken.objects.get(user=erin)
    assert token.key_hash not in everything
    assert "key_hash" not in text and '"secret"' not in text


def test_files_beyond_the_archive_budget_are_listed_not_copied_and_big_archives_go_to_disk(
    world, monkeypatch
):
    erin = world["erin"]
    with export.build_archive(erin) as spool:
        whole = zipfile.ZipFile(io.BytesIO(spool.read()))
    copied = [info for info in whole.infolist() if info.filename.startswith("files/")]
    assert len(copied) >= 3
    sizes = sorted(info.file_size for info in copied)
    budget = sizes[0]  # room for the smallest file only
    with export.build_archive(erin, max_file_bytes=budget) as spool:
        small = zipfile.ZipFile(io.BytesIO(spool.read()))
    data = json.loads(small.read("data.json"))
    kept = [name for name in small.namelist() if name.startswith("files/")]
    listed = data["files_not_copied"]["files"]
    assert len(kept) + len(listed) == len(copied)
    assert sum(small.getinfo(name).file_size for name in kept) <= budget
    assert {entry["path"] for entry in listed} | set(kept) == {info.filename for info in copied}
    assert data["files_not_copied"]["limit_bytes"] == budget

    # Past the spool size the archive is written to a temporary file, not held in memory.
    monkeypatch.setattr(export, "SPOOL_BYTES", 64)
    with export.build_archive(erin) as spool:
        assert spool._rolled
        assert zipfile.ZipFile(spool).read("data.json")


class _Stored:
    """A stored file as the export sees it: a size, and a handle that can fail when opened or partway."""

    def __init__(self, content: bytes, fail_open: bool = False, fail_after: int | None = None):
        self.size, self.content, self.fail_open, self.fail_after = (
            len(content),
            content,
            fail_open,
            fail_after,
        )

    def open(self, mode: str) -> io.BytesIO:
        if self.fail_open:
            raise ConnectionError("the object store timed out")
        stored = self
        handle = io.BytesIO(self.content)

        class Handle(io.BytesIO):
            def read(self, size: int | None = -1) -> bytes:
                if stored.fail_after is not None and handle.tell() >= stored.fail_after:
                    raise OSError("connection reset")
                return handle.read(4)  # a few bytes at a time, as a slow store would give them

        return Handle()


def test_files_the_storage_cannot_give_are_named_and_a_full_disk_is_not_hidden(
    db, monkeypatch, member, member_client
):
    files = [
        ("files/library/1-whole.pdf", _Stored(b"%PDF whole file")),
        ("files/library/2-gone.pdf", _Stored(b"%PDF", fail_open=True)),
        ("files/library/3-cut.pdf", _Stored(b"%PDF cut short here", fail_after=8)),
    ]
    monkeypatch.setattr(export, "collect", lambda user: ({"account": {}}, list(files)))
    with export.build_archive(member) as spool:
        archive = zipfile.ZipFile(io.BytesIO(spool.read()))
    data = json.loads(archive.read("data.json"))
    assert archive.read("files/library/1-whole.pdf") == b"%PDF whole file"
    assert data["files_missing_from_storage"] == ["files/library/2-gone.pdf"]
    assert data["files_incomplete"] == ["files/library/3-cut.pdf"]
    assert archive.getinfo("files/library/1-whole.pdf").compress_type == zipfile.ZIP_STORED

    # Writing the archive itself fails (no room left): the export answers 507 and the person may try again.
    def no_room(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(export, "write_archive", no_room)
    full = member_client.post(reverse("accounts:data_export"))
    assert full.status_code == 507
    monkeypatch.undo()
    again = member_client.post(reverse("accounts:data_export"))
    assert again.status_code == 200


def test_the_export_runs_a_constant_number_of_queries(world):
    erin, public = world["erin"], world["public"]
    with CaptureQueriesContext(connection) as few:
        export.collect(erin)
    topic = world["own_topic"]
    for number in range(2, 30):
        Post.objects.create(topic=topic, number=number, author=erin, body=f"reply {number}")
        Reaction.objects.create(post=Post.objects.get(topic=topic, number=number), user=erin, kind="thanks")
    other = CommunityFactory(visibility="public")
    MembershipFactory(community=other, user=erin)
    Topic.objects.create(
        community=other, title="More", author=erin, language="en", last_posted_at=timezone.now()
    )
    assert public.pk
    with CaptureQueriesContext(connection) as many:
        export.collect(erin)
    assert len(many) == len(few)


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    for name in ("accounts:data_export", "accounts:account_delete"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]
        response = client.post(reverse(name))
        assert response.status_code == 302


def test_the_export_needs_the_csrf_token(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    assert client.post(reverse("accounts:data_export")).status_code == 403
    assert client.post(reverse("accounts:account_delete"), {"confirmation": PASSWORD}).status_code == 403
    assert User.objects.get(pk=member.pk).is_active


def test_the_export_downloads_a_private_attachment_and_is_rate_limited(member_client, member):
    page = member_client.get(reverse("accounts:data_export"))
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    response = member_client.post(reverse("accounts:data_export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="catchment-data-')
    assert "no-store" in response["Cache-Control"]
    content = b"".join(response.streaming_content)
    data = json.loads(zipfile.ZipFile(io.BytesIO(content)).read("data.json"))
    assert data["account"]["display_name"] == "Mia Member"
    again = member_client.post(reverse("accounts:data_export"))
    assert again.status_code == 429
    assert 0 < int(again["Retry-After"]) <= 300
    assert "no-store" in again["Cache-Control"]


def test_settings_link_to_both_pages(member_client):
    page = member_client.get(reverse("accounts:profile_edit")).content.decode()
    assert reverse("accounts:data_export") in page
    assert reverse("accounts:account_delete") in page


def test_a_wrong_password_erases_nothing_and_guessing_is_limited(member_client, member):
    url = reverse("accounts:account_delete")
    for _attempt in range(5):
        response = member_client.post(url, {"confirmation": "wrong"})
        assert response.status_code == 200
        assert "That is not your password." in response.content.decode()
    assert member_client.post(url, {"confirmation": PASSWORD}).status_code == 429
    assert User.objects.get(pk=member.pk).is_active


def test_an_account_without_a_password_confirms_with_its_email(client, db):
    user = ProfileFactory(user__email="nopass@example.org").user
    user.set_unusable_password()
    user.save()
    client.force_login(user)
    url = reverse("accounts:account_delete")
    assert "Your email address" in client.get(url).content.decode()
    assert client.post(url, {"confirmation": "other@example.org"}).status_code == 200
    assert User.objects.get(pk=user.pk).is_active
    response = client.post(url, {"confirmation": "NoPass@example.org "})
    assert response.status_code == 302
    assert not User.objects.get(pk=user.pk).is_active


def test_the_last_convenor_must_hand_over_first(member_client, member):
    community = CommunityFactory(name="Only Me Leads")
    MembershipFactory(community=community, user=member, role=Role.CONVENOR)
    MembershipFactory(community=community)
    page = member_client.get(reverse("accounts:account_delete")).content.decode()
    assert "Hand over your communities first" in page and "Only Me Leads" in page
    response = member_client.post(reverse("accounts:account_delete"), {"confirmation": PASSWORD}, follow=True)
    assert "Only Me Leads" in response.content.decode()
    assert User.objects.get(pk=member.pk).is_active
    with pytest.raises(erasure.StillConvening):
        erasure.account_erase(actor=member, user=member)


def _text_columns() -> list[tuple[type[models.Model], list[str]]]:
    found = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        names = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.EmailField | models.JSONField)
        ]
        if names:
            found.append((model, names))
    return found


def _hits(needles: list[str]) -> list[str]:
    """Every (table.column, needle) where a needle appears in a text (or JSON) column, case-insensitively."""
    hits = []
    for model, names in _text_columns():
        for name in names:
            field = model._meta.get_field(name)
            for needle in needles:
                if isinstance(field, models.JSONField):
                    rows = [
                        value
                        for value in model._default_manager.values_list(name, flat=True)
                        if needle.lower() in json.dumps(value).lower()
                    ]
                    if rows:
                        hits.append(f"{model._meta.db_table}.{name}: {needle}")
                elif model._default_manager.filter(**{f"{name}__icontains": needle}).exists():
                    hits.append(f"{model._meta.db_table}.{name}: {needle}")
    return hits


def _search_table_hits(needles: list[str]) -> list[str]:
    """The engine's own index (SQLite FTS5 table or the PostgreSQL tsvector) checked through SQL."""
    hits = []
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            tables = [
                row[0]
                for row in cursor.execute(
                    "SELECT name FROM sqlite_master WHERE name LIKE 'search%%'"
                ).fetchall()
            ]
            for table in tables:
                columns = [row[1] for row in cursor.execute(f'PRAGMA table_info("{table}")').fetchall()]
                for column in columns:
                    for needle in needles:
                        cursor.execute(
                            f'SELECT COUNT(*) FROM "{table}" WHERE lower(CAST("{column}" AS TEXT)) LIKE %s',  # noqa: S608
                            [f"%{needle.lower()}%"],
                        )
                        if cursor.fetchone()[0]:
                            hits.append(f"{table}.{column}: {needle}")
        else:
            for needle in needles:
                cursor.execute(
                    "SELECT COUNT(*) FROM search_searchdocument WHERE vector @@ plainto_tsquery('simple', %s)"
                    " OR vector @@ plainto_tsquery('english', %s)",
                    [needle, needle],
                )
                if cursor.fetchone()[0]:
                    hits.append(f"search_searchdocument.vector: {needle}")
    return hits


def test_erasure_leaves_no_trace_of_the_person(world, settings, django_capture_on_commit_callbacks):
    settings.PAGE_CACHE_SECONDS = 300
    erin, olga = world["erin"], world["olga"]
    erin_client = Client()
    erin_client.force_login(erin)
    assert SearchDocument.objects.filter(kind="person", title=ERIN["display_name"]).exists()
    pagecache.versions(["hub", "shared", "community:open-rivers"])
    before = pagecache.versions(["hub", "shared", "community:open-rivers"])
    needles = [ERIN["email"], ERIN["username"], ERIN["display_name"], ERIN["first_name"], ERIN["last_name"]]
    assert _hits(needles)  # the searches find the seeded data before erasure
    assert _search_table_hits(needles)
    storage = Profile.objects.get(user=erin).avatar.storage
    picture = Profile.objects.get(user=erin).avatar.name
    assert storage.exists(picture)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = erin_client.post(reverse("accounts:account_delete"), {"confirmation": PASSWORD})
    assert response.status_code == 302

    # 0 hits in every text column of every table and in the search engine's own index.
    assert _hits(needles) == []
    assert _search_table_hits(needles) == []
    assert not storage.exists(picture)
    assert pagecache.versions(["hub", "shared", "community:open-rivers"]) != before

    erased = User.objects.get(pk=erin.pk)
    assert not erased.is_active and not erased.has_usable_password()
    assert erased.username.startswith("deleted-")
    assert not EmailAddress.objects.filter(user=erased).exists()
    assert not Authenticator.objects.filter(user=erased).exists()
    assert not Membership.objects.filter(user=erased).exists()
    assert not Notification.objects.filter(recipient=erased).exists()
    assert not Subscription.objects.filter(user=erased).exists()
    assert not Invitation.objects.filter(accepted_at__isnull=True, email=ERIN["email"]).exists()
    assert not JoinRequest.objects.filter(user=erased).exists()
    assert not Organisation.admins.through.objects.filter(user=erased).exists()

    # The session and the API token no longer work.
    assert erin_client.get(reverse("accounts:profile_edit")).status_code == 302
    api = Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {world['token']}")
    assert api.status_code == 401
    assert Client().login(username=ERIN["email"], password=PASSWORD) is False

    # Posts stay, shown as a former member's.
    post = Post.objects.get(topic=world["own_topic"], number=1)
    assert post.author_id is None and post.body == "Buffers of 30 m work well."
    reader = Client()
    reader.force_login(olga)
    page = reader.get(
        reverse("discussions:topic", kwargs={"slug": "open-rivers", "pk": world["own_topic"].pk})
    ).content.decode()
    assert "Buffers of 30 m work well." in page
    assert "a former member" in page
    assert ERIN["display_name"] not in page
    listing = reader.get(reverse("discussions:topics", kwargs={"slug": "open-rivers"})).content.decode()
    assert "by a former member" in listing

    # The future place went to the waiting list, through the events service.
    full = Event.objects.get(pk=world["full_event"].pk)
    assert Registration.objects.get(event=full, user=olga).status == RegistrationStatus.REGISTERED
    assert full.registered_count == 1
    assert Registration.objects.get(event=full, user=erased).status == RegistrationStatus.CANCELLED

    # No more mail to the address.
    assert all(ERIN["email"] not in message.to for message in mail.outbox)


def test_erasure_is_for_the_owner_only(world):
    with pytest.raises(erasure.NotYours):
        erasure.account_erase(actor=world["olga"], user=world["erin"])
    assert User.objects.get(pk=world["erin"].pk).is_active


def test_an_erased_user_is_left_without_rows_of_their_own(world):
    """Rows the erasure deletes (CASCADE links) are gone; what stays points at an empty account."""
    erin = world["erin"]
    erasure.account_erase(actor=erin, user=erin)
    kept = {
        label
        for label in export.REGISTRY
        if label != "accounts.User" and _rows_linked_to(apps.get_model(label), erin)
    }
    # Kept on purpose (docs/operations.md): the interaction log, past event registrations, and flags and
    # reports still waiting for review, all under the emptied account.
    assert kept <= {"core.Interaction", "events.Registration", "discussions.Flag", "conversations.Report"}
    assert Interaction.objects.filter(actor=erin).exists()
