"""HTTP in and out for the home page, directory, profiles, organisations and the language switcher."""

from __future__ import annotations

import math
import time
from typing import TypeVar, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_countries import countries

from catchment.accounts import erasure, export, selectors, services
from catchment.accounts.forms import (
    AccountDeleteForm,
    DirectoryFilterForm,
    LanguageForm,
    OrganisationAdminForm,
    OrganisationForm,
    ProfileForm,
)
from catchment.accounts.languages import spoken_language_name
from catchment.accounts.models import OrganisationType, User
from catchment.accounts.permissions import (
    can_edit_organisation,
    can_verify_organisation,
    check_edit_organisation,
)
from catchment.core import audit
from catchment.core.csvfiles import csv_response
from catchment.core.paging import page_number, query_text
from catchment.core.views import posted, serve_picture
from catchment.core.worldmap import render_choropleth

DIRECTORY_PAGE_SIZE = 24


def _directory_filters(request: HttpRequest) -> tuple[DirectoryFilterForm, selectors.DirectoryFilters]:
    themes = list(selectors.active_themes())
    form = DirectoryFilterForm(request.GET or None, themes=themes)
    if form.is_bound:
        form.is_valid()
    return form, form.filters()


@require_safe
def directory(request: HttpRequest) -> HttpResponse:
    form, filters = _directory_filters(request)
    profiles = selectors.directory_profiles(request.user, filters)
    page = Paginator(profiles, DIRECTORY_PAGE_SIZE).get_page(page_number(request))
    by_country = selectors.country_counts(profiles)
    country_rows = sorted(
        ((code, countries.name(code), count) for code, count in by_country.items()),
        key=lambda row: (-row[2], row[1]),
    )
    return render(
        request,
        "accounts/directory.html",
        {
            "form": form,
            "page": page,
            "country_rows": country_rows,
            "country_total": len(country_rows),
            "query_string": request.GET.urlencode(),
        },
    )


@require_safe
@cache_control(max_age=300, private=True)
def directory_map(request: HttpRequest) -> HttpResponse:
    _form, filters = _directory_filters(request)
    counts = selectors.country_counts(selectors.directory_profiles(request.user, filters))
    svg = render_choropleth(
        counts,
        title=_("Members per country"),
        label_for={code: str(name) for code, name in countries},
        legend_labels=(_("none"), _("most:")),
    )
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


@require_safe
def directory_countries_csv(request: HttpRequest) -> HttpResponse:
    _form, filters = _directory_filters(request)
    counts = selectors.country_counts(selectors.directory_profiles(request.user, filters))
    return csv_response(
        "members-per-country.csv",
        ["country_code", "country", "members"],
        (
            [code, countries.name(code), count]
            for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        ),
    )


@require_safe
def profile_detail(request: HttpRequest, username: str) -> HttpResponse:
    profile = selectors.profile_for_viewer(request.user, username)
    languages = [spoken_language_name(code) for code in profile.language_codes]
    return render(
        request,
        "accounts/profile_detail.html",
        {"profile": profile, "languages": languages, "is_own": request.user.pk == profile.user_id},
    )


@require_safe
def profile_avatar(request: HttpRequest, username: str) -> FileResponse:
    profile = selectors.profile_for_viewer(request.user, username)
    return serve_picture(profile.avatar)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    # Accounts made outside the sign-up form (createsuperuser, the admin) get their profile here.
    services.profile_ensure(user=request.user)  # type: ignore[arg-type]
    profile = selectors.own_profile(request.user)  # type: ignore[arg-type]
    user = profile.user
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES)
        if form.is_valid():
            services.profile_update(actor=request.user, profile=profile, changes=form.to_changes())
            translation.activate(user.language or translation.get_language())
            messages.success(request, _("Your profile has been saved."))
            return redirect("accounts:profile", username=user.username)
        messages.error(request, _("Please correct the errors below; nothing has been saved yet."))
    else:
        form = ProfileForm(
            initial={
                "display_name": user.display_name,
                "position": profile.position,
                "organisation": profile.organisation,
                "country": profile.country.code if profile.country else "",
                "stakeholder_group": profile.stakeholder_group,
                "themes": list(profile.themes.all()),
                "languages": profile.language_codes,
                "bio": profile.bio,
                "visibility": profile.visibility,
                "timezone": user.timezone,
                "language": user.language or translation.get_language(),
            }
        )
    return render(request, "accounts/profile_edit.html", {"form": form, "profile": profile})


