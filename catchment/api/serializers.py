"""What the API shows and accepts. Outputs list their fields one by one (nothing new leaks when a model
grows); inputs accept only the fields an operation takes, so extra fields in a request change nothing."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catchment.accounts.models import Organisation, Profile, User
from catchment.alliances.models import LearningAlliance, Platform, Stakeholder
from catchment.api.models import AccessToken, TokenScope
from catchment.communities.models import (
    CHARTER_SECTIONS,
    CharterVersion,
    Community,
    Invitation,
    JoinRequest,
    Membership,
    Role,
)
from catchment.core.markdown import render_markdown
from catchment.discussions.models import FlagReason, Post, ReactionKind, Topic, TopicKind
from catchment.events.models import Event, Registration
from catchment.library.models import Licence, Resource, ResourceKind
from catchment.notifications.models import Notification
from catchment.search.models import SearchDocument
from catchment.webhooks.models import Delivery, Endpoint, WebhookEvent


def _absolute(context: dict[str, Any], path: str) -> str:
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


# Roles a member can be given or invited into: the convenorship changes hands only by handover.
ASSIGNABLE_ROLES = [(role.value, role.label) for role in Role if role != Role.CONVENOR]


def community_slug() -> serializers.CharField:
    """The address of the community something belongs to, or null for the hub's own."""
    return serializers.CharField(source="community.slug", default=None, allow_null=True, read_only=True)


def theme_slugs() -> serializers.SlugRelatedField[Any]:
    """The thematic taxonomy's slugs, in the order the selector prefetched them."""
    return serializers.SlugRelatedField(many=True, read_only=True, slug_field="slug")


def organisation_name() -> serializers.CharField:
    return serializers.CharField(source="organisation.name", default=None, allow_null=True, read_only=True)


class PersonSerializer(serializers.Serializer):
    """A person as others see them next to their posts and in lists."""

    username = serializers.CharField()
    display_name = serializers.CharField()


class NullablePersonField(PersonSerializer):
    def to_representation(self, instance: Any) -> Any:
        return None if instance is None else super().to_representation(instance)


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    display_name = serializers.CharField()
    email = serializers.EmailField()
    language = serializers.CharField()
    timezone = serializers.CharField()
    is_staff = serializers.BooleanField()
    token_scope = serializers.CharField(allow_null=True)
    token_community = serializers.CharField(allow_null=True)


class ProfileSerializer(serializers.ModelSerializer[Profile]):
    username = serializers.CharField(source="user.username")
    display_name = serializers.CharField(source="user.display_name")
    organisation = organisation_name()
    country = serializers.SerializerMethodField()
    themes = theme_slugs()
    languages = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Profile
        fields = [
            "username",
            "display_name",
            "position",
            "organisation",
            "country",
            "stakeholder_group",
            "themes",
            "languages",
            "bio",
            "url",
        ]
        read_only_fields = fields

    def get_country(self, profile: Profile) -> str:
        return str(profile.country.code or "") if profile.country else ""

    def get_languages(self, profile: Profile) -> list[str]:
        return [language.code for language in profile.spoken_languages.all()]

    def get_url(self, profile: Profile) -> str:
        return _absolute(self.context, reverse("accounts:profile", args=[profile.user.username]))


class CommunitySerializer(serializers.ModelSerializer[Community]):
    themes = theme_slugs()
    languages = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Community
        fields = [
            "slug",
            "name",
            "summary",
            "visibility",
            "join_policy",
            "membership_basis",
            "stage",
            "member_count",
            "themes",
            "languages",
            "created_at",
            "url",
        ]
        read_only_fields = fields

    def get_languages(self, community: Community) -> list[str]:
        return [language.code for language in community.languages.all()]

    def get_url(self, community: Community) -> str:
        return _absolute(self.context, reverse("communities:detail", args=[community.slug]))


class CommunityDetailSerializer(CommunitySerializer):
    description = serializers.SerializerMethodField()
    my_role = serializers.SerializerMethodField()
    can = serializers.SerializerMethodField()

    class Meta(CommunitySerializer.Meta):
        fields = [*CommunitySerializer.Meta.fields, "description", "my_role", "can"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_description(self, community: Community) -> str | None:
        # A private community's name and summary are listed; what it is about is for those who may read it.
        return community.description if self.context.get("can", {}).get("read") else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_my_role(self, community: Community) -> str | None:
        membership = self.context.get("membership")
        return membership.role if membership is not None else None

    @extend_schema_field(serializers.DictField(child=serializers.BooleanField()))
    def get_can(self, community: Community) -> dict[str, bool]:
        return dict(self.context.get("can", {}))


class MembershipSerializer(serializers.ModelSerializer[Membership]):
    member = PersonSerializer(source="user")
    community: serializers.SlugRelatedField[Community] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )

    class Meta:
        model = Membership
        fields = ["community", "member", "role", "status", "joined_at"]
        read_only_fields = fields


