from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlliancesConfig(AppConfig):
    name = "catchment.alliances"
    label = "alliances"
    verbose_name = _("Learning alliances")
