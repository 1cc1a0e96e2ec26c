from django.urls import path

from catchment.discussions import views

app_name = "discussions"

urlpatterns = [
    path("<slug:slug>/topics/", views.topics, name="topics"),
    path("<slug:slug>/topics/new/", views.topic_new, name="topic_new"),
    path("<slug:slug>/topics/<int:pk>/", views.topic, name="topic"),
    path("<slug:slug>/topics/<int:pk>/reply/", views.reply, name="reply"),
    path("<slug:slug>/topics/<int:pk>/accept/", views.accept, name="accept"),
    path("<slug:slug>/topics/<int:pk>/moderate/", views.topic_moderate, name="topic_moderate"),
    path("<slug:slug>/topics/<int:pk>/move/", views.topic_move, name="topic_move"),
    path("<slug:slug>/topics/<int:pk>/posts/<int:post>/edit/", views.post_edit, name="post_edit"),
    path("<slug:slug>/topics/<int:pk>/posts/<int:post>/history/", views.post_history, name="post_history"),
    path("<slug:slug>/topics/<int:pk>/posts/<int:post>/moderate/", views.post_moderate, name="post_moderate"),
    path("<slug:slug>/topics/<int:pk>/posts/<int:post>/flag/", views.flag, name="flag"),
    path("<slug:slug>/topics/<int:pk>/posts/<int:post>/react/", views.react, name="react"),
    path("<slug:slug>/topics/<int:pk>/attachments/<int:attachment>/", views.attachment, name="attachment"),
    path("<slug:slug>/moderation/", views.moderation_log, name="moderation_log"),
    path("<slug:slug>/moderation/queue/", views.review_queue, name="review_queue"),
    path("<slug:slug>/moderation/queue/<int:post>/", views.resolve, name="resolve"),
]
