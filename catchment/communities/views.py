"""HTTP in and out for communities: catalogue, home, joining, stages and the charter."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Model
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from catchment.accounts import selectors as account_selectors
from catchment.communities import design, export, permissions, selectors, services
from catchment.communities.charter import compare, completeness, missing_sections
from catchment.communities.forms import (
    AcceptInvitationForm,
    ActivityForm,
    CatalogueForm,
    CharterForm,
    CommunityForm,
    ConductForm,
    ConsultationForm,
    CoverForm,
    DecisionForm,
    InvitationForm,
    JoinForm,
    MilestoneForm,
    ResourceCommitmentForm,
    RoleForm,
    StageForm,
)
from catchment.communities.models import (
    CHARTER_SECTIONS,
    CONSULTATION_FIELDS,
    Activity,
    CharterVersion,
    Community,
    Consultation,
    Milestone,
    ResourceCommitment,
    Role,
    Stage,
    charter_section_label,
)
from catchment.core import limits, pagecache
from catchment.core.csvfiles import csv_response
from catchment.core.paging import page_number, query_text
from catchment.core.views import posted, safe_next, serve_picture
from catchment.discussions import permissions as discussion_policy
from catchment.discussions import selectors as discussion_selectors
from catchment.events import selectors as event_selectors
from catchment.insights import selectors as insight_selectors


@require_safe
@pagecache.cache_anonymous(pagecache.hub_scope)
def home(request: HttpRequest) -> HttpResponse:
    """The hub's front page: live counts of people, countries, organisations and communities."""
    return render(
        request,
        "accounts/home.html",
        {
            "counts": account_selectors.hub_counts(),
            "community_count": selectors.community_count(request.user),
            "newest": account_selectors.newest_profiles(request.user),
            "feed": discussion_selectors.feed(request.user),
            "events": event_selectors.upcoming(request.user),
        },
    )


@require_safe
@pagecache.cache_anonymous(pagecache.hub_scope)
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
        posted(request),
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
@pagecache.cache_anonymous(pagecache.community_scope)
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    view = selectors.community_for_viewer(request.user, slug)
    context: dict[str, object] = {"view": view, "community": view.community, "join_form": JoinForm()}
    if view.can_read:
        charter = selectors.current_charter(view.community)
        context.update(
            charter=charter,
            charter_complete=round(100 * completeness(charter.sections())) if charter else 0,
            members_by_role=selectors.members_by_role(view.community),
            upcoming=selectors.upcoming_activities(view.community, timezone.localdate()),
            feed=discussion_selectors.feed(request.user, view.community, limit=6),
            events=event_selectors.upcoming(request.user, view.community),
            recent_topics=discussion_selectors.recent_topics(
                view.community,
                moderator=discussion_policy.can_moderate(request.user, view.community, view.membership),
            ),
            must_accept_conduct=permissions.needs_conduct_acceptance(
                view.community, view.membership, charter.code_of_conduct if charter else ""
            ),
        )
        if request.user.is_authenticated and not view.community.is_read_only:
            context["open_survey"] = insight_selectors.open_survey_to_answer(view.community, request.user.pk)
        if view.community.stage == Stage.DESIGN and view.can_change_stage:
            context["readiness"] = selectors.launch_readiness(view.community, charter)
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
    if left.isdecimal() and right.isdecimal() and len(left) < 7 and len(right) < 7:
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
    history = selectors.charter_history(view.community)
    sponsors = selectors.sponsor_ids(view.community)
    due = selectors.review_due(history)
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
            "history": history,
            "approved": next((v for v in versions if v.status == "approved"), None),
            "can_approve": shown is not None
            and shown.status == "draft"
            and permissions.can_approve_charter(
                request.user, view.community, is_sponsor=request.user.pk in sponsors
            ),
            "sponsor_named": bool(sponsors),
            "review_due": due,
            "review_overdue": due is not None and due < timezone.localdate(),
        },
    )


