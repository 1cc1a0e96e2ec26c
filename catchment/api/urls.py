from django.urls import path, register_converter
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerView

from catchment.api import convening, views, web


class IdConverter:
    """An id the database can hold: at most 18 digits, so a 30-digit id is a 404, not an overflow."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")

app_name = "api"

urlpatterns = [
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="schema"),
    path("docs/", web.guide, name="docs"),
    path(
        "docs/explorer/",
        SpectacularSwaggerView.as_view(url_name="api:schema", template_name="api/explorer.html"),
        name="explorer",
    ),
    path("me/", views.MeView.as_view(), name="me"),
    path("tokens/", views.TokenListView.as_view(), name="tokens"),
    path("tokens/<id:pk>/", views.TokenDetailView.as_view(), name="token"),
    path("communities/", views.CommunityListView.as_view(), name="communities"),
    path("communities/<slug:slug>/", views.CommunityDetailView.as_view(), name="community"),
    path("communities/<slug:slug>/join/", views.JoinView.as_view(), name="join"),
    path("communities/<slug:slug>/requests/", views.JoinRequestView.as_view(), name="join_request"),
    path("communities/<slug:slug>/membership/", views.MembershipView.as_view(), name="membership"),
    path("communities/<slug:slug>/members/", views.MemberListView.as_view(), name="members"),
    path("communities/<slug:slug>/members/<slug:username>/", views.MemberRoleView.as_view(), name="member"),
    path("communities/<slug:slug>/charter/", views.CharterView.as_view(), name="charter"),
    path(
        "communities/<slug:slug>/charter/versions/",
        views.CharterVersionListView.as_view(),
        name="charter_versions",
    ),
    path(
        "communities/<slug:slug>/charter/versions/<id:number>/",
        views.CharterVersionView.as_view(),
        name="charter_version",
    ),
    path("communities/<slug:slug>/requests/pending/", convening.RequestListView.as_view(), name="requests"),
    path(
        "communities/<slug:slug>/requests/<id:pk>/decision/",
        convening.RequestDecisionView.as_view(),
        name="request_decision",
    ),
    path("communities/<slug:slug>/invitations/", convening.InvitationListView.as_view(), name="invitations"),
    path("communities/<slug:slug>/members.csv", convening.MembersExportView.as_view(), name="members_csv"),
    path("communities/<slug:slug>/archive.json", convening.ArchiveView.as_view(), name="archive"),
    path("communities/<slug:slug>/insights/", convening.InsightsView.as_view(), name="insights"),
    path("communities/<slug:slug>/topics/", views.TopicListView.as_view(), name="topics"),
    path("communities/<slug:slug>/topics/<id:topic>/posts/", views.PostListView.as_view(), name="posts"),
    path(
        "communities/<slug:slug>/topics/<id:topic>/posts/<id:pk>/reactions/",
        views.ReactionView.as_view(),
        name="reactions",
    ),
    path(
        "communities/<slug:slug>/topics/<id:topic>/posts/<id:pk>/flags/",
        views.FlagView.as_view(),
        name="flags",
    ),
    path("communities/<slug:slug>/webhooks/", views.WebhookListView.as_view(), name="webhooks"),
    path("communities/<slug:slug>/webhooks/<id:pk>/", views.WebhookDetailView.as_view(), name="webhook"),
    path(
        "communities/<slug:slug>/webhooks/<id:pk>/ping/",
        views.WebhookPingView.as_view(),
        name="webhook_ping",
    ),
    path(
        "communities/<slug:slug>/webhooks/<id:pk>/deliveries/",
        views.DeliveryListView.as_view(),
        name="webhook_deliveries",
    ),
    path("events/", views.EventListView.as_view(), name="events"),
    path("events/<id:pk>/", views.EventDetailView.as_view(), name="event"),
    path("events/<id:pk>/registration/", views.RegistrationView.as_view(), name="registration"),
    path("events/<id:pk>/registrations/", views.AttendeeListView.as_view(), name="registrations"),
    path(
        "events/<id:pk>/registrations.csv",
        convening.RegistrationsExportView.as_view(),
        name="registrations_csv",
    ),
    path("events/<id:pk>/attendance/", convening.AttendanceImportView.as_view(), name="attendance"),
    path("events/<id:pk>/cafe/", views.CafeView.as_view(), name="cafe"),
    path(
        "events/<id:pk>/cafe/tables/<id:table>/rounds/<id:round_no>/harvest/",
        views.HarvestView.as_view(),
        name="harvest",
    ),
    path("alliances/", views.AllianceListView.as_view(), name="alliances"),
    path("alliances/<slug:slug>/", views.AllianceView.as_view(), name="alliance"),
    path("alliances/<slug:slug>/stakeholders/", views.StakeholderListView.as_view(), name="stakeholders"),
    path("organisations/", views.OrganisationListView.as_view(), name="organisations"),
    path("organisations/<slug:slug>/", views.OrganisationView.as_view(), name="organisation"),
    path("resources/", views.ResourceListView.as_view(), name="resources"),
    path("resources/<id:pk>/", views.ResourceDetailView.as_view(), name="resource"),
    path("people/", views.PeopleListView.as_view(), name="people"),
    path("people/<slug:username>/", views.PersonView.as_view(), name="person"),
    path("notifications/", views.NotificationListView.as_view(), name="notifications"),
    path("notifications/read/", views.NotificationReadView.as_view(), name="notifications_read"),
    path("search/", views.SearchView.as_view(), name="search"),
]
