from django.urls import path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerView

from catchment.api import views, web

app_name = "api"

urlpatterns = [
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="schema"),
    path("docs/", web.guide, name="docs"),
    path("docs/explorer/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="explorer"),
    path("me/", views.MeView.as_view(), name="me"),
    path("tokens/", views.TokenListView.as_view(), name="tokens"),
    path("tokens/<int:pk>/", views.TokenDetailView.as_view(), name="token"),
    path("communities/", views.CommunityListView.as_view(), name="communities"),
    path("communities/<slug:slug>/", views.CommunityDetailView.as_view(), name="community"),
    path("communities/<slug:slug>/join/", views.JoinView.as_view(), name="join"),
    path("communities/<slug:slug>/requests/", views.JoinRequestView.as_view(), name="join_request"),
    path("communities/<slug:slug>/membership/", views.MembershipView.as_view(), name="membership"),
    path("communities/<slug:slug>/members/", views.MemberListView.as_view(), name="members"),
    path("communities/<slug:slug>/members/<slug:username>/", views.MemberRoleView.as_view(), name="member"),
    path("communities/<slug:slug>/topics/", views.TopicListView.as_view(), name="topics"),
    path("communities/<slug:slug>/topics/<int:topic>/posts/", views.PostListView.as_view(), name="posts"),
    path(
        "communities/<slug:slug>/topics/<int:topic>/posts/<int:pk>/reactions/",
        views.ReactionView.as_view(),
        name="reactions",
    ),
    path(
        "communities/<slug:slug>/topics/<int:topic>/posts/<int:pk>/flags/",
        views.FlagView.as_view(),
        name="flags",
    ),
    path("communities/<slug:slug>/webhooks/", views.WebhookListView.as_view(), name="webhooks"),
    path("communities/<slug:slug>/webhooks/<int:pk>/", views.WebhookDetailView.as_view(), name="webhook"),
    path(
        "communities/<slug:slug>/webhooks/<int:pk>/ping/",
        views.WebhookPingView.as_view(),
        name="webhook_ping",
    ),
    path(
        "communities/<slug:slug>/webhooks/<int:pk>/deliveries/",
        views.DeliveryListView.as_view(),
        name="webhook_deliveries",
    ),
    path("events/", views.EventListView.as_view(), name="events"),
    path("events/<int:pk>/", views.EventDetailView.as_view(), name="event"),
    path("events/<int:pk>/registration/", views.RegistrationView.as_view(), name="registration"),
    path("events/<int:pk>/registrations/", views.AttendeeListView.as_view(), name="registrations"),
    path("resources/", views.ResourceListView.as_view(), name="resources"),
    path("resources/<int:pk>/", views.ResourceDetailView.as_view(), name="resource"),
    path("people/", views.PeopleListView.as_view(), name="people"),
    path("people/<slug:username>/", views.PersonView.as_view(), name="person"),
    path("notifications/", views.NotificationListView.as_view(), name="notifications"),
    path("notifications/read/", views.NotificationReadView.as_view(), name="notifications_read"),
    path("search/", views.SearchView.as_view(), name="search"),
]
