"""The notification centre, levels per topic and community, and one-click unsubscribe from mail."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from catchment.communities import selectors as community_selectors
from catchment.core.paging import page_number
from catchment.core.views import posted, safe_next
from catchment.notifications import selectors, services
from catchment.notifications.digests import read_digest_token
from catchment.notifications.forms import DigestForm
from catchment.notifications.models import Frequency


@login_required
@require_safe
def notification_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.notifications(request.user), 30).get_page(page_number(request))
    return render(request, "notifications/list.html", {"page": page})


@login_required
@require_safe
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    notification = selectors.notifications(request.user).filter(pk=pk).first()
    if notification is None:
        raise Http404
    services.mark_read(actor=request.user, notification_id=notification.pk)
    if notification.conversation_id is not None:
        url = reverse("conversations:detail", kwargs={"pk": notification.conversation_id})
        return redirect(url + (f"#message-{notification.message_id}" if notification.message_id else ""))
    topic = notification.topic
    assert topic is not None
    url = reverse("discussions:topic", kwargs={"slug": topic.community.slug, "pk": topic.pk})
    return redirect(url + (f"#post-{notification.post.number}" if notification.post else ""))


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    count = services.mark_read(actor=request.user)
    messages.success(request, _("%(count)d notification(s) marked as read.") % {"count": count})
    return redirect("notifications:list")


@login_required
@require_POST
def topic_level(request: HttpRequest, pk: int) -> HttpResponse:
    topic = selectors.topic_by_pk(pk)
    level = request.POST.get("level", "")
    if topic is None:
        raise Http404
    try:
        services.set_level(actor=request.user, topic=topic, level=level)
    except PermissionDenied as error:
        raise Http404 from error
    messages.success(request, _("Your choice for this topic is saved."))
    fallback = reverse("discussions:topic", kwargs={"slug": topic.community.slug, "pk": topic.pk})
    return redirect(safe_next(request, fallback))


@login_required
@require_POST
def community_level(request: HttpRequest, slug: str) -> HttpResponse:
    community = community_selectors.community_for_viewer(request.user, slug).community
    try:
        services.set_level(actor=request.user, community=community, level=request.POST.get("level", ""))
    except PermissionDenied as error:
        raise Http404 from error
    messages.success(request, _("Your choice for this community is saved."))
    return redirect(safe_next(request, reverse("discussions:topics", kwargs={"slug": slug})))


@csrf_exempt  # RFC 8058 one-click unsubscribe: mail clients POST without a session; the signed token is the key
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    found = services.read_unsubscribe_token(token)
    if found is not None and found[1] == "conversation":
        user_id, _kind, conversation_id = found
        subject = selectors.conversation_subject(user_id, conversation_id)
        if subject is None:
            return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=404)
        done = request.method == "POST" and services.mute_conversation_by_link(
            user_id=user_id, conversation_id=conversation_id
        )
        return render(
            request,
            "notifications/unsubscribe.html",
            {"subject": subject, "done": done, "conversation": True},
        )
    topic = selectors.topic_by_pk(found[2]) if found else None
    if found is None or topic is None or not selectors.account_exists(found[0]):
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=404)
    done = False
    if request.method == "POST":
        services.mute_by_link(user_id=found[0], topic=topic)
        done = True
    return render(request, "notifications/unsubscribe.html", {"subject": topic.title, "done": done})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def notification_settings(request: HttpRequest) -> HttpResponse:
    form = DigestForm(
        posted(request), initial={"frequency": selectors.digest_frequency(request.user.pk or 0)}
    )
    if request.method == "POST" and form.is_valid():
        services.digest_frequency_set(user_id=request.user.pk or 0, frequency=form.cleaned_data["frequency"])
        messages.success(request, _("Your digest choice is saved."))
        return redirect("notifications:settings")
    return render(request, "notifications/settings.html", {"form": form})


@csrf_exempt  # RFC 8058 one-click unsubscribe, as above
@require_http_methods(["GET", "HEAD", "POST"])
def digest_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    user_id = read_digest_token(token)
    if user_id is None or not selectors.account_exists(user_id):
        return render(request, "notifications/digest_unsubscribe.html", {"invalid": True}, status=404)
    done = False
    if request.method == "POST":
        services.digest_frequency_set(user_id=user_id, frequency=Frequency.OFF)
        done = True
    return render(request, "notifications/digest_unsubscribe.html", {"done": done})