@login_required
@require_POST
def charter_approve(request: HttpRequest, slug: str) -> HttpResponse:
    view = selectors.community_for_viewer(request.user, slug)
    if not view.can_read:
        raise Http404
    number = request.POST.get("number", "")
    if not (number.isdecimal() and len(number) < 7):
        messages.error(request, _("Choose the version to approve."))
        return redirect("communities:charter", slug=slug)
    try:
        services.charter_approve(actor=request.user, community=view.community, number=int(number))
    except services.NotAuthorised:
        raise Http404 from None
    except services.CommunityError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The charter is approved. It is due for review in a year."))
    return redirect("communities:charter", slug=slug)


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
                # Keep the editor's text; the next save is based on the version now current, which the
                # page shows, so "save again" works once they have compared.
                form = _rebased(CharterForm, request, current.number if current else "")
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


def _rebased(form_class: type[Any], request: HttpRequest, based_on: object, **kwargs: Any) -> Any:
    """The posted form again, now based on the version saved meanwhile (the editor's text is kept)."""
    data = request.POST.copy()
    data["based_on"] = "" if based_on is None else str(based_on)
    form = form_class(data, **kwargs)
    form.is_valid()
    return form


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
    return redirect(safe_next(request, reverse("communities:detail", kwargs={"slug": slug})))


@require_safe
def members(request: HttpRequest, slug: str) -> HttpResponse:
    """Everyone in the community, by name, fifty to a page, with the managers' role and removal forms."""
    view = selectors.community_for_viewer(request.user, slug)
    if not view.can_read:
        raise Http404
    query = query_text(request, "q")
    role = request.GET.get("role", "")
    found = selectors.member_directory(view.community, query=query, role=role)
    page = Paginator(found, selectors.MEMBERS_PER_PAGE).get_page(page_number(request))
    return render(
        request,
        "communities/members.html",
        {
            "view": view,
            "community": view.community,
            "page": page,
            "query": query,
            "role": role if role in Role.values else "",
            "roles": Role.choices,
            "role_choices": [(value.value, value.label) for value in Role if value != Role.CONVENOR],
        },
    )


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


# Settings, cover, code of conduct ------------------------------------------------------------------------


def _settings_initial(community: Community) -> dict[str, object]:
    return {
        "name": community.name,
        "summary": community.summary,
        "description": community.description,
        "visibility": community.visibility,
        "join_policy": community.join_policy,
        "membership_basis": community.membership_basis,
        "themes": list(community.themes.all()),
        "languages": [language.code for language in community.languages.all()],
    }


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def community_settings(request: HttpRequest, slug: str) -> HttpResponse:
    view = selectors.community_for_viewer(request.user, slug)
    if not view.can_edit:
        raise Http404
    community = view.community
    if request.method == "POST":
        form = CommunityForm(request.POST)
        cover_form = CoverForm(request.POST, request.FILES)
        if form.is_valid() and cover_form.is_valid():
            services.community_update(actor=request.user, community=community, changes=form.to_changes())
            picture = cover_form.cleaned_data.get("cover")
            if picture is not None or cover_form.cleaned_data.get("remove_cover"):
                services.community_cover_set(actor=request.user, community=community, picture=picture)
            messages.success(request, _("The community's settings have been saved."))
            return redirect("communities:detail", slug=community.slug)
    else:
        form = CommunityForm(initial=_settings_initial(community))
        cover_form = CoverForm()
    return render(
        request,
        "communities/settings.html",
        {"form": form, "cover_form": cover_form, "community": community, "view": view},
    )


@require_safe
def cover(request: HttpRequest, slug: str) -> FileResponse:
    return serve_picture(selectors.community_for_viewer(request.user, slug).community.cover)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def conduct(request: HttpRequest, slug: str) -> HttpResponse:
    """The code of conduct, and for a member who has not accepted it yet, the acceptance."""
    view = selectors.community_for_viewer(request.user, slug)
    if not view.can_read:
        raise Http404
    charter = selectors.current_charter(view.community)
    text = charter.code_of_conduct if charter else ""
    must_accept = permissions.needs_conduct_acceptance(view.community, view.membership, text)
    form = ConductForm(posted(request))
    if request.method == "POST":
        if not must_accept:
            messages.info(request, _("There is nothing to accept."))
            return redirect("communities:detail", slug=slug)
        if form.is_valid():
            services.conduct_accept(actor=request.user, community=view.community)
            messages.success(request, _("Thank you: your acceptance of the code of conduct is recorded."))
            return redirect("communities:detail", slug=slug)
    return render(
        request,
        "communities/conduct.html",
        {
            "view": view,
            "community": view.community,
            "charter": charter,
            "must_accept": must_accept,
            "form": form,
        },
    )