class JoinRequestSerializer(serializers.ModelSerializer[JoinRequest]):
    community: serializers.SlugRelatedField[Community] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )

    class Meta:
        model = JoinRequest
        fields = ["id", "community", "status", "message", "created_at"]
        read_only_fields = fields


class JoinInput(serializers.Serializer):
    accept_conduct = serializers.BooleanField(
        default=False, help_text=_("Whether you accept the community's code of conduct.")
    )
    organisation = serializers.SlugField(
        required=False,
        allow_blank=True,
        max_length=80,
        help_text=_("Your organisation, where members represent one."),
    )


class RequestInput(serializers.Serializer):
    message = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    organisation = serializers.SlugField(required=False, allow_blank=True, max_length=80)


class RoleInput(serializers.Serializer):
    role = serializers.ChoiceField(choices=ASSIGNABLE_ROLES)


class TopicSerializer(serializers.ModelSerializer[Topic]):
    author = NullablePersonField(allow_null=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Topic
        fields = [
            "id",
            "kind",
            "title",
            "language",
            "author",
            "created_at",
            "last_posted_at",
            "reply_count",
            "is_pinned",
            "is_locked",
            "url",
        ]
        read_only_fields = fields

    def get_url(self, topic: Topic) -> str:
        return _absolute(self.context, reverse("discussions:topic", args=[topic.community.slug, topic.pk]))


class TopicInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=TopicKind.choices, default=TopicKind.DISCUSSION)
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=20000, help_text=_("Markdown."))
    language = serializers.ChoiceField(choices=[("en", "en"), ("es", "es"), ("fr", "fr"), ("ru", "ru")])


class PostSerializer(serializers.ModelSerializer[Post]):
    author = NullablePersonField(allow_null=True)
    body_html = serializers.SerializerMethodField()
    reply_to: serializers.PrimaryKeyRelatedField[Post] = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True
    )

    class Meta:
        model = Post
        fields = ["id", "number", "author", "body", "body_html", "reply_to", "status", "created_at"]
        read_only_fields = fields

    def get_body_html(self, post: Post) -> str:
        return str(render_markdown(post.body))


class ReplyInput(serializers.Serializer):
    body = serializers.CharField(max_length=20000, help_text=_("Markdown."))
    reply_to = serializers.IntegerField(required=False, min_value=1, max_value=2**62)


class ReactionInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ReactionKind.choices)


class ReactionResult(serializers.Serializer):
    kind = serializers.CharField()
    present = serializers.BooleanField()


