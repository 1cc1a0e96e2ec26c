from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from catchment.core import bounds

# Before any of our models is defined: each TextField with a max_length gets its CHECK (core/bounds.py).
bounds.connect()


class CoreConfig(AppConfig):
    name = "catchment.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from catchment.core import audit, middleware, pagecache

        pagecache.connect()
        audit.connect()
        middleware.connect()
