"""A convenor's webhooks page: register endpoints, see what was sent, test, pause, rotate the secret."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catchment.communities import selectors as community_selectors
from catchment.communities.selectors import CommunityView
from catchment.core.paging import page_number
from catchment.webhooks import permissions, selectors, services
from catchment.webhooks.forms import EndpointForm


def _view(request: HttpRequest, slug: str) -> CommunityView:
    view = community_selectors.community_for_viewer(request.user, slug)
    if not permissions.can_manage_webhooks(request.user, view.community, view.membership):
        raise Http404
    return view


@login_required
def endpoints(request: HttpRequest, slug: str) -> HttpResponse:
    """The community's webhooks, and the form to add one."""
    view = _view(request, slug)
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint = services.endpoint_create(
                actor=request.user,
                community=view.community,
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                description=form.cleaned_data["description"],
            )
        except services.WebhookError as error:
            form.add_error("url", str(error))
        else:
            messages.success(
                request, _("The webhook is registered. Copy its secret to check the signatures.")
            )
            return redirect("webhooks:detail", slug=slug, pk=endpoint.pk)
    return render(
        request,
        "webhooks/endpoints.html",
        {
            "view": view,
            "community": view.community,
            "form": form,
            "endpoints": list(selectors.endpoints(view.community)),
        },
    )


@login_required
def detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One webhook: its secret, and the log of what was sent, newest first."""
    view = _view(request, slug)
    endpoint = selectors.endpoint(view.community, pk)
    page = Paginator(selectors.deliveries(endpoint), 25).get_page(page_number(request))
    return render(
        request,
        "webhooks/endpoint.html",
        {"view": view, "community": view.community, "endpoint": endpoint, "page": page},
    )


@login_required
@require_POST
def act(request: HttpRequest, slug: str, pk: int, action: str) -> HttpResponse:
    """Test, pause, resume, rotate the secret of, or remove a webhook."""
    view = _view(request, slug)
    endpoint = selectors.endpoint(view.community, pk)
    if action == "ping":
        services.endpoint_ping(actor=request.user, endpoint=endpoint)
        messages.success(request, _("A test delivery was sent; its result is in the log below."))
    elif action in ("pause", "resume"):
        services.endpoint_update(actor=request.user, endpoint=endpoint, is_active=action == "resume")
        messages.success(
            request, _("The webhook is paused.") if action == "pause" else _("The webhook is active.")
        )
    elif action == "secret":
        services.endpoint_update(actor=request.user, endpoint=endpoint, new_secret=True)
        messages.success(request, _("The webhook has a new secret; the old one no longer signs anything."))
    elif action == "delete":
        services.endpoint_delete(actor=request.user, endpoint=endpoint)
        messages.success(request, _("The webhook and its log are removed."))
        return redirect("webhooks:list", slug=slug)
    else:
        raise Http404
    return redirect("webhooks:detail", slug=slug, pk=pk)
