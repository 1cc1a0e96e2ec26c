"""HTTP in and out for discussions: topic lists, topic pages, replies, edits, answers, moderation."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from catchment.accounts.languages import SPOKEN_LANGUAGE_CODES
from catchment.communities import selectors as community_selectors
from catchment.communities.models import Community
from catchment.communities.selectors import CommunityView
from catchment.core import limits, pagecache
from catchment.core.paging import page_number
from catchment.core.views import posted, serve_download
from catchment.discussions import permissions, selectors, services
from catchment.discussions.forms import (
    EditForm,
    FlagForm,
    ModerationForm,
    ReplyForm,
    ResolveForm,
    TopicFilterForm,
    TopicForm,
)
from catchment.discussions.models import ModerationAction, Post, Topic, TopicKind
from catchment.notifications import selectors as notification_selectors
from catchment.notifications.models import Level


def _community(request: HttpRequest, slug: str) -> tuple[CommunityView, bool]:
    view = community_selectors.community_for_viewer(request.user, slug)
    if not view.can_read:
        raise Http404
    return view, permissions.can_moderate(request.user, view.community, view.membership)


def _ask_to_reattach(form: forms.Form) -> None:
    """Browsers cannot keep chosen files across a refused form: the text is kept, and the person is told to
    choose the files again."""
    if form.is_bound and form.files and not form.errors.get("attachments"):
        form.add_error("attachments", _("Please choose your files again: they were not saved."))


def _topic_url(topic: Topic, page: int = 1, anchor: str = "") -> str:
    url = reverse("discussions:topic", kwargs={"slug": topic.community.slug, "pk": topic.pk})
    if page > 1:
        url += f"?page={page}"
    return url + (f"#{anchor}" if anchor else "")


@require_safe
@pagecache.cache_anonymous(pagecache.community_scope)
def topics(request: HttpRequest, slug: str) -> HttpResponse:
    view, moderator = _community(request, slug)
    form = TopicFilterForm(request.GET or None)
    filters = selectors.TopicFilters()
    if form.is_bound and form.is_valid():
        filters = selectors.TopicFilters(
            kind=form.cleaned_data["kind"], unanswered=form.cleaned_data["unanswered"]
        )
    page = Paginator(
        selectors.topics(view.community, moderator=moderator, filters=filters), selectors.TOPICS_PER_PAGE
    ).get_page(page_number(request))
    can_start = any(
        permissions.can_start_topic(request.user, view.community, view.membership, kind)
        for kind in TopicKind.values
    )
    return render(
        request,
        "discussions/topics.html",
        {"view": view, "community": view.community, "page": page, "form": form, "can_start": can_start},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def topic_new(request: HttpRequest, slug: str) -> HttpResponse:
    view, _moderator = _community(request, slug)
    kinds = [
        kind
        for kind in TopicKind.values
        if permissions.can_start_topic(request.user, view.community, view.membership, kind)
    ]
    if not kinds:
        raise Http404
    language = get_language() or "en"
    form = TopicForm(
        posted(request),
        request.FILES if request.method == "POST" else None,
        kinds=kinds,
        initial={
            "kind": request.GET.get("kind") if request.GET.get("kind") in kinds else kinds[0],
            "language": language if language in SPOKEN_LANGUAGE_CODES else "en",
        },
    )
    refusal = None
    if request.method == "POST" and form.is_valid():
        try:
            topic = services.topic_create(
                actor=request.user,
                community=view.community,
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                language=form.cleaned_data["language"],
                files=form.cleaned_data["attachments"],
            )
        except services.DiscussionError as error:
            form.add_error(None, str(error))
            refusal = error
        else:
            return redirect(_topic_url(topic))
    _ask_to_reattach(form)
    return limits.answer(
        render(
            request, "discussions/topic_form.html", {"view": view, "community": view.community, "form": form}
        ),
        refusal,
    )


@require_safe
@pagecache.cache_anonymous(pagecache.community_scope)
def topic(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    view, moderator = _community(request, slug)
    found = selectors.topic_for_viewer(view, pk, moderator=moderator)
    page = selectors.posts_page(found, moderator=moderator, number=page_number(request))
    can_reply = permissions.can_reply(request.user, found, view.membership, moderator)
    initial: dict[str, object] = {}
    quoted = request.GET.get("quote", "")
    replying = request.GET.get("reply_to", "") or quoted
    if can_reply and replying.isdecimal() and len(replying) < 10:
        target = found.posts.filter(pk=int(replying), status="visible").select_related("author").first()
        if target is not None:
            initial["reply_to"] = target.pk
            if quoted:
                author = target.author.display_name if target.author else _("a former member")
                lines = "\n".join(f"> {line}" for line in target.body.splitlines()[:40])
                header = _("%(name)s wrote:") % {"name": author}
                initial["body"] = f"{header}\n{lines}\n\n"
    form = ReplyForm(initial=initial) if can_reply else None
    return _topic_page(request, view, moderator, found, page, form)


def _topic_page(
    request: HttpRequest,
    view: CommunityView,
    moderator: bool,
    found: Topic,
    page: Page[Post],
    reply_form: ReplyForm | None,
    status: int = 200,
) -> HttpResponse:
    flagged = selectors.flagged_by(request.user.pk, list(page.object_list))
    reactions = selectors.reactions_for(request.user.pk, list(page.object_list))
    posts = [
        (
            post,
            permissions.can_edit_post(request.user, post, view.membership, moderator),
            permissions.can_flag(request.user, post, view.membership) and post.pk not in flagged,
            permissions.can_react(request.user, post, view.membership),
            reactions.get(post.pk, []),
        )
        for post in page.object_list
    ]
    accepted_url = ""
    if found.accepted_post is not None and permissions.can_see_post(found.accepted_post, moderator):
        accepted_page = selectors.page_of_post(found, found.accepted_post, moderator=moderator)
        accepted_url = _topic_url(found, accepted_page, f"post-{found.accepted_post.number}")
    return render(
        request,
        "discussions/topic.html",
        {
            "view": view,
            "community": view.community,
            "topic": found,
            "page": page,
            "posts": posts,
            "moderator": moderator,
            "can_reply": reply_form is not None,
            "can_accept": permissions.can_accept_answer(request.user, found, view.membership, moderator),
            "reply_form": reply_form,
            "accepted_url": accepted_url,
            "level": notification_selectors.topic_level(request.user, found),
            "move_targets": selectors.move_targets(request.user, found.community) if moderator else [],
            "levels": Level.choices,
        },
        status=status,
    )


@login_required
@require_POST
def reply(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    view, moderator = _community(request, slug)
    found = selectors.topic_for_viewer(view, pk, moderator=moderator)
    form = ReplyForm(request.POST, request.FILES)
    refusal = None
    if form.is_valid():
        target = None
        if form.cleaned_data["reply_to"]:
            target = found.posts.filter(pk=form.cleaned_data["reply_to"]).first()
        try:
            post = services.post_reply(
                actor=request.user,
                topic=found,
                body=form.cleaned_data["body"],
                reply_to=target,
                files=form.cleaned_data["attachments"],
            )
        except services.DiscussionError as error:
            form.add_error(None, str(error))
            refusal = error
        except PermissionDenied:
            form.add_error(None, _("You cannot reply in this community."))
        else:
            number = selectors.page_of_post(found, post, moderator=moderator)
            return redirect(_topic_url(found, number, f"post-{post.number}"))
    _ask_to_reattach(form)
    # Show the topic again, at its last page, with the reply form holding what was written.
    page = selectors.posts_page(found, moderator=moderator, number=10**6)
    return limits.answer(_topic_page(request, view, moderator, found, page, form, status=400), refusal)


@login_required
@require_POST
def accept(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    view, moderator = _community(request, slug)
    found = selectors.topic_for_viewer(view, pk, moderator=moderator)
    raw = request.POST.get("post", "")
    post = found.posts.filter(pk=int(raw)).first() if raw.isdecimal() and len(raw) < 10 else None
    try:
        services.answer_accept(actor=request.user, topic=found, post=post)
    except services.DiscussionError as error:
        messages.error(request, str(error))
    except PermissionDenied:
        messages.error(request, _("Only the person who asked, or a moderator, can accept an answer."))
    else:
        messages.success(request, _("Accepted answer marked.") if post else _("Accepted answer removed."))
    return redirect(_topic_url(found))


def _moderate(request: HttpRequest, slug: str, pk: int, post_pk: int | None) -> HttpResponse:
    view, moderator = _community(request, slug)
    if not moderator:
        raise Http404
    found = selectors.topic_for_viewer(view, pk, moderator=True)
    form = ModerationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a moderation action."))
        return redirect(_topic_url(found))
    try:
        if post_pk is None and form.cleaned_data["verb"] == ModerationAction.Verb.SLOW:
            seconds = request.POST.get("seconds", "")
            services.topic_slow_mode(
                actor=request.user,
                topic=found,
                seconds=int(seconds) if seconds.isdecimal() and len(seconds) < 6 else -1,
                reason=form.cleaned_data["reason"],
            )
        elif post_pk is None:
            services.topic_moderate(
                actor=request.user,
                topic=found,
                verb=form.cleaned_data["verb"],
                reason=form.cleaned_data["reason"],
            )
        else:
            post = selectors.post_for_viewer(found, post_pk, moderator=True)
            services.post_moderate(
                actor=request.user,
                post=post,
                verb=form.cleaned_data["verb"],
                reason=form.cleaned_data["reason"],
            )
    except services.DiscussionError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Done: %(action)s.") % {"action": ModerationAction.Verb(form.cleaned_data["verb"]).label},
        )
    return redirect(_topic_url(found))


@login_required
@require_POST
def topic_move(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    view, moderator = _community(request, slug)
    if not moderator:
        raise Http404
    found = selectors.topic_for_viewer(view, pk, moderator=True)
    raw = request.POST.get("target", "")
    target = Community.objects.filter(pk=int(raw)).first() if raw.isdecimal() and len(raw) < 10 else None
    if target is None:
        messages.error(request, _("Choose the community to move the topic to."))
        return redirect(_topic_url(found))
    try:
        moved = services.topic_move(
            actor=request.user, topic=found, target=target, reason=request.POST.get("reason", "")[:300]
        )
    except services.DiscussionError as error:
        messages.error(request, str(error))
        return redirect(_topic_url(found))
    except PermissionDenied:
        messages.error(request, _("You can move a topic only to a community you moderate."))
        return redirect(_topic_url(found))
    messages.success(request, _("The topic is now in %(name)s.") % {"name": target.name})
    return redirect(_topic_url(moved))


@login_required
@require_POST
def topic_moderate(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _moderate(request, slug, pk, None)


@login_required
@require_POST
def post_moderate(request: HttpRequest, slug: str, pk: int, post: int) -> HttpResponse:
    return _moderate(request, slug, pk, post)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def post_edit(request: HttpRequest, slug: str, pk: int, post: int) -> HttpResponse:
    view, moderator = _community(request, slug)
    found = selectors.topic_for_viewer(view, pk, moderator=moderator)
    target = selectors.post_for_viewer(found, post, moderator=moderator)
    if not permissions.can_edit_post(request.user, target, view.membership, moderator):
        raise Http404
    form = EditForm(
        posted(request),
        request.FILES if request.method == "POST" else None,
        initial={"title": found.title, "body": target.body},
        attached=[(attachment.pk, attachment.name) for attachment in target.attachments.all()],
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.post_edit(
                actor=request.user,
                post=target,
                body=form.cleaned_data["body"],
                title=form.cleaned_data["title"] if target.number == 1 else None,
                files=form.cleaned_data["attachments"],
                remove=form.cleaned_data.get("remove") or [],
            )
        except services.DiscussionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your changes are saved; the earlier text is kept in the history."))
            page = selectors.page_of_post(found, target, moderator=moderator)
            return redirect(_topic_url(found, page, f"post-{target.number}"))
    _ask_to_reattach(form)
    return render(
        request,
        "discussions/post_edit.html",
        {"view": view, "community": view.community, "topic": found, "post": target, "form": form},
    )


@require_safe
def post_history(request: HttpRequest, slug: str, pk: int, post: int) -> HttpResponse:
    view, moderator = _community(request, slug)
    found = selectors.topic_for_viewer(view, pk, moderator=moderator)
    target = selectors.post_for_viewer(found, post, moderator=moderator)
    revisions = list(target.revisions.select_related("editor").order_by("-created_at", "-pk"))
    return render(
        request,
        "discussions/post_history.html",
        {"view": view, "community": view.community, "topic": found, "post": target, "revisions": revisions},
    )


@login_required
@require_safe
def moderation_log(request: HttpRequest, slug: str) -> HttpResponse:
    view, moderator = _community(request, slug)
    if not moderator:
        raise Http404
    actions = ModerationAction.objects.filter(community=view.community).select_related(
        "actor", "topic", "post"
    )
    page = Paginator(actions.order_by("-created_at", "-pk"), 50).get_page(page_number(request))
    return render(
        request, "discussions/moderation_log.html", {"view": view, "community": view.community, "page": page}
    )


@login_required
@require_POST
def react(request: HttpRequest, slug: str, pk: int, post: int) -> HttpResponse:
    view, moderator = _community(request, slug)
    found = selectors.topic_for_viewer(view, pk, moderator=moderator)
    target = selectors.post_for_viewer(found, post, moderator=moderator)
    try:
        services.reaction_toggle(actor=request.user, post=target, kind=request.POST.get("kind", "")[:16])
    except services.DiscussionError as error:
        messages.error(request, str(error))
    except PermissionDenied:
        messages.error(request, _("You cannot react to this message."))
    page = selectors.page_of_post(found, target, moderator=moderator)
    return redirect(_topic_url(found, page, f"post-{target.number}"))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def flag(request: HttpRequest, slug: str, pk: int, post: int) -> HttpResponse:
    """Flag a message for the moderators: the form on its own page (each message of a topic page links
    here, rather than carrying a form of its own), and its answer."""
    view, moderator = _community(request, slug)
    found = selectors.topic_for_viewer(view, pk, moderator=moderator)
    target = selectors.post_for_viewer(found, post, moderator=moderator)
    if request.method != "POST":
        if not permissions.can_flag(request.user, target, view.membership):
            raise Http404
        return render(
            request,
            "discussions/flag.html",
            {"view": view, "community": view.community, "topic": found, "post": target, "form": FlagForm()},
        )
    form = FlagForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose why you are flagging this message."))
    else:
        try:
            services.post_flag(
                actor=request.user,
                post=target,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except services.DiscussionError as error:
            messages.error(request, str(error))
        except PermissionDenied:
            messages.error(request, _("You cannot flag this message."))
        else:
            messages.success(request, _("Thank you: the moderators will look at this message."))
    page = selectors.page_of_post(found, target, moderator=moderator)
    return redirect(_topic_url(found, page, f"post-{target.number}"))


@login_required
@require_safe
def review_queue(request: HttpRequest, slug: str) -> HttpResponse:
    view, moderator = _community(request, slug)
    if not moderator:
        raise Http404
    return render(
        request,
        "discussions/review_queue.html",
        {
            "view": view,
            "community": view.community,
            "items": selectors.review_queue(view.community),
            "history": selectors.resolved_flags(view.community),
        },
    )


@login_required
@require_POST
def resolve(request: HttpRequest, slug: str, post: int) -> HttpResponse:
    view, moderator = _community(request, slug)
    if not moderator:
        raise Http404
    target = Post.objects.filter(pk=post, topic__community=view.community).select_related("topic").first()
    form = ResolveForm(request.POST)
    if target is None or not form.is_valid():
        messages.error(request, _("These flags have already been dealt with."))
        return redirect("discussions:review_queue", slug=slug)
    target.topic.community = view.community
    try:
        count = services.flags_resolve(
            actor=request.user,
            post=target,
            hide=form.cleaned_data["decision"] == "hide",
            reason=form.cleaned_data["reason"],
        )
    except services.DiscussionError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, ngettext("%(count)d flag settled.", "%(count)d flags settled.", count) % {"count": count}
        )
    return redirect("discussions:review_queue", slug=slug)


@require_safe
def attachment(request: HttpRequest, slug: str, pk: int, attachment: int) -> FileResponse:
    view, moderator = _community(request, slug)
    found = selectors.topic_for_viewer(view, pk, moderator=moderator)
    stored = selectors.attachment_for_viewer(found, attachment, moderator=moderator)
    return serve_download(stored.file, stored.name, stored.content_type)
