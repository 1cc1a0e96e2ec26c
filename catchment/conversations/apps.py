from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConversationsConfig(AppConfig):
    name = "catchment.conversations"
    label = "conversations"
    verbose_name = _("Private messages")

    def ready(self) -> None:
        # Register the background tasks (report mail) with the queue when a worker starts.
        from catchment.conversations import services  # noqa: F401
