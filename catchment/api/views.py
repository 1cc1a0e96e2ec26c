"""The REST API, version 1. Each operation translates HTTP into one selector or service call, the same calls
the web pages make, so the API can do exactly what the person (narrowed by their token's scope) may do in
the browser, no more. Hidden things answer 404, as on the pages."""

from __future__ import annotations

import base64
import binascii
import contextlib
from collections.abc import Callable, Iterator
from typing import Any, cast

from django.db.models import F, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catchment.accounts import selectors as account_selectors
from catchment.accounts.models import Organisation, OrganisationType, User
from catchment.accounts.selectors import DirectoryFilters
from catchment.alliances import selectors as alliance_selectors
from catchment.api import selectors
from catchment.api import serializers as out
from catchment.api import services as token_services
from catchment.api.errors import InsufficientStorage, Rejected
from catchment.api.idempotency import idempotent
from catchment.api.models import AccessToken
from catchment.api.pagination import CursorPage
from catchment.api.permissions import TokenScopePermission, check_community_admin, check_event_admin
from catchment.communities import selectors as community_selectors
from catchment.communities import services as community_services
from catchment.communities.models import Community, Membership, Role, Visibility
from catchment.communities.selectors import CatalogueFilters, CommunityView
from catchment.core import limits
from catchment.core.uploads import StorageUnavailable
from catchment.discussions import permissions as discussion_policy
from catchment.discussions import selectors as discussion_selectors
from catchment.discussions import services as discussion_services
from catchment.discussions.models import Topic, TopicKind
from catchment.events import selectors as event_selectors
from catchment.events import services as event_services
from catchment.events.models import EventKind
from catchment.events.selectors import EventFilters, EventView
from catchment.library import selectors as library_selectors
from catchment.library import services as library_services
from catchment.library.models import ResourceKind
from catchment.library.selectors import LibraryFilters
from catchment.library.services import ResourceData
from catchment.notifications import selectors as notification_selectors
from catchment.notifications import services as notification_services
from catchment.search import selectors as search_selectors
from catchment.search.models import Kind
from catchment.search.selectors import SearchFilters
from catchment.webhooks import permissions as webhook_policy
from catchment.webhooks import selectors as webhook_selectors
from catchment.webhooks import services as webhook_services
from catchment.webhooks.services import WebhookError

DOMAIN_ERRORS: tuple[type[ValueError], ...] = (
    community_services.CommunityError,
    discussion_services.DiscussionError,
    event_services.EventError,
    library_services.LibraryError,
    token_services.TokenError,
    WebhookError,
)
LANGUAGES = ("en", "es", "fr", "ru")


@contextlib.contextmanager
def refused_as_400() -> Iterator[None]:
    """A service's translated refusal becomes a 400 with its message; a rate limit, a 429 with Retry-After."""
    try:
        yield
    except DOMAIN_ERRORS as error:
        wait = limits.retry_after(error)
        if wait is not None:
            raise exceptions.Throttled(wait=wait, detail=str(error)) from error
        if isinstance(error.__cause__, StorageUnavailable):
            raise InsufficientStorage(str(error)) from error
        raise Rejected(str(error)) from error


def _choice(request: Request, name: str, allowed: Any) -> str:
    """A filter's value, which must be one the document lists when it is sent at all (`?kind=` too: an empty
    value is not a choice, and saying so beats quietly answering the unfiltered list)."""
    value = request.query_params.get(name, "")
    if name in request.query_params and value not in allowed:
        raise exceptions.ValidationError({name: [_("Choose one of: %s.") % ", ".join(allowed)]})
    return value


def _text(request: Request, name: str, limit: int = 200) -> str:
    value = " ".join(request.query_params.get(name, "").split())
    if len(value) > limit or "\x00" in value:
        raise exceptions.ValidationError({name: [_("At most %(count)d characters.") % {"count": limit}]})
    return value


