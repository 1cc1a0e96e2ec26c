from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewslettersConfig(AppConfig):
    name = "catchment.newsletters"
    label = "newsletters"
    verbose_name = _("Newsletters")

    def ready(self) -> None:
        # Register the delivery task with the queue when a worker starts.
        from catchment.newsletters import services  # noqa: F401
