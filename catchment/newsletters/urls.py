from django.urls import path

from catchment.newsletters import views

app_name = "newsletters"

urlpatterns = [
    path("newsletters/", views.hub_list, name="hub_list"),
    path("newsletters/new/", views.hub_new, name="hub_new"),
    path("newsletters/preferences/", views.preferences, name="preferences"),
    path("newsletters/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("newsletters/<int:pk>/", views.detail, name="detail"),
    path("newsletters/<int:pk>/edit/", views.edit, name="edit"),
    path("newsletters/<int:pk>/test/", views.test, name="test"),
    path("newsletters/<int:pk>/send/", views.send, name="send"),
    path("newsletters/<int:pk>/retry/", views.retry, name="retry"),
    path("newsletters/<int:pk>/read/", views.read, name="read"),
    path("communities/<slug:slug>/newsletters/", views.community_list, name="community_list"),
    path("communities/<slug:slug>/newsletters/new/", views.community_new, name="community_new"),
]
