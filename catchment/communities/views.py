"""HTTP in and out for communities: catalogue, home, joining, stages and the charter."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from catchment.accounts import selectors as account_selectors
from catchment.communities import selectors, services
from catchment.communities.charter import compare, completeness, missing_sections
from catchment.communities.forms import (
    CatalogueForm,
    CharterForm,
    CommunityForm,
    DecisionForm,
    JoinForm,
    RoleForm,
    StageForm,
)
from catchment.communities.models import CHARTER_SECTIONS, Role, Stage, charter_section_label
from catchment.core.paging import page_number


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The hub's front page: live counts of people, countries, organisations and communities."""
    return render(
        request,
        "accounts/home.html",
        {
            "counts": account_selectors.hub_counts(),
            "community_count": selectors.community_count(request.user),
            "newest": account_selectors.newest_profiles(request.user),
        },
    )


@require_safe
def catalogue(request: HttpRequest) -> HttpResponse:
    form = CatalogueForm(request.GET or None)
    if form.is_bound:
        form.is_valid()
    page = Paginator(selectors.catalogue(request.user, form.filters()), 24).get_page(page_number(request))
    return render(request, "communities/catalogue.html", {"form": form, "page": page})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    form = CommunityForm(
        request.POST or None,
        initial={"visibility": "public", "join_policy": "open", "membership_basis": "individual"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            community = services.community_create(actor=request.user, changes=form.to_changes())
        except services.CommunityError as error:
            form.add_error("name", str(error))
        else:
            messages.success(request, _("Your community is in design. Start with its charter."))
            return redirect("communities:detail", slug=community.slug)
    return render(request, "communities/form.html", {"form": form})


@require_safe
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    view = selectors.community_for_viewer(request.user, slug)
    context: dict[str, object] = {"view": view, "community": view.community, "join_form": JoinForm()}
    if view.can_read:
        charter = selectors.current_charter(view.community)
        context.update(
            charter=charter,
            charter_complete=round(100 * completeness(charter.sections())) if charter else 0,
            members_by_role=selectors.members_by_role(view.community),
        )
    if view.can_manage:
        context["requests"] = list(selectors.pending_requests(view.community))
        context["role_choices"] = [(role.value, role.label) for role in Role if role != Role.CONVENOR]
    if view.can_change_stage:
        context["stages"] = [
            (stage.value, stage.label)
            for stage in Stage
            if stage in services.STAGE_TRANSITIONS[Stage(view.community.stage)]
        ]
    return render(request, "communities/detail.html", context)


def _act(request: HttpRequest, slug: str, action: str) -> HttpResponse:
    view = selectors.community_for_viewer(request.user, slug)
    community = view.community
    form = JoinForm(request.POST)
    form.is_valid()
    data = form.cleaned_data if hasattr(form, "cleaned_data") else {}
    try:
        if action == "join":
            services.community_join(
                actor=request.user,
                community=community,
                accept_conduct=bool(data.get("accept_conduct")),
                organisation=data.get("organisation"),
            )
            messages.success(request, _("Welcome to %(name)s!") % {"name": community.name})
        elif action == "request":
            services.join_request_create(
                actor=request.user,
                community=community,
                message=data.get("message", ""),
                organisation=data.get("organisation"),
            )
            messages.success(request, _("Your request has been sent to the moderators."))
        else:
            services.membership_leave(actor=request.user, community=community)
            messages.success(request, _("You have left %(name)s.") % {"name": community.name})
    except services.CommunityError as error:
        messages.error(request, str(error))
    except PermissionDenied:
        messages.error(request, _("You cannot do that in this community."))
    return redirect("communities:detail", slug=community.slug)


@login_required
@require_POST
def join(request: HttpRequest, slug: str) -> HttpResponse:
    return _act(request, slug, "join")


@login_required
@require_POST
def request_to_join(request: HttpRequest, slug: str) -> HttpResponse:
    return _act(request, slug, "request")


@login_required
@require_POST
def leave(request: HttpRequest, slug: str) -> HttpResponse:
    return _act(request, slug, "leave")


@login_required
@require_POST
def decide(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    view = selectors.community_for_viewer(request.user, slug)
    if not view.can_manage:
        raise Http404
    join_request = selectors.pending_requests(view.community).filter(pk=pk).first()
    form = DecisionForm(request.POST)
    if join_request is None or not form.is_valid():
        messages.error(request, _("This request has already been decided."))
        return redirect("communities:detail", slug=slug)
    try:
        services.join_request_decide(
            actor=request.user,
            join_request=join_request,
            approve=form.cleaned_data["decision"] == "approve",
            message=form.cleaned_data["message"],
        )
    except services.CommunityError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Decision recorded."))
    return redirect("communities:detail", slug=slug)


@login_required
@require_POST
def change_stage(request: HttpRequest, slug: str) -> HttpResponse:
    view = selectors.community_for_viewer(request.user, slug)
    if not view.can_change_stage:
        raise Http404
    form = StageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a stage."))
        return redirect("communities:detail", slug=slug)
    try:
        services.community_set_stage(
            actor=request.user, community=view.community, stage=Stage(form.cleaned_data["stage"])
        )
    except services.CommunityError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("The community is now: %(stage)s.") % {"stage": view.community.get_stage_display()}
        )
    return redirect("communities:detail", slug=slug)


@require_safe
def charter(request: HttpRequest, slug: str) -> HttpResponse:
    view = selectors.community_for_viewer(request.user, slug)
    if not view.can_read:
        raise Http404
    versions = list(selectors.charter_versions(view.community))
    current = versions[0] if versions else None
    comparison = None
    left, right = request.GET.get("a", ""), request.GET.get("b", "")
    if left.isdigit() and right.isdigit() and len(left) < 7 and len(right) < 7:
        old = selectors.charter_version(view.community, int(left))
        new = selectors.charter_version(view.community, int(right))
        comparison = {
            "old": old,
            "new": new,
            "sections": [
                (charter_section_label(name), compare(getattr(old, name), getattr(new, name)))
                for name in CHARTER_SECTIONS
            ],
        }
    shown = current
    sections = []
    if shown is not None:
        sections = [(charter_section_label(name), getattr(shown, name)) for name in CHARTER_SECTIONS]
    return render(
        request,
        "communities/charter.html",
        {
            "view": view,
            "community": view.community,
            "charter": shown,
            "sections": sections,
            "versions": versions,
            "comparison": comparison,
            "complete": round(100 * completeness(shown.sections())) if shown else 0,
            "missing": [
                charter_section_label(name) for name in missing_sections(shown.sections() if shown else {})
            ],
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def charter_edit(request: HttpRequest, slug: str) -> HttpResponse:
    view = selectors.community_for_viewer(request.user, slug)
    if not view.can_edit:
        raise Http404
    current = selectors.current_charter(view.community)
    if request.method == "POST":
        form = CharterForm(request.POST)
        if form.is_valid():
            try:
                services.charter_save(
                    actor=request.user,
                    community=view.community,
                    sections=form.sections(),
                    note=form.cleaned_data["note"],
                    based_on=form.cleaned_data["based_on"],
                )
            except services.CommunityError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The charter has been saved as a new version."))
                return redirect("communities:charter", slug=slug)
    else:
        initial = current.sections() if current else {}
        form = CharterForm(initial={**initial, "based_on": current.number if current else None})
    return render(
        request,
        "communities/charter_edit.html",
        {"form": form, "community": view.community, "current": current},
    )


def _member_action(request: HttpRequest, slug: str, username: str, action: str) -> HttpResponse:
    view = selectors.community_for_viewer(request.user, slug)
    if not (view.can_manage or view.can_edit):
        raise Http404
    member = selectors.member_user(view.community, username)
    try:
        if action == "role":
            form = RoleForm(request.POST)
            if not form.is_valid():
                raise services.CommunityError(_("Choose a role."))
            services.membership_change_role(
                actor=request.user,
                community=view.community,
                user=member,
                role=Role(form.cleaned_data["role"]),
            )
        elif action == "handover":
            services.convenorship_hand_over(actor=request.user, community=view.community, to_user=member)
        else:
            services.membership_remove(
                actor=request.user, community=view.community, user=member, ban=request.POST.get("ban") == "1"
            )
    except services.CommunityError as error:
        messages.error(request, str(error))
    except PermissionDenied:
        messages.error(request, _("You cannot do that in this community."))
    else:
        messages.success(request, _("Done: %(name)s.") % {"name": member.display_name})
    return redirect("communities:detail", slug=slug)


@login_required
@require_POST
def member_role(request: HttpRequest, slug: str, username: str) -> HttpResponse:
    return _member_action(request, slug, username, "role")


@login_required
@require_POST
def member_remove(request: HttpRequest, slug: str, username: str) -> HttpResponse:
    return _member_action(request, slug, username, "remove")


@login_required
@require_POST
def hand_over(request: HttpRequest, slug: str, username: str) -> HttpResponse:
    return _member_action(request, slug, username, "handover")
