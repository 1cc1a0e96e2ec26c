from django.urls import path

from catchment.conversations import views

app_name = "conversations"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("new/", views.start, name="start"),
    path("settings/", views.messaging_settings, name="settings"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/reply/", views.reply, name="reply"),
    path("<int:pk>/read/", views.mark_read, name="mark_read"),
    path("<int:pk>/people/", views.add_people, name="add_people"),
    path("<int:pk>/leave/", views.leave, name="leave"),
    path("<int:pk>/mute/", views.mute, name="mute"),
    path("<int:pk>/messages/<int:message>/report/", views.report, name="report"),
    path("block/<slug:username>/", views.block, name="block"),
    path("unblock/<slug:username>/", views.unblock, name="unblock"),
    path("reports/", views.reports, name="reports"),
    path("reports/<int:message>/", views.resolve, name="resolve"),
    path("reports/<int:message>/restore/", views.restore, name="restore"),
]
