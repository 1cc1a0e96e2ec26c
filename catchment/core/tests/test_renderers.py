"""The form renderer: Jinja2 for our widgets, the Django engine for widgets that ship only Django templates."""

from django.contrib import admin
from django.test import Client

from catchment.core.renderers import FormRenderer


def test_admin_widgets_render_through_the_django_engine():
    html = FormRenderer().render(
        "admin/widgets/related_widget_wrapper.html", {"widget": {}, "rendered_widget": ""}
    )
    assert "related-widget-wrapper" in html


def test_an_admin_change_page_with_foreign_keys_renders(db):
    from catchment.accounts.tests.factories import ProfileFactory

    boss = ProfileFactory(user__is_staff=True, user__is_superuser=True).user
    profile = ProfileFactory()
    assert type(profile) in admin.site._registry
    client = Client()
    client.force_login(boss)
    response = client.get(f"/admin/accounts/profile/{profile.pk}/change/")
    assert response.status_code == 200
