from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from catchment.accounts.models import Organisation, Profile, SpokenLanguage, Theme, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "email", "display_name", "is_staff", "is_active", "date_joined")
    search_fields = ("username", "email", "display_name")
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Preferences"), {"fields": ("display_name", "language", "timezone")}),
    )


class SpokenLanguageInline(admin.TabularInline):
    model = SpokenLanguage
    extra = 0


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "country", "stakeholder_group", "visibility")
    list_filter = ("stakeholder_group", "visibility")
    search_fields = ("user__display_name", "user__email", "organisation__name")
    list_select_related = ("user", "organisation")
    autocomplete_fields = ("user", "organisation")
    filter_horizontal = ("themes",)
    inlines = [SpokenLanguageInline]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    """Staff edit the hub-wide taxonomy here, naming each theme in the four interface languages."""

    list_display = ("name_en", "name_es", "name_fr", "name_ru", "position", "is_active")
    list_editable = ("position", "is_active")
    prepopulated_fields = {"slug": ("name_en",)}
    search_fields = ("name_en", "name_es", "name_fr", "name_ru")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "type", "country", "is_verified")
    list_filter = ("type", "is_verified")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("admins",)
