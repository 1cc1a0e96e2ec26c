from django.urls import path

from catchment.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/", views.notification_open, name="open"),
    path("read/", views.read_all, name="read_all"),
    path("topics/<int:pk>/level/", views.topic_level, name="topic_level"),
    path("communities/<slug:slug>/level/", views.community_level, name="community_level"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("settings/", views.notification_settings, name="settings"),
    path("digest/unsubscribe/<str:token>/", views.digest_unsubscribe, name="digest_unsubscribe"),
]