# Invitations -------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def invitations(request: HttpRequest, slug: str) -> HttpResponse:
    view = selectors.community_for_viewer(request.user, slug)
    if not view.can_invite:
        raise Http404
    community = view.community
    form = InvitationForm(posted(request), initial={"language": get_language(), "role": Role.MEMBER})
    refusal = None
    if request.method == "POST" and form.is_valid():
        sent, refused = [], []
        for address in form.cleaned_data["emails"]:
            try:
                services.invitation_create(
                    actor=request.user,
                    community=community,
                    email=address,
                    role=Role(form.cleaned_data["role"]),
                    message=form.cleaned_data["message"],
                    language=form.cleaned_data["language"],
                )
            except services.CommunityError as error:
                refused.append(str(error))
                if limits.retry_after(error):
                    refusal = error  # the day's budget is spent: the other addresses would be refused alike
                    break
            except PermissionDenied:
                refused.append(_("You cannot invite people to this community."))
            else:
                sent.append(address)
        if sent:
            messages.success(
                request,
                ngettext("Invitation sent to %(addresses)s.", "Invitations sent to %(addresses)s.", len(sent))
                % {"addresses": ", ".join(sent)},
            )
        for problem in refused:
            messages.error(request, problem)
        if not refused:
            return redirect("communities:invitations", slug=slug)
    return limits.answer(
        render(
            request,
            "communities/invitations.html",
            {
                "view": view,
                "community": community,
                "form": form,
                "waiting": list(selectors.waiting_invitations(community)),
                "recent": selectors.recent_invitations(community),
                "valid_days": settings.INVITATION_VALID_DAYS,
            },
        ),
        refusal,
    )


