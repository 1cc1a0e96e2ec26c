"""API operations that run a community: join requests and their decisions, invitations, attendance from a
video-conferencing export, members and registrations as CSV, the community's archive, and its insights as
its convenors see them. Each needs the person's right (from the apps' policies) and, with a token, an admin
token made for that community."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catchment.api import serializers as out
from catchment.api.archive import community_archive
from catchment.api.idempotency import idempotent
from catchment.api.views import ListView, _valid, organised_event, refused_as_400, run_by
from catchment.communities import permissions as community_policy
from catchment.communities import selectors as community_selectors
from catchment.communities import services as community_services
from catchment.communities.models import Role
from catchment.communities.selectors import CommunityView
from catchment.core.csvfiles import csv_response
from catchment.events import attendance
from catchment.events import selectors as event_selectors
from catchment.events import services as event_services
from catchment.insights import permissions as insight_policy
from catchment.insights import selectors as insight_selectors

CSV = OpenApiResponse(OpenApiTypes.STR, description="CSV, UTF-8, one header row.")


def _managed(request: Request, slug: str) -> CommunityView:
    """A community whose members the requester manages (moderators and up)."""
    return run_by(request, slug, community_policy.can_manage_members)


class RequestListView(ListView):
    orderings = {"oldest": ("created_at", "pk")}

    @extend_schema(
        operation_id="communities_requests",
        summary=gettext_lazy("Requests to join waiting for a decision (moderators; admin token)"),
        responses=out.JoinRequestDetailSerializer(many=True),
        tags=["communities"],
    )
    def get(self, request: Request, slug: str) -> Response:
        view = _managed(request, slug)
        found = community_selectors.pending_requests(view.community).select_related("community", "user")
        return self.page(request, found, out.JoinRequestDetailSerializer)


class RequestDecisionView(APIView):
    @extend_schema(
        operation_id="communities_request_decide",
        summary=gettext_lazy("Approve or decline a request to join (moderators; admin token)"),
        request=out.DecisionInput,
        responses=out.JoinRequestDetailSerializer,
        tags=["communities"],
    )
    def post(self, request: Request, slug: str, pk: int) -> Response:
        view = _managed(request, slug)
        join_request = community_selectors.pending_requests(view.community).filter(pk=pk).first()
        if join_request is None:
            raise Http404
        data = _valid(out.DecisionInput, request.data)
        with refused_as_400():
            decided = community_services.join_request_decide(
                actor=request.user,
                join_request=join_request,
                approve=data["approve"],
                message=data.get("message", ""),
            )
        return Response(out.JoinRequestDetailSerializer(decided).data)


class InvitationListView(ListView):
    orderings = {"newest": ("-created_at", "-pk")}

    @extend_schema(
        operation_id="communities_invitations",
        summary=gettext_lazy("Invitations still waiting (moderators; admin token)"),
        responses=out.InvitationSerializer(many=True),
        tags=["communities"],
    )
    def get(self, request: Request, slug: str) -> Response:
        view = _managed(request, slug)
        return self.page(
            request, community_selectors.waiting_invitations(view.community), out.InvitationSerializer
        )

    @extend_schema(
        operation_id="communities_invite",
        summary=gettext_lazy("Invite someone by email, in a role (moderators; admin token)"),
        request=out.InvitationInput,
        responses={201: out.InvitationSerializer},
        tags=["communities"],
    )
    @idempotent
    def post(self, request: Request, slug: str) -> Response:
        view = run_by(request, slug, community_policy.can_invite)
        data = _valid(out.InvitationInput, request.data)
        with refused_as_400():
            sent = community_services.invitation_create(
                actor=request.user,
                community=view.community,
                email=data["email"],
                role=Role(data["role"]),
                message=data.get("message", ""),
                language=data.get("language", ""),
            )
        return Response(out.InvitationSerializer(sent.invitation).data, status=status.HTTP_201_CREATED)


class MembersExportView(APIView):
    @extend_schema(
        operation_id="communities_members_csv",
        summary=gettext_lazy("Members as CSV, with their email addresses (moderators; admin token)"),
        responses={(200, "text/csv"): CSV},
        tags=["communities"],
    )
    def get(self, request: Request, slug: str) -> HttpResponse:
        view = _managed(request, slug)
        members = community_selectors.member_directory(view.community).select_related("user__profile")
        return csv_response(
            f"{view.community.slug}-members.csv",
            ["username", "name", "email", "role", "organisation", "country", "joined_at"],
            (
                [
                    membership.user.username,
                    membership.user.display_name,
                    membership.user.email,
                    membership.role,
                    membership.organisation.name if membership.organisation else "",
                    str(membership.user.profile.country) if hasattr(membership.user, "profile") else "",
                    membership.joined_at.isoformat(),
                ]
                for membership in members.iterator(chunk_size=500)
            ),
        )


class ArchiveView(APIView):
    @extend_schema(
        operation_id="communities_archive",
        summary=gettext_lazy("The community's full data as one JSON document (convenors; admin token)"),
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="catchment-community-archive/1")},
        tags=["communities"],
    )
    def get(self, request: Request, slug: str) -> StreamingHttpResponse:
        view = run_by(request, slug, community_policy.can_change_stage)
        response = StreamingHttpResponse(community_archive(view.community), content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="{view.community.slug}-archive.json"'
        response["Cache-Control"] = "private, no-store"
        return response


class RegistrationsExportView(APIView):
    @extend_schema(
        operation_id="events_registrations_csv",
        summary=gettext_lazy("Registrations as CSV, with attendance (organisers; admin token)"),
        responses={(200, "text/csv"): CSV},
        tags=["events"],
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        view = organised_event(request, pk)
        return csv_response(
            f"event-{pk}-registrations.csv",
            ["username", "name", "email", "language", "status", "registered_at", "attended"],
            (
                [
                    registration.user.username,
                    registration.user.display_name,
                    registration.user.email,
                    registration.language,
                    registration.status,
                    registration.created_at.isoformat(),
                    "" if registration.attended is None else ("yes" if registration.attended else "no"),
                ]
                for registration in event_selectors.registrations(view.event)
            ),
        )


class AttendanceImportView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="events_attendance_import",
        summary=gettext_lazy(
            "Mark attendance from a video-conferencing participant export (CSV with an email column; organisers)"
        ),
        request={"multipart/form-data": out.AttendanceFileInput},
        responses=out.AttendanceResult,
        tags=["events"],
    )
    def post(self, request: Request, pk: int) -> Response:
        view = organised_event(request, pk)
        data = _valid(out.AttendanceFileInput, request.data)
        upload = data["file"]
        if upload.size > attendance.MAX_BYTES:
            raise exceptions.ValidationError({"file": [_("The file is larger than 5 MB.")]})
        try:
            participants = attendance.read_participants(upload.read())
        except attendance.AttendanceFileError as error:
            raise exceptions.ValidationError({"file": [str(error)]}) from error
        with refused_as_400():
            result = event_services.attendance_import(
                actor=request.user, event=view.event, participants=participants
            )
        return Response(
            {
                "marked": result.marked,
                "not_registered": result.not_registered[:200],
                "rows": result.rows,
                "without_email": result.without_email,
            }
        )


class InsightsView(APIView):
    @extend_schema(
        operation_id="communities_insights",
        summary=gettext_lazy("Participation levels, network summary and health, as the convenors see them"),
        responses=out.InsightsSerializer,
        tags=["insights"],
    )
    def get(self, request: Request, slug: str) -> Response:
        view = run_by(request, slug, insight_policy.can_see_insights)
        latest = insight_selectors.latest(view.community)
        rows, _flows, stories = insight_selectors.value_matrix(view.community)

        def part(snapshot: Any, keys: tuple[str, ...] | None = None) -> dict[str, Any] | None:
            if snapshot is None:
                return None
            data = snapshot.data if keys is None else {key: snapshot.data.get(key) for key in keys}
            return {"as_of": snapshot.as_of, "window_days": snapshot.window_days, "figures": data}

        return Response(
            {
                "levels": part(latest.levels),
                "network": part(latest.network),
                "health": part(latest.health),
                "value": {
                    "stories": stories,
                    "cycles": [
                        {
                            "cycle": row.cycle,
                            "name": row.name,
                            "verified": row.verified,
                            "aspirational": row.aspirational,
                            "indicators": [
                                {
                                    "name": indicator.name,
                                    "latest": None
                                    if newest is None
                                    else str(newest.value)
                                    if newest.value is not None
                                    else newest.note,
                                    "previous": None
                                    if earlier is None
                                    else str(earlier.value)
                                    if earlier.value is not None
                                    else earlier.note,
                                }
                                for indicator, newest, earlier in row.indicators
                            ],
                        }
                        for row in rows
                    ],
                },
            }
        )
