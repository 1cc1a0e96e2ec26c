from django.urls import path

from catchment.library import views

app_name = "library"

urlpatterns = [
    path("library/", views.hub_library, name="list"),
    path("library/new/", views.hub_new, name="new"),
    path("library/<int:pk>/", views.detail, name="detail"),
    path("library/<int:pk>/edit/", views.edit, name="edit"),
    path("library/<int:pk>/download/", views.download, name="download"),
    path("library/<int:pk>/cover/", views.cover, name="cover"),
    path("library/<int:pk>/moderate/", views.moderate, name="moderate"),
    path("communities/<slug:slug>/library/", views.community_library, name="community"),
    path("communities/<slug:slug>/library/new/", views.community_new, name="community_new"),
]