@login_required
@require_POST
def invitation_withdraw(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    view = selectors.community_for_viewer(request.user, slug)
    if not view.can_invite:
        raise Http404
    invitation = selectors.waiting_invitations(view.community).filter(pk=pk).first()
    if invitation is None:
        messages.error(request, _("This invitation is no longer waiting."))
    else:
        try:
            services.invitation_withdraw(actor=request.user, invitation=invitation)
        except services.CommunityError as error:
            messages.error(request, str(error))
        except PermissionDenied:
            messages.error(request, _("You cannot do that in this community."))
        else:
            messages.success(
                request, _("The invitation to %(email)s is withdrawn.") % {"email": invitation.email}
            )
    return redirect("communities:invitations", slug=slug)


@require_http_methods(["GET", "HEAD", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Where an invitation link leads: sign up or sign in, accept the code of conduct, join."""
    found = selectors.invitation_by_token(token)
    problem = services.invitation_problem(found)
    if problem:
        return render(
            request,
            "communities/invitation_problem.html",
            {"problem": problem},
            status=404 if found is None else 410,
        )
    assert found is not None
    community = found.community
    charter = selectors.current_charter(community)
    conduct_text = charter.code_of_conduct.strip() if charter else ""
    context: dict[str, object] = {"invitation": found, "community": community, "charter": charter}
    if not request.user.is_authenticated:
        if request.method == "POST":
            return redirect_to_login(request.get_full_path())
        # The link arrived at this address: an account opened with it needs no second confirmation mail.
        get_adapter(request).stash_verified_email(request, found.email)
        return render(request, "communities/invitation.html", context)
    membership = permissions.membership_of(request.user, community)
    if membership is not None and membership.status == "active":
        messages.info(request, _("You are already a member of this community."))
        return redirect("communities:detail", slug=community.slug)
    form = AcceptInvitationForm(posted(request), conduct_required=bool(conduct_text))
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_accept(
                actor=request.user,
                token=token,
                accept_conduct=bool(form.cleaned_data.get("accept_conduct")),
                organisation=form.cleaned_data.get("organisation"),
            )
        except services.CommunityError as error:
            form.add_error(None, str(error))
        except PermissionDenied:
            form.add_error(None, _("You cannot join this community."))
        else:
            messages.success(request, _("Welcome to %(name)s!") % {"name": community.name})
            return redirect("communities:detail", slug=community.slug)
    context.update(
        form=form, conduct_text=conduct_text, organisation_based=community.membership_basis == "organisation"
    )
    return render(request, "communities/invitation.html", context)


# Charter export ------------------------------------------------------------------------------------------


def _readable_charter(request: HttpRequest, slug: str) -> tuple[Community, CharterVersion]:
    view = selectors.community_for_viewer(request.user, slug)
    if not view.can_read:
        raise Http404
    current = selectors.current_charter(view.community)
    if current is None:
        raise Http404
    return view.community, current


@require_safe
def charter_markdown(request: HttpRequest, slug: str) -> HttpResponse:
    community, version = _readable_charter(request, slug)
    response = HttpResponse(
        export.charter_markdown(community, version, selectors.charter_history(community)),
        content_type="text/markdown; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{community.slug}-charter-v{version.number}.md"'
    return response


@require_safe
def charter_docx(request: HttpRequest, slug: str) -> HttpResponse:
    community, version = _readable_charter(request, slug)
    response = HttpResponse(
        export.charter_docx(community, version, selectors.charter_history(community)),
        content_type=export.DOCX_TYPE,
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{community.slug}-charter-v{version.number}.docx"'
    )
    return response


# Design tools: consultation, roles and resources, activity plan, follow-up plan --------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def consultation(request: HttpRequest, slug: str) -> HttpResponse:
    view = selectors.community_for_viewer(request.user, slug)
    if not view.can_read:
        raise Http404
    current = selectors.consultation(view.community)
    editing = view.can_edit and (
        request.method == "POST" or request.GET.get("edit") == "1" or current is None
    )
    form = None
    if view.can_edit:
        form = ConsultationForm(
            posted(request), instance=current, initial={"based_on": selectors.consultation_stamp(current)}
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.consultation_save(
                    actor=request.user,
                    community=view.community,
                    answers=form.cleaned_data,
                    based_on=form.cleaned_data["based_on"],
                )
            except services.CommunityError as error:
                form = _rebased(
                    ConsultationForm, request, selectors.consultation_stamp(current), instance=current
                )
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The consultation has been saved."))
                return redirect("communities:consultation", slug=slug)
    elif request.method == "POST":
        raise Http404
    answers = []
    if current is not None:
        answers = [
            (getattr(Consultation._meta.get_field(name), "verbose_name", name), getattr(current, name))
            for name in CONSULTATION_FIELDS
        ]
    return render(
        request,
        "communities/consultation.html",
        {
            "view": view,
            "community": view.community,
            "consultation": current,
            "answers": answers,
            "form": form,
            "editing": editing,
        },
    )


@dataclass(frozen=True)
class Sheet:
    form: type[Any]
    model: type[Model]
    template: str
    url: str
    saved: Any


SHEETS = {
    "resources": Sheet(
        ResourceCommitmentForm,
        ResourceCommitment,
        "communities/resources.html",
        "communities:resources",
        gettext_lazy("The line has been saved."),
    ),
    "activities": Sheet(
        ActivityForm,
        Activity,
        "communities/activities.html",
        "communities:activities",
        gettext_lazy("The activity has been saved."),
    ),
    "milestones": Sheet(
        MilestoneForm,
        Milestone,
        "communities/milestones.html",
        "communities:milestones",
        gettext_lazy("The milestone has been saved."),
    ),
}


def _sheet_context(kind: str, community: Community) -> dict[str, object]:
    today = timezone.localdate()
    if kind == "resources":
        lines = selectors.resource_commitments(community)
        members = selectors.active_member_count(community)
        totals = design.resource_totals(
            design.ResourceLine(line.responsibility, line.who, line.hours_per_month) for line in lines
        )
        return {
            "items": lines,
            "totals": totals,
            "members": members,
            "support_fte": design.support_fte(members),
            "gaps": selectors.role_gaps(lines),
        }
    if kind == "activities":
        items = selectors.activities(community)
        return {
            "items": items,
            "timeline": design.timeline(
                [
                    design.TimelineInput(
                        item.pk,
                        item.title,
                        item.kind,
                        item.cadence,
                        item.status,
                        item.starts_on,
                        item.ends_on,
                    )
                    for item in items
                ],
                today,
            ),
        }
    steps = selectors.milestones(community)
    return {
        "items": [(step, step.is_overdue(today)) for step in steps],
        "overdue": sum(1 for step in steps if step.is_overdue(today)),
        "today": today,
    }


def _render_sheet(
    request: HttpRequest,
    view: selectors.CommunityView,
    kind: str,
    form: Any,
    editing: Any = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "view": view,
        "community": view.community,
        "form": form,
        "editing": editing,
        "kind": kind,
        **_sheet_context(kind, view.community),
    }
    return render(request, SHEETS[kind].template, context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def sheet(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    """A design sheet: everyone who reads the community sees it; convenors add lines."""
    view = selectors.community_for_viewer(request.user, slug)
    if not view.can_read or (request.method == "POST" and not view.can_edit):
        raise Http404
    form = SHEETS[kind].form(posted(request), community=view.community) if view.can_edit else None
    return _save_or_show_sheet(request, view, kind, form)


def _save_or_show_sheet(
    request: HttpRequest, view: selectors.CommunityView, kind: str, form: Any, editing: Model | None = None
) -> HttpResponse:
    """Save a posted line through the service and go back to the sheet, or show the sheet with the form."""
    spec = SHEETS[kind]
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.plan_item_save(
                actor=request.user, community=view.community, item=form.save(commit=False)
            )
        except services.CommunityError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, str(spec.saved))
            return redirect(spec.url, slug=view.community.slug)
    return _render_sheet(request, view, kind, form, editing=editing)


def _sheet_item(request: HttpRequest, slug: str, kind: str, pk: int) -> tuple[selectors.CommunityView, Model]:
    view = selectors.community_for_viewer(request.user, slug)
    if not view.can_edit:
        raise Http404
    item = SHEETS[kind].model._default_manager.filter(community=view.community, pk=pk).first()
    if item is None:
        raise Http404
    return view, item


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def sheet_item(request: HttpRequest, slug: str, kind: str, pk: int) -> HttpResponse:
    view, item = _sheet_item(request, slug, kind, pk)
    form = SHEETS[kind].form(posted(request), instance=item, community=view.community)
    return _save_or_show_sheet(request, view, kind, form, editing=item)


@login_required
@require_POST
def sheet_item_delete(request: HttpRequest, slug: str, kind: str, pk: int) -> HttpResponse:
    view, item = _sheet_item(request, slug, kind, pk)
    services.plan_item_delete(actor=request.user, community=view.community, item=item)  # type: ignore[type-var]
    messages.success(request, _("Deleted."))
    return redirect(SHEETS[kind].url, slug=slug)


@require_safe
def activities_csv(request: HttpRequest, slug: str) -> HttpResponse:
    view = selectors.community_for_viewer(request.user, slug)
    if not view.can_read:
        raise Http404
    return csv_response(
        f"{view.community.slug}-activity-plan.csv",
        ["title", "kind", "cadence", "owner", "starts_on", "ends_on", "status"],
        (
            [
                item.title,
                item.kind,
                item.cadence,
                item.owner.display_name if item.owner else "",
                item.starts_on.isoformat(),
                item.ends_on.isoformat() if item.ends_on else "",
                item.status,
            ]
            for item in selectors.activities(view.community)
        ),
    )
