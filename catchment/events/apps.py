from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "catchment.events"
    label = "events"
    verbose_name = _("Events")

    def ready(self) -> None:
        # Register the mail and reminder tasks with the queue when a worker starts.
        from catchment.events import services  # noqa: F401
