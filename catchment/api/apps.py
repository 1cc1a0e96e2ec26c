from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "catchment.api"
    label = "api"
    verbose_name = _("API")

    def ready(self) -> None:
        # The schema extensions register themselves with drf-spectacular when their module is imported.
        from catchment.api import schema  # noqa: F401