def _valid(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _token(request: Request) -> AccessToken | None:
    return request.auth if isinstance(request.auth, AccessToken) else None


class ListView(APIView):
    """A list, one cursor page at a time."""

    pagination_class = CursorPage
    orderings: dict[str, tuple[str, ...]] = {}
    default_ordering = ""

    def page(self, request: Request, queryset: QuerySet[Any], serializer: Any, **context: Any) -> Response:
        paginator = self.pagination_class()
        items = paginator.paginate_queryset(queryset, request, view=self)
        data = serializer(items, many=True, context={"request": request, **context}).data
        return paginator.get_paginated_response(data)


def _community(request: Request, slug: str) -> CommunityView:
    return community_selectors.community_for_viewer(request.user, slug)


def _readable(request: Request, slug: str) -> CommunityView:
    view = _community(request, slug)
    if not view.can_read:
        raise Http404
    return view


Policy = Callable[[Any, Community, Membership | None], bool]


def run_by(request: Request, slug: str, may: Policy) -> CommunityView:
    """A community the requester may run in the way `may` (a rule from an app's permissions.py) says, with an
    admin token for it when a token is used: 404 to everyone else, 401 to the anonymous."""
    view = _readable(request, slug)
    if not request.user.is_authenticated:
        raise exceptions.NotAuthenticated
    if not may(request.user, view.community, view.membership):
        raise Http404
    check_community_admin(request, view.community)
    return view


def organised_event(request: Request, pk: int) -> EventView:
    """An event the requester organises (an admin token for its community when a token is used)."""
    view = event_selectors.event_for_viewer(request.user, pk)
    if not request.user.is_authenticated:
        raise exceptions.NotAuthenticated
    if not view.manager:
        raise Http404
    check_event_admin(request, view.event)
    return view


# ---------------------------------------------------------------------------------------------------- me


class MeView(APIView):
    permission_classes = [TokenScopePermission, IsAuthenticated]

    @extend_schema(
        operation_id="me",
        summary=gettext_lazy("Who the request is made as"),
        responses=out.MeSerializer,
        tags=["me"],
    )
    def get(self, request: Request) -> Response:
        user = cast(User, request.user)
        token = _token(request)
        return Response(
            out.MeSerializer(
                {
                    "username": user.username,
                    "display_name": user.display_name,
                    "email": user.email,
                    "language": user.language,
                    "timezone": user.timezone,
                    "is_staff": user.is_staff,
                    "token_scope": token.scope if token else None,
                    "token_community": token.community.slug if token and token.community else None,
                }
            ).data
        )


# ------------------------------------------------------------------------------------------------ tokens


def _session_only(request: Request) -> None:
    if _token(request) is not None:
        raise exceptions.PermissionDenied(
            _("Tokens are made and revoked from a signed-in browser, not with a token.")
        )


class TokenListView(ListView):
    permission_classes = [TokenScopePermission, IsAuthenticated]
    orderings = {"newest": ("-created_at", "-pk")}

    @extend_schema(
        operation_id="tokens_list",
        summary=gettext_lazy("Your personal access tokens"),
        responses=out.TokenSerializer(many=True),
        tags=["tokens"],
    )
    def get(self, request: Request) -> Response:
        _session_only(request)
        return self.page(request, selectors.tokens_of(request.user), out.TokenSerializer)

    @extend_schema(
        operation_id="tokens_create",
        summary=gettext_lazy("Make a personal access token (its secret is in this answer only)"),
        request=out.TokenInput,
        responses={201: out.NewTokenSerializer},
        tags=["tokens"],
    )
    def post(self, request: Request) -> Response:
        _session_only(request)
        data = _valid(out.TokenInput, request.data)
        community = None
        if data.get("community"):
            community = _community(request, data["community"]).community
        with refused_as_400():
            token, secret = token_services.token_create(
                actor=request.user,
                name=data["name"],
                scope=data["scope"],
                community=community,
                expires_on=data.get("expires_on"),
            )
        return Response(
            out.NewTokenSerializer(token, context={"secret": secret}).data, status=status.HTTP_201_CREATED
        )


class TokenDetailView(APIView):
    permission_classes = [TokenScopePermission, IsAuthenticated]

    @extend_schema(
        operation_id="tokens_revoke",
        summary=gettext_lazy("Revoke a token"),
        responses={204: None},
        tags=["tokens"],
    )
    def delete(self, request: Request, pk: int) -> Response:
        _session_only(request)
        token_services.token_revoke(actor=request.user, token=selectors.token_of(request.user, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


# ------------------------------------------------------------------------------------------- communities


class CommunityListView(ListView):
    public_read = True  # anonymous readers see what is public (the document says the token is optional)
    orderings = {"name": ("name", "pk"), "newest": ("-created_at", "-pk"), "largest": ("-member_count", "pk")}

    @extend_schema(
        operation_id="communities_list",
        summary=gettext_lazy("Communities you may know of"),
        parameters=[
            OpenApiParameter("q", str, description="Words in the name or summary."),
            OpenApiParameter("theme", str),
            OpenApiParameter("language", str, enum=list(LANGUAGES)),
            OpenApiParameter(
                "visibility", str, enum=[Visibility.PUBLIC, Visibility.PRIVATE, Visibility.SECRET]
            ),
        ],
        responses=out.CommunitySerializer(many=True),
        tags=["communities"],
    )
    def get(self, request: Request) -> Response:
        filters = CatalogueFilters(
            query=_text(request, "q"),
            theme=_text(request, "theme", 60),
            language=_choice(request, "language", LANGUAGES),
            visibility=_choice(request, "visibility", Visibility.values),
        )
        return self.page(
            request, community_selectors.catalogue(request.user, filters), out.CommunitySerializer
        )


class CommunityDetailView(APIView):
    public_read = True  # anonymous readers see what is public (the document says the token is optional)

    @extend_schema(
        operation_id="communities_read",
        summary=gettext_lazy("A community"),
        responses=out.CommunityDetailSerializer,
        tags=["communities"],
    )
    def get(self, request: Request, slug: str) -> Response:
        view = _community(request, slug)
        can = {
            "read": view.can_read,
            "join": view.can_join,
            "request": view.can_request,
            "manage_members": view.can_manage,
            "edit": view.can_edit,
            "invite": view.can_invite,
        }
        data = out.CommunityDetailSerializer(
            view.community, context={"request": request, "membership": view.membership, "can": can}
        ).data
        return Response(data)


def _organisation(slug: str) -> Organisation | None:
    if not slug:
        return None
    try:
        return account_selectors.organisation_by_slug(slug)
    except Http404 as error:
        raise exceptions.ValidationError(
            {"organisation": [_("No organisation has this address.")]}
        ) from error


class JoinView(APIView):
    @extend_schema(
        operation_id="communities_join",
        summary=gettext_lazy("Join an open community"),
        request=out.JoinInput,
        responses={201: out.MembershipSerializer},
        tags=["communities"],
    )
    @idempotent
    def post(self, request: Request, slug: str) -> Response:
        view = _community(request, slug)
        data = _valid(out.JoinInput, request.data)
        with refused_as_400():
            membership = community_services.community_join(
                actor=request.user,
                community=view.community,
                accept_conduct=data["accept_conduct"],
                organisation=_organisation(data.get("organisation", "")),
            )
        return Response(out.MembershipSerializer(membership).data, status=status.HTTP_201_CREATED)


class JoinRequestView(APIView):
    @extend_schema(
        operation_id="communities_request",
        summary=gettext_lazy("Ask to join a community that approves its members"),
        request=out.RequestInput,
        responses={201: out.JoinRequestSerializer},
        tags=["communities"],
    )
    @idempotent
    def post(self, request: Request, slug: str) -> Response:
        view = _community(request, slug)
        data = _valid(out.RequestInput, request.data)
        with refused_as_400():
            created = community_services.join_request_create(
                actor=request.user,
                community=view.community,
                message=data.get("message", ""),
                organisation=_organisation(data.get("organisation", "")),
            )
        return Response(out.JoinRequestSerializer(created).data, status=status.HTTP_201_CREATED)


class MembershipView(APIView):
    @extend_schema(
        operation_id="communities_leave",
        summary=gettext_lazy("Leave a community"),
        responses={204: None},
        tags=["communities"],
    )
    def delete(self, request: Request, slug: str) -> Response:
        view = _community(request, slug)
        if not request.user.is_authenticated:
            raise exceptions.NotAuthenticated
        with refused_as_400():
            community_services.membership_leave(actor=request.user, community=view.community)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MemberListView(ListView):
    public_read = True  # anonymous readers see what is public (the document says the token is optional)
    # Cursor positions are read off each row, so the sort key is an annotation, not a path across a join.
    orderings = {"name": ("sort_name", "pk"), "newest": ("-joined_at", "-pk")}

    @extend_schema(
        operation_id="communities_members",
        summary=gettext_lazy("A community's members"),
        parameters=[OpenApiParameter("q", str), OpenApiParameter("role", str, enum=Role.values)],
        responses=out.MembershipSerializer(many=True),
        tags=["communities"],
    )
    def get(self, request: Request, slug: str) -> Response:
        view = _readable(request, slug)
        found = community_selectors.member_directory(
            view.community, query=_text(request, "q"), role=_choice(request, "role", Role.values)
        )
        found = found.select_related("community", "user").annotate(sort_name=F("user__display_name"))
        return self.page(request, found, out.MembershipSerializer)


class MemberRoleView(APIView):
    @extend_schema(
        operation_id="communities_member_role",
        summary=gettext_lazy(
            "Give a member another role (convenors, co-convenors; admin token for the community)"
        ),
        request=out.RoleInput,
        responses=out.MembershipSerializer,
        tags=["communities"],
    )
    def patch(self, request: Request, slug: str, username: str) -> Response:
        view = _readable(request, slug)
        if not request.user.is_authenticated:
            raise exceptions.NotAuthenticated
        if not view.can_manage:
            raise exceptions.PermissionDenied(
                _("Only the community's convenors and moderators change roles.")
            )
        check_community_admin(request, view.community)
        data = _valid(out.RoleInput, request.data)
        user = community_selectors.member_user(view.community, username)
        with refused_as_400():
            membership = community_services.membership_change_role(
                actor=request.user, community=view.community, user=user, role=Role(data["role"])
            )
        return Response(out.MembershipSerializer(membership).data)


class CharterView(APIView):
    public_read = True  # anonymous readers see what is public (the document says the token is optional)

    @extend_schema(
        operation_id="charters_current",
        summary=gettext_lazy("The community's charter: its latest version"),
        responses=out.CharterVersionSerializer,
        tags=["communities"],
    )
    def get(self, request: Request, slug: str) -> Response:
        view = _readable(request, slug)
        current = community_selectors.current_charter(view.community)
        if current is None:
            raise Http404
        return Response(out.CharterVersionSerializer(current).data)


class CharterVersionListView(ListView):
    public_read = True  # anonymous readers see what is public (the document says the token is optional)
    orderings = {"newest": ("-number",)}

    @extend_schema(
        operation_id="charters_versions",
        summary=gettext_lazy("Every saved version of the charter, newest first"),
        responses=out.CharterVersionSummary(many=True),
        tags=["communities"],
    )
    def get(self, request: Request, slug: str) -> Response:
        view = _readable(request, slug)
        return self.page(
            request, community_selectors.charter_versions(view.community), out.CharterVersionSummary
        )


class CharterVersionView(APIView):
    public_read = True  # anonymous readers see what is public (the document says the token is optional)

    @extend_schema(
        operation_id="charters_version",
        summary=gettext_lazy("One version of the charter"),
        responses=out.CharterVersionSerializer,
        tags=["communities"],
    )
    def get(self, request: Request, slug: str, number: int) -> Response:
        view = _readable(request, slug)
        if number > 10**6:
            raise Http404
        return Response(
            out.CharterVersionSerializer(community_selectors.charter_version(view.community, number)).data
        )


class OrganisationListView(ListView):
    public_read = True  # anonymous readers see what is public (the document says the token is optional)
    orderings = {"name": ("name", "pk")}

    @extend_schema(
        operation_id="organisations_list",
        summary=gettext_lazy("Organisations, with their number of members"),
        parameters=[
            OpenApiParameter("q", str),
            OpenApiParameter("type", str, enum=OrganisationType.values),
            OpenApiParameter("country", str, description="ISO 3166 code, such as KE."),
        ],
        responses=out.OrganisationSerializer(many=True),
        tags=["people"],
    )
    def get(self, request: Request) -> Response:
        found = account_selectors.organisation_list(
            query=_text(request, "q"),
            type=_choice(request, "type", OrganisationType.values),
            country=_text(request, "country", 2).upper(),
        )
        return self.page(request, found, out.OrganisationSerializer)


class OrganisationView(APIView):
    public_read = True  # anonymous readers see what is public (the document says the token is optional)

    @extend_schema(
        operation_id="organisations_read",
        summary=gettext_lazy("An organisation"),
        responses=out.OrganisationSerializer,
        tags=["people"],
    )
    def get(self, request: Request, slug: str) -> Response:
        organisation = account_selectors.organisation_by_slug(slug)
        return Response(out.OrganisationSerializer(organisation, context={"request": request}).data)


# ------------------------------------------------------------------------------------------- discussions


def _moderator(request: Request, view: CommunityView) -> bool:
    return discussion_policy.can_moderate(request.user, view.community, view.membership)


def _topic(request: Request, slug: str, pk: int) -> tuple[CommunityView, Topic, bool]:
    view = _readable(request, slug)
    moderator = _moderator(request, view)
    return view, discussion_selectors.topic_for_viewer(view, pk, moderator=moderator), moderator


class TopicListView(ListView):
    public_read = True  # anonymous readers see what is public (the document says the token is optional)
    orderings = {"active": ("-last_posted_at", "-pk"), "newest": ("-created_at", "-pk")}

    @extend_schema(
        operation_id="topics_list",
        summary=gettext_lazy("A community's topics"),
        parameters=[
            OpenApiParameter("kind", str, enum=TopicKind.values),
            OpenApiParameter("unanswered", bool),
        ],
        responses=out.TopicSerializer(many=True),
        tags=["discussions"],
    )
    def get(self, request: Request, slug: str) -> Response:
        view = _readable(request, slug)
        unanswered = _choice(request, "unanswered", ("true", "false", "1", "0"))
        filters = discussion_selectors.TopicFilters(
            kind=_choice(request, "kind", TopicKind.values), unanswered=unanswered in ("true", "1")
        )
        found = discussion_selectors.topics(
            view.community, moderator=_moderator(request, view), filters=filters
        )
        return self.page(request, found.select_related("community"), out.TopicSerializer)

    @extend_schema(
        operation_id="topics_create",
        summary=gettext_lazy("Start a topic"),
        request=out.TopicInput,
        responses={201: out.TopicSerializer},
        tags=["discussions"],
    )
    @idempotent
    def post(self, request: Request, slug: str) -> Response:
        view = _readable(request, slug)
        data = _valid(out.TopicInput, request.data)
        with refused_as_400():
            topic = discussion_services.topic_create(
                actor=request.user,
                community=view.community,
                kind=data["kind"],
                title=data["title"],
                body=data["body"],
                language=data["language"],
            )
        return Response(
            out.TopicSerializer(topic, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


class PostListView(ListView):
    public_read = True  # anonymous readers see what is public (the document says the token is optional)
    orderings = {"oldest": ("number",)}

    @extend_schema(
        operation_id="posts_list",
        summary=gettext_lazy("A topic's messages, in order"),
        responses=out.PostSerializer(many=True),
        tags=["discussions"],
    )
    def get(self, request: Request, slug: str, topic: int) -> Response:
        _view, found, moderator = _topic(request, slug, topic)
        return self.page(
            request, discussion_selectors.visible_posts(found, moderator=moderator), out.PostSerializer
        )

    @extend_schema(
        operation_id="posts_reply",
        summary=gettext_lazy("Reply to a topic"),
        request=out.ReplyInput,
        responses={201: out.PostSerializer},
        tags=["discussions"],
    )
    @idempotent
    def post(self, request: Request, slug: str, topic: int) -> Response:
        _view, found, moderator = _topic(request, slug, topic)
        data = _valid(out.ReplyInput, request.data)
        reply_to = None
        if data.get("reply_to"):
            try:
                reply_to = discussion_selectors.post_for_viewer(found, data["reply_to"], moderator=moderator)
            except Http404 as error:
                raise exceptions.ValidationError(
                    {"reply_to": [_("No such message in this topic.")]}
                ) from error
        with refused_as_400():
            post = discussion_services.post_reply(
                actor=request.user, topic=found, body=data["body"], reply_to=reply_to
            )
        return Response(out.PostSerializer(post).data, status=status.HTTP_201_CREATED)


class ReactionView(APIView):
    @extend_schema(
        operation_id="posts_react",
        summary=gettext_lazy("Add a reaction to a message, or take it back"),
        request=out.ReactionInput,
        responses=out.ReactionResult,
        tags=["discussions"],
    )
    @idempotent
    def post(self, request: Request, slug: str, topic: int, pk: int) -> Response:
        _view, found, moderator = _topic(request, slug, topic)
        post = discussion_selectors.post_for_viewer(found, pk, moderator=moderator)
        data = _valid(out.ReactionInput, request.data)
        with refused_as_400():
            present = discussion_services.reaction_toggle(actor=request.user, post=post, kind=data["kind"])
        return Response({"kind": data["kind"], "present": present})


class FlagView(APIView):
    @extend_schema(
        operation_id="posts_flag",
        summary=gettext_lazy("Report a message to the moderators"),
        request=out.FlagInput,
        responses={201: out.FlagResult},
        tags=["discussions"],
    )
    @idempotent
    def post(self, request: Request, slug: str, topic: int, pk: int) -> Response:
        _view, found, moderator = _topic(request, slug, topic)
        post = discussion_selectors.post_for_viewer(found, pk, moderator=moderator)
        data = _valid(out.FlagInput, request.data)
        with refused_as_400():
            flag = discussion_services.post_flag(
                actor=request.user, post=post, reason=data["reason"], note=data.get("note", "")
            )
        return Response({"id": flag.pk, "reason": flag.reason}, status=status.HTTP_201_CREATED)


# ------------------------------------------------------------------------------------------------ events


class EventListView(ListView):
    public_read = True  # anonymous readers see what is public (the document says the token is optional)
    orderings = {"soonest": ("starts_at", "pk"), "latest": ("-starts_at", "-pk")}

    @extend_schema(
        operation_id="events_list",
        summary=gettext_lazy("Upcoming (or past) events you may see"),
        parameters=[
            OpenApiParameter("community", str, description="A community's address."),
            OpenApiParameter("kind", str, enum=EventKind.values),
            OpenApiParameter("language", str, enum=list(LANGUAGES)),
            OpenApiParameter("past", bool, description="Past events, latest first."),
        ],
        responses=out.EventSerializer(many=True),
        tags=["events"],
    )
    def get(self, request: Request) -> Response:
        past = _choice(request, "past", ("true", "false", "1", "0")) in ("true", "1")
        filters = EventFilters(
            past=past,
            kind=_choice(request, "kind", EventKind.values),
            language=_choice(request, "language", LANGUAGES),
            community=_text(request, "community", 60),
        )
        self.default_ordering = "latest" if past else "soonest"
        return self.page(request, event_selectors.events(request.user, filters), out.EventSerializer)


class EventDetailView(APIView):
    public_read = True  # anonymous readers see what is public (the document says the token is optional)

    @extend_schema(
        operation_id="events_read",
        summary=gettext_lazy("An event, with your registration"),
        responses=out.EventDetailSerializer,
        tags=["events"],
    )
    def get(self, request: Request, pk: int) -> Response:
        view = event_selectors.event_for_viewer(request.user, pk)
        context = {
            "request": request,
            "registration": view.registration,
            "can_register": view.can_register,
            "can_see_join_link": view.can_see_join_link,
            "waiting_position": view.waiting_position,
        }
        return Response(out.EventDetailSerializer(view.event, context=context).data)


class RegistrationView(APIView):
    @extend_schema(
        operation_id="events_register",
        summary=gettext_lazy("Register (or join the waiting list when the event is full)"),
        request=out.RegistrationInput,
        responses={201: out.RegistrationSerializer},
        tags=["events"],
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        view = event_selectors.event_for_viewer(request.user, pk)
        data = _valid(out.RegistrationInput, request.data)
        with refused_as_400():
            registration = event_services.register(
                actor=request.user, event=view.event, language=data["language"]
            )
        after = event_selectors.event_for_viewer(request.user, pk)
        return Response(
            out.RegistrationSerializer(
                registration, context={"waiting_position": after.waiting_position}
            ).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        operation_id="events_unregister",
        summary=gettext_lazy("Give up your place (or place in line)"),
        responses=out.RegistrationSerializer,
        tags=["events"],
    )
    def delete(self, request: Request, pk: int) -> Response:
        view = event_selectors.event_for_viewer(request.user, pk)
        if not request.user.is_authenticated:
            raise exceptions.NotAuthenticated
        with refused_as_400():
            registration = event_services.cancel_registration(actor=request.user, event=view.event)
        return Response(out.RegistrationSerializer(registration).data)


class AttendeeListView(ListView):
    orderings = {"registered": ("created_at", "pk")}

    @extend_schema(
        operation_id="events_registrations",
        summary=gettext_lazy(
            "Everyone registered, waiting or cancelled (organisers; admin token for its community)"
        ),
        responses=out.AttendeeSerializer(many=True),
        tags=["events"],
    )
    def get(self, request: Request, pk: int) -> Response:
        view = organised_event(request, pk)
        return self.page(request, event_selectors.registrations(view.event), out.AttendeeSerializer)


def _harvest(cafe_view: Any, table: Any, round_no: int, harvest: Any) -> dict[str, Any]:
    return {
        "table": table.pk,
        "table_label": table.label,
        "round": round_no,
        "question": cafe_view.question(round_no),
        "notes": harvest.notes,
        "insights": harvest.insights,
        "author": harvest.author,
        "updated_at": harvest.updated_at,
    }


class CafeView(APIView):
    public_read = True  # anonymous readers see what is public (the document says the token is optional)

    @extend_schema(
        operation_id="cafe_read",
        summary=gettext_lazy("A World Café's harvests, round by round, and its synthesis"),
        responses=out.CafeSerializer,
        tags=["events"],
    )
    def get(self, request: Request, pk: int) -> Response:
        view = event_selectors.event_for_viewer(request.user, pk)
        cafe_view = event_selectors.cafe_for_event(request.user, view.event)
        harvests = [
            _harvest(cafe_view, table, round_no, harvest)
            for round_no, _question, rows in cafe_view.harvest_rounds()
            for table, harvest in rows
        ]
        data = {"rounds": cafe_view.cafe.rounds, "synthesis": cafe_view.cafe.synthesis, "harvests": harvests}
        return Response(out.CafeSerializer(data).data)


class HarvestView(APIView):
    @extend_schema(
        operation_id="cafe_harvest",
        summary=gettext_lazy("Write a table's harvest for a round (its host, the people seated, organisers)"),
        request=out.HarvestInput,
        responses=out.HarvestSerializer,
        tags=["events"],
    )
    def put(self, request: Request, pk: int, table: int, round_no: int) -> Response:
        view = event_selectors.event_for_viewer(request.user, pk)
        if not request.user.is_authenticated:
            raise exceptions.NotAuthenticated
        cafe_view = event_selectors.cafe_for_event(request.user, view.event)
        found = event_selectors.cafe_table(cafe_view.cafe, table)
        if not 1 <= round_no <= cafe_view.cafe.rounds:
            raise Http404
        data = _valid(out.HarvestInput, request.data)
        with refused_as_400():
            harvest = event_services.harvest_save(
                actor=request.user,
                event=view.event,
                table=found,
                round_no=round_no,
                notes=data.get("notes", ""),
                insights=data.get("insights", ""),
            )
        return Response(out.HarvestSerializer(_harvest(cafe_view, found, round_no, harvest)).data)


# ----------------------------------------------------------------------------------------------- library


class ResourceListView(ListView):
    public_read = True  # anonymous readers see what is public (the document says the token is optional)
    orderings = {"newest": ("-created_at", "-pk"), "title": ("title", "pk")}

    @extend_schema(
        operation_id="resources_list",
        summary=gettext_lazy("Library resources you may read"),
        parameters=[
            OpenApiParameter("community", str),
            OpenApiParameter("kind", str, enum=ResourceKind.values),
            OpenApiParameter("theme", str),
            OpenApiParameter("language", str, enum=list(LANGUAGES)),
            OpenApiParameter("year", int),
        ],
        responses=out.ResourceSerializer(many=True),
        tags=["library"],
    )
    def get(self, request: Request) -> Response:
        year_text = request.query_params.get("year", "")
        year = None
        if year_text:
            if not year_text.isdigit() or not 1000 <= int(year_text) <= 2999:
                raise exceptions.ValidationError({"year": [_("Give a year such as 2024.")]})
            year = int(year_text)
        filters = LibraryFilters(
            kind=_choice(request, "kind", ResourceKind.values),
            theme=_text(request, "theme", 60),
            language=_choice(request, "language", LANGUAGES),
            year=year,
            community=_text(request, "community", 60),
        )
        return self.page(request, library_selectors.resources(request.user, filters), out.ResourceSerializer)

    @extend_schema(
        operation_id="resources_create",
        summary=gettext_lazy("Add a resource to the hub library or a community's, with a file or a link"),
        request={"multipart/form-data": out.ResourceInput, "application/json": out.ResourceInput},
        responses={201: out.ResourceSerializer},
        tags=["library"],
    )
    @idempotent
    def post(self, request: Request) -> Response:
        data = _valid(out.ResourceInput, request.data)
        community = _readable(request, data["community"]).community if data.get("community") else None
        resource_data = ResourceData(
            kind=data["kind"],
            title=data["title"],
            language=data["language"],
            summary=data.get("summary", ""),
            authors=data.get("authors", ""),
            publisher=data.get("publisher", ""),
            year=data.get("year"),
            licence=data.get("licence", ""),
            url=data.get("link", ""),
        )
        with refused_as_400():
            resource = library_services.resource_create(
                actor=request.user, community=community, data=resource_data, upload=data.get("file")
            )
        return Response(
            out.ResourceSerializer(resource, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class ResourceDetailView(APIView):
    public_read = True  # anonymous readers see what is public (the document says the token is optional)

    @extend_schema(
        operation_id="resources_read",
        summary=gettext_lazy("A library resource"),
        responses=out.ResourceSerializer,
        tags=["library"],
    )
    def get(self, request: Request, pk: int) -> Response:
        view = library_selectors.resource_for_viewer(request.user, pk)
        return Response(out.ResourceSerializer(view.resource, context={"request": request}).data)


# ------------------------------------------------------------------------------------- learning alliances


class AllianceListView(ListView):
    public_read = True  # anonymous readers see what is public (the document says the token is optional)
    orderings = {"name": ("name", "pk")}

    @extend_schema(
        operation_id="alliances_list",
        summary=gettext_lazy("Learning alliances you may see"),
        responses=out.AllianceSerializer(many=True),
        tags=["alliances"],
    )
    def get(self, request: Request) -> Response:
        return self.page(request, alliance_selectors.visible_alliances(request.user), out.AllianceSerializer)


class AllianceView(APIView):
    public_read = True  # anonymous readers see what is public (the document says the token is optional)

    @extend_schema(
        operation_id="alliances_read",
        summary=gettext_lazy("A learning alliance, with its tree of platforms"),
        responses=out.AllianceDetailSerializer,
        tags=["alliances"],
    )
    def get(self, request: Request, slug: str) -> Response:
        view = alliance_selectors.alliance_for_viewer(request.user, slug)
        context = {"request": request, "platforms": view.platforms}
        return Response(out.AllianceDetailSerializer(view.alliance, context=context).data)


class StakeholderListView(ListView):
    orderings = {"name": ("name", "pk")}

    @extend_schema(
        operation_id="alliances_stakeholders",
        summary=gettext_lazy("The alliance's stakeholder register, with the latest assessment of each"),
        responses=out.StakeholderSerializer(many=True),
        tags=["alliances"],
    )
    def get(self, request: Request, slug: str) -> Response:
        view = alliance_selectors.alliance_for_viewer(request.user, slug)
        if not view.can_read_register:
            raise Http404
        return self.page(request, alliance_selectors.register(view.alliance), out.StakeholderSerializer)


# ------------------------------------------------------------------------------------------------ people


class PeopleListView(ListView):
    public_read = True  # anonymous readers see what is public (the document says the token is optional)
    orderings = {"name": ("sort_name", "pk")}

    @extend_schema(
        operation_id="people_list",
        summary=gettext_lazy("The member directory"),
        parameters=[
            OpenApiParameter("q", str),
            OpenApiParameter("country", str, description="ISO 3166 code, such as KE."),
            OpenApiParameter("theme", str),
            OpenApiParameter("language", str),
            OpenApiParameter("organisation", str),
        ],
        responses=out.ProfileSerializer(many=True),
        tags=["people"],
    )
    def get(self, request: Request) -> Response:
        filters = DirectoryFilters(
            query=_text(request, "q"),
            country=_text(request, "country", 2).upper(),
            theme=_text(request, "theme", 60),
            language=_text(request, "language", 10),
            organisation=_text(request, "organisation", 80),
        )
        found = account_selectors.directory_profiles(request.user, filters).annotate(
            sort_name=F("user__display_name")
        )
        return self.page(request, found, out.ProfileSerializer)


class PersonView(APIView):
    public_read = True  # anonymous readers see what is public (the document says the token is optional)

    @extend_schema(
        operation_id="people_read",
        summary=gettext_lazy("A person's profile"),
        responses=out.ProfileSerializer,
        tags=["people"],
    )
    def get(self, request: Request, username: str) -> Response:
        profile = account_selectors.profile_for_viewer(request.user, username)
        return Response(out.ProfileSerializer(profile, context={"request": request}).data)


# ----------------------------------------------------------------------------------------- notifications


class NotificationListView(ListView):
    permission_classes = [TokenScopePermission, IsAuthenticated]
    orderings = {"newest": ("-created_at", "-pk")}

    @extend_schema(
        operation_id="notifications_list",
        summary=gettext_lazy("Your notifications"),
        responses=out.NotificationSerializer(many=True),
        tags=["notifications"],
    )
    def get(self, request: Request) -> Response:
        return self.page(
            request, notification_selectors.notifications(request.user), out.NotificationSerializer
        )


class NotificationReadView(APIView):
    permission_classes = [TokenScopePermission, IsAuthenticated]

    @extend_schema(
        operation_id="notifications_read",
        summary=gettext_lazy("Mark one notification, or all, as read"),
        request=out.ReadInput,
        responses=out.CountResult,
        tags=["notifications"],
    )
    def post(self, request: Request) -> Response:
        data = _valid(out.ReadInput, request.data)
        count = notification_services.mark_read(actor=request.user, notification_id=data.get("id"))
        return Response({"count": count})


# ------------------------------------------------------------------------------------------------ search

SEARCH_PAGE = 20
SEARCH_DEPTH = 200


def _offset(cursor: str) -> int:
    if not cursor:
        return 0
    try:
        offset = int(base64.urlsafe_b64decode(cursor.encode() + b"==").decode())
    except (binascii.Error, ValueError, UnicodeDecodeError) as error:
        raise exceptions.ValidationError({"cursor": [_("This cursor is not valid.")]}) from error
    if not 0 <= offset < SEARCH_DEPTH:
        raise exceptions.ValidationError({"cursor": [_("This cursor is not valid.")]})
    return offset


class SearchView(APIView):
    public_read = True  # anonymous readers see what is public (the document says the token is optional)

    @extend_schema(
        operation_id="search",
        summary=gettext_lazy("Search people, communities, topics, resources and events (best matches first)"),
        parameters=[
            OpenApiParameter("q", str, required=True),
            OpenApiParameter("kind", str, enum=Kind.values),
            OpenApiParameter("community", str),
            OpenApiParameter("language", str),
            OpenApiParameter("cursor", str),
        ],
        responses=out.SearchPage,
        tags=["search"],
    )
    def get(self, request: Request) -> Response:
        query = _text(request, "q")
        if not query:
            raise exceptions.ValidationError({"q": [_("Type what you are looking for.")]})
        offset = _offset(request.query_params.get("cursor", ""))
        filters = SearchFilters(
            query=query,
            kind=_choice(request, "kind", Kind.values),
            community=_text(request, "community", 60),
            language=_text(request, "language", 10),
        )
        found = list(search_selectors.search(request.user, filters)[offset : offset + SEARCH_PAGE + 1])
        more = len(found) > SEARCH_PAGE and offset + SEARCH_PAGE < SEARCH_DEPTH
        found = found[:SEARCH_PAGE]
        snippets = {document.pk: search_selectors.result(document).snippet for document in found}
        next_url = None
        if more:
            params = request.query_params.copy()
            params["cursor"] = (
                base64.urlsafe_b64encode(str(offset + SEARCH_PAGE).encode()).decode().rstrip("=")
            )
            next_url = request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
        results = out.SearchResultSerializer(
            found, many=True, context={"request": request, "snippets": snippets}
        ).data
        return Response({"next": next_url, "results": results})


# ---------------------------------------------------------------------------------------------- webhooks


def _webhook_community(request: Request, slug: str) -> CommunityView:
    return run_by(request, slug, webhook_policy.can_manage_webhooks)


class WebhookListView(ListView):
    orderings = {"oldest": ("created_at", "pk")}

    @extend_schema(
        operation_id="webhooks_list",
        summary=gettext_lazy("A community's webhooks (convenors)"),
        responses=out.EndpointSerializer(many=True),
        tags=["webhooks"],
    )
    def get(self, request: Request, slug: str) -> Response:
        view = _webhook_community(request, slug)
        return self.page(request, webhook_selectors.endpoints(view.community), out.EndpointSerializer)

    @extend_schema(
        operation_id="webhooks_create",
        summary=gettext_lazy("Register a webhook (the answer carries its signing secret)"),
        request=out.EndpointInput,
        responses={201: out.NewEndpointSerializer},
        tags=["webhooks"],
    )
    @idempotent
    def post(self, request: Request, slug: str) -> Response:
        view = _webhook_community(request, slug)
        data = _valid(out.EndpointInput, request.data)
        with refused_as_400():
            endpoint = webhook_services.endpoint_create(
                actor=request.user,
                community=view.community,
                url=data["url"],
                events=data["events"],
                description=data.get("description", ""),
            )
        return Response(out.NewEndpointSerializer(endpoint).data, status=status.HTTP_201_CREATED)


class WebhookDetailView(APIView):
    @extend_schema(
        operation_id="webhooks_read",
        summary=gettext_lazy("A webhook"),
        responses=out.EndpointSerializer,
        tags=["webhooks"],
    )
    def get(self, request: Request, slug: str, pk: int) -> Response:
        view = _webhook_community(request, slug)
        return Response(out.EndpointSerializer(webhook_selectors.endpoint(view.community, pk)).data)

    @extend_schema(
        operation_id="webhooks_update",
        summary=gettext_lazy("Change, pause or resume a webhook, or give it a new secret"),
        request=out.EndpointChange,
        responses=out.NewEndpointSerializer,
        tags=["webhooks"],
    )
    def patch(self, request: Request, slug: str, pk: int) -> Response:
        view = _webhook_community(request, slug)
        endpoint = webhook_selectors.endpoint(view.community, pk)
        data = _valid(out.EndpointChange, request.data)
        with refused_as_400():
            endpoint = webhook_services.endpoint_update(
                actor=request.user,
                endpoint=endpoint,
                url=data.get("url"),
                events=data.get("events"),
                description=data.get("description"),
                is_active=data.get("is_active"),
                new_secret=data.get("new_secret", False),
            )
        return Response(out.NewEndpointSerializer(endpoint).data)

    @extend_schema(
        operation_id="webhooks_delete",
        summary=gettext_lazy("Remove a webhook and its log"),
        responses={204: None},
        tags=["webhooks"],
    )
    def delete(self, request: Request, slug: str, pk: int) -> Response:
        view = _webhook_community(request, slug)
        webhook_services.endpoint_delete(
            actor=request.user, endpoint=webhook_selectors.endpoint(view.community, pk)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookPingView(APIView):
    @extend_schema(
        operation_id="webhooks_ping",
        summary=gettext_lazy("Send a test delivery now"),
        request=None,
        responses={202: out.DeliverySerializer},
        tags=["webhooks"],
    )
    @idempotent
    def post(self, request: Request, slug: str, pk: int) -> Response:
        view = _webhook_community(request, slug)
        delivery = webhook_services.endpoint_ping(
            actor=request.user, endpoint=webhook_selectors.endpoint(view.community, pk)
        )
        return Response(out.DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


class DeliveryListView(ListView):
    orderings = {"newest": ("-created_at", "-pk")}

    @extend_schema(
        operation_id="webhooks_deliveries",
        summary=gettext_lazy("What was sent to a webhook, newest first"),
        responses=out.DeliverySerializer(many=True),
        tags=["webhooks"],
    )
    def get(self, request: Request, slug: str, pk: int) -> Response:
        view = _webhook_community(request, slug)
        endpoint = webhook_selectors.endpoint(view.community, pk)
        return self.page(request, webhook_selectors.deliveries(endpoint), out.DeliverySerializer)