class FlagInput(serializers.Serializer):
    reason = serializers.ChoiceField(choices=FlagReason.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class FlagResult(serializers.Serializer):
    id = serializers.IntegerField()
    reason = serializers.CharField()


class EventLanguageSerializer(serializers.Serializer):
    code = serializers.CharField()
    interpretation = serializers.BooleanField()


class EventSerializer(serializers.ModelSerializer[Event]):
    community = community_slug()
    languages = serializers.SerializerMethodField()
    places_left = serializers.IntegerField(allow_null=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = [
            "id",
            "community",
            "kind",
            "title",
            "summary",
            "starts_at",
            "ends_at",
            "time_zone",
            "venue",
            "capacity",
            "places_left",
            "registration_opens_at",
            "registration_closes_at",
            "languages",
            "status",
            "url",
        ]
        read_only_fields = fields

    @extend_schema_field(EventLanguageSerializer(many=True))
    def get_languages(self, event: Event) -> list[dict[str, Any]]:
        return [
            {"code": language.code, "interpretation": language.interpretation}
            for language in event.languages.all()
        ]

    def get_url(self, event: Event) -> str:
        return _absolute(self.context, reverse("events:detail", args=[event.pk]))


class RegistrationSerializer(serializers.ModelSerializer[Registration]):
    event: serializers.PrimaryKeyRelatedField[Event] = serializers.PrimaryKeyRelatedField(read_only=True)
    waiting_position = serializers.SerializerMethodField()

    class Meta:
        model = Registration
        fields = ["event", "status", "language", "waiting_position", "created_at", "cancelled_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_waiting_position(self, registration: Registration) -> int | None:
        return self.context.get("waiting_position")


class EventDetailSerializer(EventSerializer):
    agenda = serializers.CharField()
    join_url = serializers.SerializerMethodField()
    my_registration = serializers.SerializerMethodField()
    can_register = serializers.SerializerMethodField()

    class Meta(EventSerializer.Meta):
        fields = [*EventSerializer.Meta.fields, "agenda", "join_url", "my_registration", "can_register"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_join_url(self, event: Event) -> str | None:
        return event.join_url if self.context.get("can_see_join_link") else None

    @extend_schema_field(RegistrationSerializer(allow_null=True))
    def get_my_registration(self, event: Event) -> dict[str, Any] | None:
        registration = self.context.get("registration")
        if registration is None:
            return None
        return dict(RegistrationSerializer(registration, context=self.context).data)

    def get_can_register(self, event: Event) -> bool:
        return bool(self.context.get("can_register"))


class RegistrationInput(serializers.Serializer):
    language = serializers.CharField(max_length=10, help_text=_("One of the event's languages."))


class AttendeeSerializer(serializers.ModelSerializer[Registration]):
    person = PersonSerializer(source="user")
    email = serializers.EmailField(source="user.email")

    class Meta:
        model = Registration
        fields = ["person", "email", "status", "language", "created_at", "waitlisted_at", "attended"]
        read_only_fields = fields


class ResourceSerializer(serializers.ModelSerializer[Resource]):
    community = community_slug()
    organisation = organisation_name()
    themes = theme_slugs()
    url = serializers.SerializerMethodField()
    link = serializers.URLField(source="url")

    class Meta:
        model = Resource
        fields = [
            "id",
            "community",
            "kind",
            "title",
            "summary",
            "authors",
            "organisation",
            "publisher",
            "year",
            "language",
            "licence",
            "themes",
            "link",
            "file_name",
            "content_type",
            "size",
            "is_featured",
            "created_at",
            "url",
        ]
        read_only_fields = fields

    def get_url(self, resource: Resource) -> str:
        return _absolute(self.context, reverse("library:detail", args=[resource.pk]))


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    class Meta:
        model = Notification
        fields = ["id", "kind", "created_at", "read_at"]
        read_only_fields = fields


class ReadInput(serializers.Serializer):
    id = serializers.IntegerField(
        required=False, min_value=1, max_value=2**62, help_text=_("Omit to mark all.")
    )


class CountResult(serializers.Serializer):
    count = serializers.IntegerField()


class SearchResultSerializer(serializers.ModelSerializer[SearchDocument]):
    community = community_slug()
    snippet = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = SearchDocument
        fields = ["kind", "object_id", "title", "community", "language", "snippet", "updated_at", "url"]
        read_only_fields = fields

    def get_snippet(self, document: SearchDocument) -> str:
        return str(self.context["snippets"].get(document.pk, ""))

    def get_url(self, document: SearchDocument) -> str:
        return _absolute(self.context, document.url)


class SearchPage(serializers.Serializer):
    next = serializers.CharField(allow_null=True)
    results = SearchResultSerializer(many=True)


class TokenSerializer(serializers.ModelSerializer[AccessToken]):
    community = community_slug()

    class Meta:
        model = AccessToken
        fields = [
            "id",
            "name",
            "scope",
            "community",
            "prefix",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked_at",
        ]
        read_only_fields = fields


class NewTokenSerializer(TokenSerializer):
    token = serializers.SerializerMethodField(help_text=_("The secret: shown this once, never again."))

    class Meta(TokenSerializer.Meta):
        fields = [*TokenSerializer.Meta.fields, "token"]
        read_only_fields = fields

    def get_token(self, token: AccessToken) -> str:
        return str(self.context["secret"])


class TokenInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    scope = serializers.ChoiceField(choices=TokenScope.choices, default=TokenScope.READ)
    community = serializers.SlugField(required=False, allow_blank=True, max_length=60)
    expires_on = serializers.DateField(required=False, allow_null=True)


class EndpointSerializer(serializers.ModelSerializer[Endpoint]):
    class Meta:
        model = Endpoint
        fields = ["id", "url", "description", "events", "is_active", "created_at"]
        read_only_fields = fields


class NewEndpointSerializer(EndpointSerializer):
    class Meta(EndpointSerializer.Meta):
        fields = [*EndpointSerializer.Meta.fields, "secret"]
        read_only_fields = fields


EVENT_CHOICES = [(event.value, event.label) for event in WebhookEvent if event != WebhookEvent.PING]


class EndpointInput(serializers.Serializer):
    url = serializers.CharField(max_length=500, help_text=_("An https:// address on the public internet."))
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=EVENT_CHOICES), min_length=1, max_length=10
    )
    description = serializers.CharField(required=False, allow_blank=True, max_length=200)


class EndpointChange(serializers.Serializer):
    url = serializers.CharField(required=False, max_length=500)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=EVENT_CHOICES), required=False, min_length=1, max_length=10
    )
    description = serializers.CharField(required=False, allow_blank=True, max_length=200)
    is_active = serializers.BooleanField(required=False)
    new_secret = serializers.BooleanField(required=False, default=False)


