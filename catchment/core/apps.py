from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "catchment.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from catchment.core import audit, pagecache

        pagecache.connect()
        audit.connect()
