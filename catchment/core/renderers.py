"""The form renderer: Jinja2 for our widgets (fast), Django templates for widgets that ship only those."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.forms.renderers import DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist


class FormRenderer(Jinja2):
    """Jinja2, falling back to the Django engine for templates Jinja2 does not have: the admin's widgets
    (related-object wrappers, date and file widgets) exist only as Django templates, so without the fallback
    every admin change page with a foreign key fails."""

    @cached_property
    def fallback(self) -> DjangoTemplates:
        return DjangoTemplates()

    def get_template(self, template_name: str) -> Any:
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self.fallback.get_template(template_name)
