from django.urls import path

from catchment.events import views

app_name = "events"

urlpatterns = [
    path("events/", views.event_list, name="list"),
    path("events/new/", views.event_new, name="new"),
    path("events/mine/", views.mine, name="mine"),
    path("events/calendar.ics", views.hub_feed, name="hub_feed"),
    path("events/feed/<str:token>.ics", views.user_feed, name="user_feed"),
    path("events/<int:pk>/", views.detail, name="detail"),
    path("events/<int:pk>/event.ics", views.event_ics, name="ics"),
    path("events/<int:pk>/edit/", views.edit, name="edit"),
    path("events/<int:pk>/cancel/", views.cancel_event, name="cancel"),
    path("events/<int:pk>/register/", views.register, name="register"),
    path("events/<int:pk>/unregister/", views.unregister, name="unregister"),
    path("events/<int:pk>/registrations/", views.registrations, name="registrations"),
    path("events/<int:pk>/registrations.csv", views.registrations_csv, name="registrations_csv"),
    path("events/<int:pk>/cafe/", views.cafe, name="cafe"),
    path("events/<int:pk>/cafe/setup/", views.cafe_setup, name="cafe_setup"),
    path("events/<int:pk>/cafe/seat/", views.cafe_seat, name="cafe_seat"),
    path("events/<int:pk>/cafe/cards/", views.cafe_cards, name="cafe_cards"),
    path("events/<int:pk>/cafe/tables/<int:table>/rounds/<int:round_no>/", views.harvest, name="harvest"),
    path("events/<int:pk>/cafe/synthesis/", views.synthesis, name="synthesis"),
    path("communities/<slug:slug>/events/", views.community_events, name="community"),
    path("communities/<slug:slug>/events/new/", views.community_event_new, name="community_new"),
    path("communities/<slug:slug>/events.ics", views.community_feed, name="community_feed"),
]
