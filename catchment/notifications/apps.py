from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "catchment.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # Register the background tasks (mail, digests) with the queue when a worker starts.
        from catchment.notifications import digests, services  # noqa: F401
