from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "catchment.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from catchment.search import signals  # noqa: F401  (keeps the index in step with the content)
