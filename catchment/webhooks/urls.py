from django.urls import path

from catchment.webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("communities/<slug:slug>/webhooks/", views.endpoints, name="list"),
    path("communities/<slug:slug>/webhooks/<int:pk>/", views.detail, name="detail"),
    path(
        "communities/<slug:slug>/webhooks/<int:pk>/<str:action>/",
        views.act,
        name="act",
    ),
]
