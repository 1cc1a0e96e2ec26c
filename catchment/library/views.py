"""HTTP in and out for the library: browsing, adding, editing, downloading and moderating resources."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from catchment.accounts.languages import SPOKEN_LANGUAGE_CODES
from catchment.communities import selectors as community_selectors
from catchment.communities.models import Community
from catchment.core import pagecache
from catchment.core.paging import page_number, query_text
from catchment.core.views import posted, serve_download, serve_picture
from catchment.library import permissions, selectors, services
from catchment.library.forms import LibraryFilterForm, ResourceForm
from catchment.library.models import Resource


def _filters(request: HttpRequest, years: list[int]) -> tuple[LibraryFilterForm, selectors.LibraryFilters]:
    form = LibraryFilterForm(request.GET or None, years=years)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        return form, selectors.LibraryFilters(
            kind=data["kind"],
            theme=data["theme"],
            language=data["language"],
            year=data["year"],
            featured=data["featured"],
            community=query_text(request, "community", 80),
        )
    return form, selectors.LibraryFilters()


def _list(
    request: HttpRequest,
    community: Community | None,
    context: dict[str, object],
    moderator: bool = False,
) -> HttpResponse:
    form, filters = _filters(request, selectors.years(request.user))
    page = Paginator(
        selectors.resources(request.user, filters, community=community, moderator=moderator),
        selectors.PER_PAGE,
    ).get_page(page_number(request))
    return render(
        request, "library/list.html", {**context, "form": form, "page": page, "community": community}
    )


@require_safe
@pagecache.cache_anonymous(pagecache.hub_scope)
def hub_library(request: HttpRequest) -> HttpResponse:
    return _list(
        request,
        None,
        {
            "can_add": permissions.can_add(request.user, None, None),
            "featured": selectors.featured(request.user),
        },
    )


@require_safe
def community_library(request: HttpRequest, slug: str) -> HttpResponse:
    view = community_selectors.community_for_viewer(request.user, slug)
    if not view.can_read:
        raise Http404
    moderator = permissions.can_moderate(request.user, view.community, view.membership)
    return _list(
        request,
        view.community,
        {"view": view, "can_add": permissions.can_add(request.user, view.community, view.membership)},
        moderator=moderator,
    )


def _save(
    request: HttpRequest, form: ResourceForm, community: Community | None, resource: Resource | None
) -> Resource | None:
    upload = request.FILES.get("file")
    cover = request.FILES.get("cover")
    try:
        if resource is None:
            return services.resource_create(
                actor=request.user, community=community, data=form.to_data(), upload=upload, cover=cover
            )
        return services.resource_update(
            actor=request.user, resource=resource, data=form.to_data(), upload=upload, cover=cover
        )
    except services.LibraryError as error:
        form.add_error(None, str(error))
        if request.FILES:
            form.add_error(None, _("Please choose your files again: they were not saved."))
    return None


def _compose(request: HttpRequest, community: Community | None, context: dict[str, object]) -> HttpResponse:
    language = (get_language() or "en")[:2]
    form = ResourceForm(
        posted(request),
        request.FILES if request.method == "POST" else None,
        initial={"language": language if language in SPOKEN_LANGUAGE_CODES else "en", "kind": "document"},
    )
    if request.method == "POST" and form.is_valid():
        created = _save(request, form, community, None)
        if created is not None:
            messages.success(request, _("The resource is in the library."))
            return redirect("library:detail", pk=created.pk)
    return render(
        request,
        "library/form.html",
        {**context, "form": form, "community": community, "resource": None},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def hub_new(request: HttpRequest) -> HttpResponse:
    if not permissions.can_add(request.user, None, None):
        raise Http404
    return _compose(request, None, {})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def community_new(request: HttpRequest, slug: str) -> HttpResponse:
    view = community_selectors.community_for_viewer(request.user, slug)
    if not view.can_read or not permissions.can_add(request.user, view.community, view.membership):
        raise Http404
    return _compose(request, view.community, {"view": view})


@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    view = selectors.resource_for_viewer(request.user, pk)
    return render(
        request,
        "library/detail.html",
        {
            "view": view,
            "resource": view.resource,
            "community": view.resource.community,
            "family": selectors.family(request.user, view.resource),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    view = selectors.resource_for_viewer(request.user, pk)
    if not view.can_edit:
        raise Http404
    resource = view.resource
    form = ResourceForm(
        posted(request),
        request.FILES if request.method == "POST" else None,
        initial={
            "kind": resource.kind,
            "title": resource.title,
            "summary": resource.summary,
            "url": resource.url,
            "authors": resource.authors,
            "organisation": resource.organisation,
            "publisher": resource.publisher,
            "year": resource.year,
            "language": resource.language,
            "themes": list(resource.themes.all()),
            "licence": resource.licence,
            "original": resource.original_id,
            "previous_version": resource.previous_version_id,
        },
    )
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, resource.community, resource)
        if saved is not None:
            messages.success(request, _("Your changes are saved."))
            return redirect("library:detail", pk=pk)
    return render(
        request,
        "library/form.html",
        {"form": form, "community": resource.community, "resource": resource},
        status=400 if form.errors else 200,
    )


@require_safe
def download(request: HttpRequest, pk: int) -> FileResponse:
    view = selectors.resource_for_viewer(request.user, pk)
    resource = view.resource
    if not resource.file:
        raise Http404
    response = serve_download(resource.file, resource.file_name, resource.content_type)
    if request.method == "GET":  # a HEAD request (a link checker, a preview) is not a download
        services.download_record(actor=request.user, resource=resource)
    return response


@require_safe
def cover(request: HttpRequest, pk: int) -> FileResponse:
    return serve_picture(selectors.resource_for_viewer(request.user, pk).resource.cover)


@login_required
@require_POST
def moderate(request: HttpRequest, pk: int) -> HttpResponse:
    view = selectors.resource_for_viewer(request.user, pk)
    try:
        services.resource_moderate(
            actor=request.user, resource=view.resource, action=request.POST.get("action", "")
        )
    except PermissionDenied as error:
        raise Http404 from error
    except services.LibraryError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Done."))
    return redirect("library:detail", pk=pk)
