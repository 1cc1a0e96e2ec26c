"""What the API shows and accepts. Outputs list their fields one by one (nothing new leaks when a model
grows); inputs accept only the fields an operation takes, so extra fields in a request change nothing."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catchment.accounts.models import Profile, User
from catchment.api.models import AccessToken, TokenScope
from catchment.communities.models import Community, JoinRequest, Membership, Role
from catchment.core.markdown import render_markdown
from catchment.discussions.models import FlagReason, Post, ReactionKind, Topic, TopicKind
from catchment.events.models import Event, Registration
from catchment.library.models import Resource
from catchment.notifications.models import Notification
from catchment.search.models import SearchDocument
from catchment.webhooks.models import Delivery, Endpoint, WebhookEvent


def _absolute(context: dict[str, Any], path: str) -> str:
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


def community_slug() -> serializers.CharField:
    """The address of the community something belongs to, or null for the hub's own."""
    return serializers.CharField(source="community.slug", default=None, allow_null=True, read_only=True)


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
    themes = serializers.SerializerMethodField()
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

    def get_themes(self, profile: Profile) -> list[str]:
        return [theme.slug for theme in profile.themes.all()]

    def get_languages(self, profile: Profile) -> list[str]:
        return [language.code for language in profile.spoken_languages.all()]

    def get_url(self, profile: Profile) -> str:
        return _absolute(self.context, reverse("accounts:profile", args=[profile.user.username]))


class CommunitySerializer(serializers.ModelSerializer[Community]):
    themes = serializers.SerializerMethodField()
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

    def get_themes(self, community: Community) -> list[str]:
        return [theme.slug for theme in community.themes.all()]

    def get_languages(self, community: Community) -> list[str]:
        return [language.code for language in community.languages.all()]

    def get_url(self, community: Community) -> str:
        return _absolute(self.context, reverse("communities:detail", args=[community.slug]))


class CommunityDetailSerializer(CommunitySerializer):
    description = serializers.CharField()
    my_role = serializers.SerializerMethodField()
    can = serializers.SerializerMethodField()

    class Meta(CommunitySerializer.Meta):
        fields = [*CommunitySerializer.Meta.fields, "description", "my_role", "can"]
        read_only_fields = fields

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
    role = serializers.ChoiceField(
        choices=[(role.value, role.label) for role in Role if role != Role.CONVENOR]
    )


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
    themes = serializers.SerializerMethodField()
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

    def get_themes(self, resource: Resource) -> list[str]:
        return [theme.slug for theme in resource.themes.all()]

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
