from django.contrib import admin

from catchment.discussions.models import ModerationAction, Post, Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("title", "community", "kind", "status", "reply_count", "last_posted_at")
    list_filter = ("kind", "status", "is_pinned", "is_locked")
    search_fields = ("title",)
    raw_id_fields = ("author", "accepted_post", "community")


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ("topic", "number", "author", "status", "created_at")
    list_filter = ("status",)
    raw_id_fields = ("topic", "author", "reply_to", "moderated_by")


@admin.register(ModerationAction)
class ModerationActionAdmin(admin.ModelAdmin):
    list_display = ("created_at", "community", "actor", "verb", "topic", "reason")
    list_filter = ("verb",)
    raw_id_fields = ("community", "actor", "topic", "post")