class DeliverySerializer(serializers.ModelSerializer[Delivery]):
    class Meta:
        model = Delivery
        fields = [
            "id",
            "event",
            "event_id",
            "status",
            "attempts",
            "last_status_code",
            "last_error",
            "created_at",
            "next_attempt_at",
            "delivered_at",
            "payload",
        ]
        read_only_fields = fields


class UserRef(serializers.Serializer):
    username = serializers.CharField()


def person(user: User | None) -> dict[str, str] | None:
    return None if user is None else {"username": user.username, "display_name": user.display_name}


class JoinRequestDetailSerializer(serializers.ModelSerializer[JoinRequest]):
    community = community_slug()
    person = PersonSerializer(source="user")
    organisation = organisation_name()
    decided_by = NullablePersonField(allow_null=True)

    class Meta:
        model = JoinRequest
        fields = [
            "id",
            "community",
            "person",
            "message",
            "organisation",
            "status",
            "created_at",
            "decided_by",
            "decided_at",
            "decision_message",
        ]
        read_only_fields = fields


class DecisionInput(serializers.Serializer):
    approve = serializers.BooleanField()
    message = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class InvitationSerializer(serializers.ModelSerializer[Invitation]):
    invited_by = NullablePersonField(allow_null=True)

    class Meta:
        model = Invitation
        fields = ["id", "email", "role", "message", "invited_by", "created_at", "expires_at"]
        read_only_fields = fields


class InvitationInput(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    role = serializers.ChoiceField(choices=ASSIGNABLE_ROLES, default=Role.MEMBER)
    message = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    language = serializers.ChoiceField(
        choices=[("en", "en"), ("es", "es"), ("fr", "fr"), ("ru", "ru")], required=False
    )


class AttendanceFileInput(serializers.Serializer):
    file = serializers.FileField(help_text=_("The participant export (CSV) of the meeting."))


class AttendanceResult(serializers.Serializer):
    marked = serializers.IntegerField()
    not_registered = serializers.ListField(child=serializers.CharField())
    rows = serializers.IntegerField()
    without_email = serializers.IntegerField()


class SnapshotPart(serializers.Serializer):
    as_of = serializers.DateTimeField()
    window_days = serializers.IntegerField()
    figures = serializers.DictField()


class IndicatorValues(serializers.Serializer):
    name = serializers.CharField()
    latest = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)


class ValueCycle(serializers.Serializer):
    cycle = serializers.IntegerField()
    name = serializers.CharField()
    verified = serializers.IntegerField()
    aspirational = serializers.IntegerField()
    indicators = IndicatorValues(many=True)


class ValueMatrix(serializers.Serializer):
    stories = serializers.IntegerField()
    cycles = ValueCycle(many=True)


class InsightsSerializer(serializers.Serializer):
    levels = SnapshotPart(allow_null=True)
    network = SnapshotPart(allow_null=True)
    health = SnapshotPart(allow_null=True)
    value = ValueMatrix()