@require_safe
def organisation_list(request: HttpRequest) -> HttpResponse:
    query = query_text(request, "q", 100)
    type_filter = request.GET.get("type", "")
    if type_filter not in OrganisationType.values:
        type_filter = ""
    organisations = selectors.organisation_list(query=query, type=type_filter)
    page = Paginator(organisations, 30).get_page(page_number(request))
    return render(
        request,
        "accounts/organisation_list.html",
        {"page": page, "query": query, "type_filter": type_filter, "types": OrganisationType.choices},
    )


@require_safe
def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.organisation_by_slug(slug)
    members = Paginator(selectors.organisation_members(request.user, organisation), 48).get_page(
        page_number(request)
    )
    return render(
        request,
        "accounts/organisation_detail.html",
        {
            "organisation": organisation,
            "members": members,
            "can_edit": can_edit_organisation(request.user, organisation),
            "can_verify": can_verify_organisation(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def organisation_create(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(posted(request))
    if request.method == "POST" and form.is_valid():
        organisation = services.organisation_create(actor=request.user, changes=form.to_changes())
        messages.success(request, _("The organisation has been added. Hub staff will verify it."))
        return redirect("accounts:organisation", slug=organisation.slug)
    return render(request, "accounts/organisation_form.html", {"form": form, "organisation": None})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def organisation_edit(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.organisation_by_slug(slug)
    check_edit_organisation(request.user, organisation)
    if request.method == "POST":
        form = OrganisationForm(request.POST, instance_pk=organisation.pk)
        if form.is_valid():
            services.organisation_update(
                actor=request.user, organisation=organisation, changes=form.to_changes()
            )
            messages.success(request, _("The organisation has been saved."))
            return redirect("accounts:organisation", slug=organisation.slug)
    else:
        form = OrganisationForm(
            initial={
                "name": organisation.name,
                "type": organisation.type,
                "country": organisation.country.code if organisation.country else "",
                "website": organisation.website,
                "description": organisation.description,
            },
            instance_pk=organisation.pk,
        )
    return render(
        request,
        "accounts/organisation_form.html",
        {
            "form": form,
            "organisation": organisation,
            "admins": selectors.organisation_admins(organisation),
            "admin_form": OrganisationAdminForm(),
        },
    )


@login_required
@require_POST
def organisation_admin_add(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.organisation_by_slug(slug)
    check_edit_organisation(request.user, organisation)
    form = OrganisationAdminForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a valid email address."))
    else:
        try:
            added = services.organisation_add_admin(
                actor=request.user, organisation=organisation, email=form.cleaned_data["email"]
            )
        except services.OrganisationAdminError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("%(name)s is now an admin.") % {"name": added.display_name})
    return redirect("accounts:organisation_edit", slug=organisation.slug)


@login_required
@require_POST
def organisation_admin_remove(request: HttpRequest, slug: str, username: str) -> HttpResponse:
    organisation = selectors.organisation_by_slug(slug)
    check_edit_organisation(request.user, organisation)
    admin = selectors.organisation_admins(organisation).filter(username=username).first()
    if admin is None:
        raise Http404
    try:
        services.organisation_remove_admin(actor=request.user, organisation=organisation, user=admin)
    except services.OrganisationAdminError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(name)s is no longer an admin.") % {"name": admin.display_name})
    return redirect("accounts:organisation_edit", slug=organisation.slug)


@login_required
@require_POST
def organisation_verify(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.organisation_by_slug(slug)
    if not can_verify_organisation(request.user):
        raise Http404
    verified = request.POST.get("verified") == "1"
    services.organisation_set_verified(actor=request.user, organisation=organisation, verified=verified)
    messages.success(request, _("Verified.") if verified else _("No longer verified."))
    return redirect("accounts:organisation", slug=organisation.slug)


def _safe_next(request: HttpRequest, candidate: str) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("home")


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; remembered in a cookie, and on the account when signed in."""
    form = LanguageForm(request.POST)
    next_url = _safe_next(request, request.POST.get("next", ""))
    if not form.is_valid():
        messages.error(
            request, _("That language is not available. Choose English, Spanish, French or Russian.")
        )
        return HttpResponseRedirect(next_url)
    language = form.cleaned_data["language"]
    services.user_set_language(actor=request.user, language=language)
    translation.activate(language)
    response = HttpResponseRedirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=getattr(settings, "LANGUAGE_COOKIE_SECURE", False),
        httponly=True,
    )
    return response


# An archive is made at most once per this many seconds per account (it reads every table about the person).
DATA_EXPORT_INTERVAL_SECONDS = 300
# Wrong confirmations of "delete my account" allowed per account in DELETE_WINDOW_SECONDS.
DELETE_ATTEMPTS = 5
DELETE_WINDOW_SECONDS = 300


def _export_key(user_pk: int) -> str:
    return f"data-export:{user_pk}"


def _export_wait(user_pk: int) -> int:
    """Seconds before this account may make another archive (0: now, and the slot is taken)."""
    key = _export_key(user_pk)
    interval = int(getattr(settings, "DATA_EXPORT_INTERVAL_SECONDS", DATA_EXPORT_INTERVAL_SECONDS))
    if cache.add(key, time.time() + interval, interval):
        return 0
    until = cache.get(key) or time.time() + interval
    return max(1, math.ceil(until - time.time()))


R = TypeVar("R", bound=HttpResponseBase)


def _no_store(response: R) -> R:
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def data_export(request: HttpRequest) -> HttpResponseBase:
    """Download everything the hub holds about the signed-in person (GDPR Art. 15/20) as a zip."""
    user = cast(User, request.user)
    if request.method == "POST":
        wait = _export_wait(user.pk)
        if wait:
            response = render(
                request,
                "accounts/data_export.html",
                {"wait_minutes": max(1, math.ceil(wait / 60))},
                status=429,
            )
            response["Retry-After"] = str(wait)
            audit.event("ratelimit.hit", outcome="refused", retry_after=wait)
            return _no_store(response)
        filename = export.archive_name(user)
        try:
            archive = export.build_archive(user)
        except BaseException:
            cache.delete(_export_key(user.pk))  # the slot was not used: the person may try again at once
            raise
        download = FileResponse(
            archive, as_attachment=True, filename=filename, content_type="application/zip"
        )
        return _no_store(download)
    return _no_store(render(request, "accounts/data_export.html", {}))


def _delete_failures_key(user_pk: int) -> str:
    return f"account-delete-failures:{user_pk}"


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    """Erase the signed-in person's account after they confirm (GDPR Art. 17)."""
    user = cast(User, request.user)
    handover = erasure.communities_needing_handover(user)
    form = AccountDeleteForm(user, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        failures_key = _delete_failures_key(user.pk)
        if (cache.get(failures_key) or 0) >= DELETE_ATTEMPTS:
            response = render(request, "429.html", status=429)
            response["Retry-After"] = str(DELETE_WINDOW_SECONDS)
            audit.event("ratelimit.hit", outcome="refused", retry_after=DELETE_WINDOW_SECONDS)
            return _no_store(response)
        if form.is_valid():
            try:
                erasure.account_erase(actor=user, user=user)
            except erasure.ErasureRefused as error:
                messages.error(request, str(error))
            else:
                logout(request)
                messages.success(
                    request,
                    _("Your account has been deleted. Your contributions stay, shown as by a former member."),
                )
                return redirect("home")
        else:
            if not cache.add(failures_key, 1, DELETE_WINDOW_SECONDS):
                try:
                    cache.incr(failures_key)
                except ValueError:  # expired in between
                    cache.add(failures_key, 1, DELETE_WINDOW_SECONDS)
    return _no_store(render(request, "accounts/account_delete.html", {"form": form, "handover": handover}))
