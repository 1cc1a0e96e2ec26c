from django.urls import path

from catchment.communities import views

app_name = "communities"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("new/", views.create, name="create"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/join/", views.join, name="join"),
    path("<slug:slug>/request/", views.request_to_join, name="request"),
    path("<slug:slug>/leave/", views.leave, name="leave"),
    path("<slug:slug>/requests/<int:pk>/", views.decide, name="decide"),
    path("<slug:slug>/stage/", views.change_stage, name="stage"),
    path("<slug:slug>/members/<slug:username>/role/", views.member_role, name="member_role"),
    path("<slug:slug>/members/<slug:username>/remove/", views.member_remove, name="member_remove"),
    path("<slug:slug>/members/<slug:username>/hand-over/", views.hand_over, name="hand_over"),
    path("<slug:slug>/charter/", views.charter, name="charter"),
    path("<slug:slug>/charter/edit/", views.charter_edit, name="charter_edit"),
]
