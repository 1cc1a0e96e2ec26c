from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "catchment.insights"
    label = "insights"
    verbose_name = _("Insights")

    def ready(self) -> None:
        # Register the computation task with the queue, and count sign-ins as visits in the log.
        from catchment.insights import services, signals  # noqa: F401
