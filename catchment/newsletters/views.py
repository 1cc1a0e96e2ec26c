"""HTTP in and out for newsletters: lists, writing, preview, test, sending, figures, reading, opting out."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from catchment.communities import selectors as community_selectors
from catchment.communities.models import Community
from catchment.core.paging import page_number
from catchment.core.views import posted
from catchment.newsletters import permissions, selectors, services
from catchment.newsletters.forms import NewsletterForm, SendForm
from catchment.newsletters.models import Newsletter, Status
from catchment.newsletters.selectors import NewsletterView


def _list_page(
    request: HttpRequest, newsletters: QuerySet[Newsletter], context: dict[str, object]
) -> HttpResponse:
    page = Paginator(newsletters, 30).get_page(page_number(request))
    items = list(page.object_list)
    return render(
        request,
        "newsletters/list.html",
        {**context, "page": page, "items": items, "reached": selectors.sent_counts(items)},
    )


@login_required
@require_safe
def hub_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can_write_hub_newsletters(request.user):
        raise Http404
    return _list_page(request, selectors.hub_list(), {"community": None})


def _editable_community(request: HttpRequest, slug: str) -> community_selectors.CommunityView:
    view = community_selectors.community_for_viewer(request.user, slug)
    if not permissions.can_write_for(request.user, view.community, view.membership):
        raise Http404
    return view


@login_required
@require_safe
def community_list(request: HttpRequest, slug: str) -> HttpResponse:
    view = _editable_community(request, slug)
    return _list_page(
        request, selectors.community_list(view.community), {"community": view.community, "view": view}
    )


def _compose(
    request: HttpRequest, community: Community | None, hub: bool, context: dict[str, object]
) -> HttpResponse:
    language = get_language() or settings.LANGUAGE_CODE
    form = NewsletterForm(posted(request), hub=hub, initial={"default_language": language[:2]})
    if request.method == "POST" and form.is_valid():
        target = community
        if hub and form.cleaned_data.get("community"):
            target = selectors.community_by_slug(form.cleaned_data["community"])
            if target is None:
                form.add_error("community", _("No community has this web address."))
        if not form.errors:
            try:
                newsletter = services.newsletter_create(
                    actor=request.user, community=target, draft=form.to_draft()
                )
            except services.NewsletterError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request, _("The draft is saved. Check the preview, send yourself a test, then send it.")
                )
                return redirect("newsletters:detail", pk=newsletter.pk)
    return render(
        request,
        "newsletters/form.html",
        {**context, "form": form, "newsletter": None},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def hub_new(request: HttpRequest) -> HttpResponse:
    if not permissions.can_write_hub_newsletters(request.user):
        raise Http404
    return _compose(request, None, True, {"community": None})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def community_new(request: HttpRequest, slug: str) -> HttpResponse:
    view = _editable_community(request, slug)
    return _compose(request, view.community, False, {"community": view.community, "view": view})


def _managed(request: HttpRequest, pk: int) -> NewsletterView:
    view = selectors.newsletter_for_viewer(request.user, pk)
    if not view.can_manage:
        raise Http404
    return view


@login_required
@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    view = _managed(request, pk)
    newsletter = view.newsletter
    editions = {edition.language: edition for edition in newsletter.editions.all()}
    chosen = request.GET.get("language", "")
    shown = editions.get(chosen) or editions.get(newsletter.default_language)
    segment = selectors.Segment.of(newsletter)
    estimate = (
        selectors.audience_by_language(segment, set(editions), newsletter.default_language)
        if newsletter.status == Status.DRAFT
        else {}
    )
    return render(
        request,
        "newsletters/detail.html",
        {
            "view": view,
            "newsletter": newsletter,
            "community": newsletter.community,
            "editions": editions,
            "shown": shown,
            "languages": settings.LANGUAGES,
            "estimate": sorted(estimate.items()),
            "estimate_total": sum(estimate.values()),
            "progress": selectors.progress(newsletter) if newsletter.status != Status.DRAFT else None,
            "send_form": SendForm(),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    view = _managed(request, pk)
    newsletter = view.newsletter
    if not view.can_edit:
        messages.error(request, _("This newsletter has been sent; it can no longer change."))
        return redirect("newsletters:detail", pk=pk)
    initial: dict[str, object] = {
        "stakeholder_group": newsletter.stakeholder_group,
        "country": str(newsletter.country or ""),
        "default_language": newsletter.default_language,
    }
    for edition in newsletter.editions.all():
        initial[f"subject_{edition.language}"] = edition.subject
        initial[f"body_{edition.language}"] = edition.body
    form = NewsletterForm(posted(request), hub=False, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.newsletter_update(actor=request.user, newsletter=newsletter, draft=form.to_draft())
        except services.NewsletterError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The draft is saved."))
            return redirect("newsletters:detail", pk=pk)
    return render(
        request,
        "newsletters/form.html",
        {"form": form, "newsletter": newsletter, "community": newsletter.community},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def test(request: HttpRequest, pk: int) -> HttpResponse:
    view = _managed(request, pk)
    try:
        services.newsletter_test(
            actor=request.user, newsletter=view.newsletter, language=request.POST.get("language", "")[:8]
        )
    except services.NewsletterError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("A test copy is on its way to %(email)s.") % {"email": view.editor_email})
    return redirect("newsletters:detail", pk=pk)


@login_required
@require_POST
def send(request: HttpRequest, pk: int) -> HttpResponse:
    view = _managed(request, pk)
    form = SendForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tick the box to confirm that it should go now."))
        return redirect("newsletters:detail", pk=pk)
    try:
        count = services.newsletter_send(actor=request.user, newsletter=view.newsletter)
    except services.NewsletterError as error:
        messages.error(request, str(error))
    except PermissionDenied as error:
        raise Http404 from error
    else:
        messages.success(
            request,
            ngettext(
                "The newsletter is going out to %(count)d member.",
                "The newsletter is going out to %(count)d members.",
                count,
            )
            % {"count": count},
        )
    return redirect("newsletters:detail", pk=pk)


@login_required
@require_POST
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    view = _managed(request, pk)
    count = services.failed_retry(actor=request.user, newsletter=view.newsletter)
    messages.success(
        request,
        ngettext("%(count)d email queued again.", "%(count)d emails queued again.", count) % {"count": count},
    )
    return redirect("newsletters:detail", pk=pk)


@login_required
@require_safe
def read(request: HttpRequest, pk: int) -> HttpResponse:
    view = selectors.newsletter_for_viewer(request.user, pk, reading=True)
    newsletter: Newsletter = view.newsletter
    edition = services.edition_for(newsletter, request.user.language or get_language() or "")  # type: ignore[union-attr]
    return render(
        request, "newsletters/read.html", {"newsletter": newsletter, "edition": edition, "view": view}
    )


@csrf_exempt  # RFC 8058 one-click unsubscribe: mail clients POST without a session; the signed token is the key
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    found = services.read_unsubscribe_token(token)
    community = None
    if found is not None and found[1] is not None:
        community = selectors.community_by_pk(found[1])
        if community is None:
            found = None
    if found is None or not selectors.account_exists(found[0]):
        return render(request, "newsletters/unsubscribe.html", {"invalid": True}, status=404)
    done = False
    if request.method == "POST":
        services.opt_out(user_id=found[0], community=community)
        done = True
    return render(request, "newsletters/unsubscribe.html", {"community": community, "done": done})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        raw = "".join(ch for ch in request.POST.get("community", "")[:80] if ch.isprintable())
        community = None
        if raw:
            # Only a community the member may know of: a secret one's name never shows up here.
            community = community_selectors.community_for_viewer(request.user, raw).community
        if request.POST.get("receive") == "1":
            services.opt_in(actor=request.user, community=community)
        else:
            services.opt_out(user_id=request.user.pk or 0, community=community)
        messages.success(request, _("Your choice is saved."))
        return redirect("newsletters:preferences")
    outs = selectors.opt_outs(request.user)
    return render(
        request,
        "newsletters/preferences.html",
        {
            "hub_out": any(o.community_id is None for o in outs),
            "community_outs": [o for o in outs if o.community_id is not None],
            "received": selectors.received(request.user),
        },
    )
