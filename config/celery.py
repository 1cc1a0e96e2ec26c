"""The Celery application, used only when CELERY_BROKER_URL (or REDIS_URL) is set."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("catchment")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Run `celery -A config beat` beside the workers; without Celery, cron runs
# `manage.py send_digests --frequency daily|weekly` and `manage.py send_event_reminders`
# and `manage.py send_webhooks` instead
# (docs/operations.md).
DIGESTS = "catchment.notifications.digests.send_digests"
app.conf.beat_schedule = {
    "daily-digest": {"task": DIGESTS, "schedule": crontab(hour=6, minute=0), "args": ("daily",)},
    "weekly-digest": {
        "task": DIGESTS,
        "schedule": crontab(hour=6, minute=0, day_of_week="mon"),
        "args": ("weekly",),
    },
    "event-reminders": {
        "task": "catchment.events.services.send_reminders",
        "schedule": crontab(minute="*/15"),
    },
    "insights": {"task": "catchment.insights.services.compute_all", "schedule": crontab(hour=2, minute=30)},
    "webhook-retries": {"task": "catchment.webhooks.services.deliver_due", "schedule": crontab(minute="*")},
    "mail-retries": {"task": "catchment.core.mail.deliver_due_mail", "schedule": crontab(minute="*")},
    "notification-mail-sweep": {
        "task": "catchment.notifications.services.send_due_notification_emails",
        "schedule": crontab(minute="*"),
    },
}
