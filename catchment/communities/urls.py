from django.urls import path

from catchment.communities import views

app_name = "communities"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("new/", views.create, name="create"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/settings/", views.community_settings, name="settings"),
    path("<slug:slug>/cover.jpg", views.cover, name="cover"),
    path("<slug:slug>/join/", views.join, name="join"),
    path("<slug:slug>/request/", views.request_to_join, name="request"),
    path("<slug:slug>/leave/", views.leave, name="leave"),
    path("<slug:slug>/conduct/", views.conduct, name="conduct"),
    path("<slug:slug>/requests/<int:pk>/", views.decide, name="decide"),
    path("<slug:slug>/invitations/", views.invitations, name="invitations"),
    path("<slug:slug>/invitations/<int:pk>/withdraw/", views.invitation_withdraw, name="invitation_withdraw"),
    path("<slug:slug>/stage/", views.change_stage, name="stage"),
    path("<slug:slug>/members/", views.members, name="members"),
    path("<slug:slug>/members/<slug:username>/role/", views.member_role, name="member_role"),
    path("<slug:slug>/members/<slug:username>/remove/", views.member_remove, name="member_remove"),
    path("<slug:slug>/members/<slug:username>/hand-over/", views.hand_over, name="hand_over"),
    path("<slug:slug>/charter/", views.charter, name="charter"),
    path("<slug:slug>/charter/edit/", views.charter_edit, name="charter_edit"),
    path("<slug:slug>/charter/approve/", views.charter_approve, name="charter_approve"),
    path("<slug:slug>/charter.md", views.charter_markdown, name="charter_markdown"),
    path("<slug:slug>/charter.docx", views.charter_docx, name="charter_docx"),
    path("<slug:slug>/consultation/", views.consultation, name="consultation"),
    path("<slug:slug>/resources/", views.sheet, {"kind": "resources"}, name="resources"),
    path("<slug:slug>/resources/<int:pk>/", views.sheet_item, {"kind": "resources"}, name="resource_edit"),
    path(
        "<slug:slug>/resources/<int:pk>/delete/",
        views.sheet_item_delete,
        {"kind": "resources"},
        name="resource_delete",
    ),
    path("<slug:slug>/activities/", views.sheet, {"kind": "activities"}, name="activities"),
    path("<slug:slug>/activities.csv", views.activities_csv, name="activities_csv"),
    path("<slug:slug>/activities/<int:pk>/", views.sheet_item, {"kind": "activities"}, name="activity_edit"),
    path(
        "<slug:slug>/activities/<int:pk>/delete/",
        views.sheet_item_delete,
        {"kind": "activities"},
        name="activity_delete",
    ),
    path("<slug:slug>/follow-up/", views.sheet, {"kind": "milestones"}, name="milestones"),
    path("<slug:slug>/follow-up/<int:pk>/", views.sheet_item, {"kind": "milestones"}, name="milestone_edit"),
    path(
        "<slug:slug>/follow-up/<int:pk>/delete/",
        views.sheet_item_delete,
        {"kind": "milestones"},
        name="milestone_delete",
    ),
]
