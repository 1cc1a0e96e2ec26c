from django.urls import path

from catchment.accounts import views

app_name = "accounts"

urlpatterns = [
    path("members/", views.directory, name="directory"),
    path("members/map.svg", views.directory_map, name="directory_map"),
    path("members/countries.csv", views.directory_countries_csv, name="directory_countries_csv"),
    path("members/<slug:username>/", views.profile_detail, name="profile"),
    path("members/<slug:username>/picture", views.profile_avatar, name="avatar"),
    path("me/profile/", views.profile_edit, name="profile_edit"),
    path("me/data/", views.data_export, name="data_export"),
    path("me/delete/", views.account_delete, name="account_delete"),
    path("organisations/", views.organisation_list, name="organisations"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation"),
    path("organisations/<slug:slug>/edit/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<slug:slug>/admins/", views.organisation_admin_add, name="organisation_admin_add"),
    path(
        "organisations/<slug:slug>/admins/<slug:username>/remove/",
        views.organisation_admin_remove,
        name="organisation_admin_remove",
    ),
    path("organisations/<slug:slug>/verify/", views.organisation_verify, name="organisation_verify"),
]
