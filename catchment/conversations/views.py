"""HTTP in and out for private messages: the inbox, conversations, blocks and the hub team's reports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from catchment.accounts import selectors as account_selectors
from catchment.accounts.models import User
from catchment.accounts.permissions import is_staff
from catchment.conversations import permissions, selectors, services
from catchment.conversations.forms import (
    AcceptsForm,
    AddPeopleForm,
    ReplyForm,
    ReportForm,
    ResolveForm,
    StartForm,
)
from catchment.conversations.models import Message
from catchment.conversations.selectors import ConversationView
from catchment.core import limits
from catchment.core.paging import page_number, query_text
from catchment.core.views import posted, safe_next


def _detail_url(pk: int, anchor: str = "") -> str:
    return reverse("conversations:detail", kwargs={"pk": pk}) + (f"#{anchor}" if anchor else "")


@login_required
@require_safe
def inbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.inbox(request.user), selectors.CONVERSATIONS_PER_PAGE).get_page(
        page_number(request)
    )
    rows = selectors.inbox_rows(request.user, page.object_list)
    return render(request, "conversations/inbox.html", {"page": page, "rows": rows})


def _people(handles: list[str]) -> tuple[list[User], list[str]]:
    found = account_selectors.users_by_handle(handles)
    return [found[h] for h in handles if h in found], [h for h in handles if h not in found]


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    wanted = query_text(request, "to", 200)
    form = StartForm(posted(request), initial={"to": wanted})
    refusal = None
    if request.method == "POST" and form.is_valid():
        people, unknown = _people(form.cleaned_data["to"])
        if unknown:
            form.add_error(
                "to", _("No member has the handle: %(handles)s.") % {"handles": ", ".join(unknown)}
            )
        else:
            try:
                conversation = services.conversation_start(
                    actor=request.user,
                    recipients=people,
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                )
            except services.ConversationError as error:
                form.add_error(None, str(error))
                refusal = error
            else:
                return redirect(_detail_url(conversation.pk))
    return limits.answer(
        render(request, "conversations/start.html", {"form": form}, status=400 if form.errors else 200),
        refusal,
    )


def _page(
    request: HttpRequest, view: ConversationView, reply_form: ReplyForm | None = None, status: int = 200
) -> HttpResponse:
    raw = request.GET.get("page", "")
    page = selectors.messages_page(view.conversation, page_number(request) if raw else None)
    blocked = selectors.blocked_ids(request.user)
    items = list(page.object_list)
    reported = selectors.reported_by(request.user, items)
    others = view.others
    blocked_me = selectors.blocked_by_any(request.user, [p.user_id for p in others])
    can_write = permissions.can_write(
        request.user, view.conversation, view.place, others, blocked | blocked_me
    )
    present = [p for p in view.people if p.is_active]
    rows = [
        (
            message,
            permissions.can_see_message_text(message, blocked),
            permissions.can_report(request.user, message, view.place) and message.pk not in reported,
        )
        for message in items
    ]
    unread = view.place.last_read_at is None or view.place.last_read_at < view.conversation.last_message_at
    return render(
        request,
        "conversations/detail.html",
        {
            "view": view,
            "conversation": view.conversation,
            "page": page,
            "rows": rows,
            "present": present,
            "blocked": blocked,
            "reply_form": (reply_form or ReplyForm()) if can_write else None,
            "add_form": AddPeopleForm()
            if permissions.can_add_people(request.user, view.conversation, view.place, len(present))
            else None,
            "report_form": ReportForm(),
            "unread": unread,
        },
        status=status,
    )


@login_required
@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, selectors.conversation_for_viewer(request.user, pk))


@login_required
@require_POST
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    view = selectors.conversation_for_viewer(request.user, pk)
    form = ReplyForm(request.POST)
    refusal = None
    if form.is_valid():
        try:
            message = services.message_send(
                actor=request.user, conversation=view.conversation, body=form.cleaned_data["body"]
            )
        except services.ConversationError as error:
            form.add_error(None, str(error))
            refusal = error
        else:
            return redirect(_detail_url(pk, f"message-{message.pk}"))
    return limits.answer(_page(request, view, form, status=400), refusal)


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    view = selectors.conversation_for_viewer(request.user, pk)
    services.conversation_mark_read(actor=request.user, conversation=view.conversation)
    if request.headers.get("X-Requested-With") == "fetch":
        return HttpResponse(status=204)
    return redirect("conversations:inbox")


@login_required
@require_POST
def add_people(request: HttpRequest, pk: int) -> HttpResponse:
    view = selectors.conversation_for_viewer(request.user, pk)
    form = AddPeopleForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            " ".join(str(error) for error in form.errors.get("people", [])) or _("Name at least one member."),
        )
        return redirect(_detail_url(pk))
    people, unknown = _people(form.cleaned_data["people"])
    if unknown:
        messages.error(request, _("No member has the handle: %(handles)s.") % {"handles": ", ".join(unknown)})
        return redirect(_detail_url(pk))
    try:
        added = services.people_add(actor=request.user, conversation=view.conversation, users=people)
    except services.ConversationError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            ngettext("%(count)d person added.", "%(count)d people added.", len(added))
            % {"count": len(added)},
        )
    return redirect(_detail_url(pk))


@login_required
@require_POST
def leave(request: HttpRequest, pk: int) -> HttpResponse:
    view = selectors.conversation_for_viewer(request.user, pk)
    services.conversation_leave(actor=request.user, conversation=view.conversation)
    messages.success(request, _("You have left “%(subject)s”.") % {"subject": view.conversation.subject})
    return redirect("conversations:inbox")


@login_required
@require_POST
def mute(request: HttpRequest, pk: int) -> HttpResponse:
    view = selectors.conversation_for_viewer(request.user, pk)
    muted = request.POST.get("muted") == "1"
    services.conversation_mute(actor=request.user, conversation=view.conversation, muted=muted)
    messages.success(
        request,
        _("No more emails about this conversation.")
        if muted
        else _("You will get emails about this conversation."),
    )
    return redirect(_detail_url(pk))


@login_required
@require_POST
def report(request: HttpRequest, pk: int, message: int) -> HttpResponse:
    view = selectors.conversation_for_viewer(request.user, pk)
    target = selectors.message_in(view, message)
    form = ReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose why you are reporting this message."))
    else:
        try:
            services.message_report(
                actor=request.user,
                message=target,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except services.ConversationError as error:
            messages.error(request, str(error))
        except PermissionDenied:
            messages.error(request, _("You cannot report this message."))
        else:
            messages.success(request, _("Thank you: the hub team will look at this message."))
    return redirect(_detail_url(pk, f"message-{target.pk}"))


def _person(username: str) -> User:
    person = account_selectors.users_by_handle([username]).get(username.lower())
    if person is None:
        raise Http404
    return person


@login_required
@require_POST
def block(request: HttpRequest, username: str) -> HttpResponse:
    person = _person(username)
    try:
        services.block(actor=request.user, target=person)
    except services.ConversationError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("You have blocked %(name)s: you will not hear from them. They are not told.")
            % {"name": person.display_name},
        )
    return redirect(safe_next(request, reverse("conversations:settings")))


@login_required
@require_POST
def unblock(request: HttpRequest, username: str) -> HttpResponse:
    person = _person(username)
    services.unblock(actor=request.user, target=person)
    messages.success(request, _("You have unblocked %(name)s.") % {"name": person.display_name})
    return redirect(safe_next(request, reverse("conversations:settings")))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def messaging_settings(request: HttpRequest) -> HttpResponse:
    form = AcceptsForm(posted(request), initial={"accepts": selectors.accepts(request.user)})
    if request.method == "POST" and form.is_valid():
        services.accepts_set(actor=request.user, accepts=form.cleaned_data["accepts"])
        messages.success(request, _("Your choice is saved."))
        return redirect("conversations:settings")
    return render(
        request,
        "conversations/settings.html",
        {"form": form, "blocked_people": selectors.blocked_people(request.user)},
    )


def _staff_only(request: HttpRequest) -> None:
    if not permissions.can_review_reports(request.user):
        raise Http404


@login_required
@require_safe
def reports(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    return render(
        request,
        "conversations/reports.html",
        {"items": selectors.report_queue(), "history": selectors.settled_reports(), "form": ResolveForm()},
    )


@login_required
@require_POST
def resolve(request: HttpRequest, message: int) -> HttpResponse:
    _staff_only(request)
    target = Message.objects.filter(pk=message).first()
    form = ResolveForm(request.POST)
    if target is None or not form.is_valid():
        messages.error(request, _("These reports have already been dealt with."))
        return redirect("conversations:reports")
    try:
        count = services.reports_resolve(
            actor=request.user,
            message=target,
            hide=form.cleaned_data["decision"] == "hide",
            note=form.cleaned_data["note"],
        )
    except services.ConversationError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            ngettext("%(count)d report settled.", "%(count)d reports settled.", count) % {"count": count},
        )
    return redirect("conversations:reports")


@login_required
@require_POST
def restore(request: HttpRequest, message: int) -> HttpResponse:
    if not is_staff(request.user):
        raise Http404
    target = Message.objects.filter(pk=message).first()
    if target is None:
        raise Http404
    services.message_restore(actor=request.user, message=target)
    messages.success(request, _("The message is shown again."))
    return redirect("conversations:reports")