class OrganisationSerializer(serializers.ModelSerializer[Organisation]):
    country = serializers.CharField(source="country.code", default="", read_only=True)
    member_count = serializers.IntegerField(read_only=True, default=None, allow_null=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Organisation
        fields = [
            "slug",
            "name",
            "type",
            "country",
            "website",
            "description",
            "is_verified",
            "member_count",
            "url",
        ]
        read_only_fields = fields

    def get_url(self, organisation: Organisation) -> str:
        return _absolute(self.context, reverse("accounts:organisation", args=[organisation.slug]))


class CharterVersionSerializer(serializers.ModelSerializer[CharterVersion]):
    author = NullablePersonField(allow_null=True)

    class Meta:
        model = CharterVersion
        fields = ["number", "status", "note", "author", "created_at", *CHARTER_SECTIONS]
        read_only_fields = fields


class CharterVersionSummary(serializers.ModelSerializer[CharterVersion]):
    author = NullablePersonField(allow_null=True)

    class Meta:
        model = CharterVersion
        fields = ["number", "status", "note", "author", "created_at"]
        read_only_fields = fields


class ResourceInput(serializers.Serializer):
    community = serializers.SlugField(required=False, allow_blank=True, max_length=60)
    kind = serializers.ChoiceField(choices=ResourceKind.choices)
    title = serializers.CharField(max_length=300)
    language = serializers.CharField(max_length=10)
    summary = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    authors = serializers.CharField(required=False, allow_blank=True, max_length=300)
    publisher = serializers.CharField(required=False, allow_blank=True, max_length=200)
    year = serializers.IntegerField(required=False, allow_null=True, min_value=1000, max_value=2999)
    licence = serializers.ChoiceField(choices=Licence.choices, required=False, allow_blank=True)
    link = serializers.CharField(required=False, allow_blank=True, max_length=500)
    file = serializers.FileField(required=False, allow_null=True)


class PlatformSerializer(serializers.ModelSerializer[Platform]):
    community = serializers.SerializerMethodField()
    name = serializers.SerializerMethodField()

    class Meta:
        model = Platform
        fields = ["id", "name", "community", "level", "parent", "stage", "country", "area"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_community(self, platform: Platform) -> str | None:
        # A platform whose community is secret to the reader keeps its place in the tree, never its address.
        return None if getattr(platform, "masked", False) else platform.community.slug

    def get_name(self, platform: Platform) -> str:
        return str(platform.community.name)

    def to_representation(self, instance: Platform) -> dict[str, Any]:
        data = dict(super().to_representation(instance))
        if getattr(instance, "masked", False):
            data["country"] = data["area"] = ""  # where a secret platform works would say what it is
        return data


class AllianceSerializer(serializers.ModelSerializer[LearningAlliance]):
    url = serializers.SerializerMethodField()

    class Meta:
        model = LearningAlliance
        fields = [
            "slug",
            "name",
            "theme",
            "summary",
            "status",
            "visibility",
            "initiating_organisations",
            "url",
        ]
        read_only_fields = fields

    def get_url(self, alliance: LearningAlliance) -> str:
        return _absolute(self.context, reverse("alliances:detail", args=[alliance.slug]))


class AllianceDetailSerializer(AllianceSerializer):
    platforms = serializers.SerializerMethodField()

    class Meta(AllianceSerializer.Meta):
        fields = [*AllianceSerializer.Meta.fields, "platforms"]
        read_only_fields = fields

    @extend_schema_field(PlatformSerializer(many=True))
    def get_platforms(self, alliance: LearningAlliance) -> list[dict[str, Any]]:
        return list(PlatformSerializer(self.context["platforms"], many=True).data)


class StakeholderSerializer(serializers.ModelSerializer[Stakeholder]):
    organisation = organisation_name()
    platforms = serializers.SerializerMethodField()

    class Meta:
        model = Stakeholder
        fields = [
            "id",
            "name",
            "kind",
            "org_type",
            "level",
            "organisation",
            "platforms",
            "interest",
            "influence",
            "importance",
            "alignment",
            "engagement_current",
            "engagement_desired",
            "strategy",
            "status",
            "assessed_at",
        ]
        read_only_fields = fields

    def get_platforms(self, stakeholder: Stakeholder) -> list[int]:
        return [platform.pk for platform in stakeholder.platforms.all()]


class HarvestSerializer(serializers.Serializer):
    table = serializers.IntegerField()
    table_label = serializers.CharField()
    round = serializers.IntegerField()
    question = serializers.CharField()
    notes = serializers.CharField()
    insights = serializers.CharField()
    author = NullablePersonField(allow_null=True)
    updated_at = serializers.DateTimeField()


class CafeSerializer(serializers.Serializer):
    rounds = serializers.IntegerField()
    synthesis = serializers.CharField()
    harvests = HarvestSerializer(many=True)


class HarvestInput(serializers.Serializer):
    notes = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    insights = serializers.CharField(required=False, allow_blank=True, max_length=5000)
