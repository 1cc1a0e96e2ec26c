"""HTTP in and out for learning alliances: the alliance and its platform tree, the shared direction, the
stakeholder register (grid, actions, pipeline, CSV), action research, the process log and dissemination.
Every decision is the policy's (permissions.py); every change the services'."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from catchment.accounts.permissions import is_member
from catchment.alliances import charts, mobilisation, permissions, selectors, services, stakeholders, tree
from catchment.alliances.forms import (
    AllianceForm,
    CycleForm,
    DirectionForm,
    ImportForm,
    InitiatorsForm,
    MoveForm,
    OutputForm,
    PlatformForm,
    ProcessEntryForm,
    ProcessFilterForm,
    RelationForm,
    StakeholderForm,
    _is_id,
)
from catchment.alliances.models import (
    CORE_VALUES,
    ActionResearchCycle,
    AllianceStage,
    CyclePhase,
    DisseminationOutput,
    Level,
    Mobilisation,
    OrgType,
    Platform,
    ProcessEntry,
    Stakeholder,
    StakeholderRelation,
)
from catchment.alliances.selectors import AllianceView
from catchment.communities import services as community_services
from catchment.core.csvfiles import csv_response
from catchment.core.paging import page_number
from catchment.core.views import posted
from catchment.library.models import Resource, ResourceStatus
from catchment.library.permissions import readable_q

QUADRANT_LABELS = {
    "manage_closely": gettext_lazy("Manage closely"),
    "keep_satisfied": gettext_lazy("Keep satisfied"),
    "keep_informed": gettext_lazy("Keep informed"),
    "monitor": gettext_lazy("Monitor"),
}
QUADRANT_HELP = {
    "manage_closely": gettext_lazy("High power, high interest: key players. Involve them fully and often."),
    "keep_satisfied": gettext_lazy("High power, low interest: consult them and raise their interest."),
    "keep_informed": gettext_lazy("Low power, high interest: keep them informed and build their capacity."),
    "monitor": gettext_lazy("Low power, low interest: inform them and watch for changes."),
}
# Each grid's quadrants, keyed like stakeholders.quadrant(up, across): "manage_closely" is high up, high
# across; "keep_satisfied" high up, low across; "keep_informed" low up, high across; "monitor" low, low.
GRID_LABELS = {
    "power": {key: (QUADRANT_LABELS[key], QUADRANT_HELP[key]) for key in QUADRANT_LABELS},
    "importance": {
        "manage_closely": (
            gettext_lazy("Key partners"),
            gettext_lazy("High influence, high importance: build a close working partnership with them."),
        ),
        "keep_satisfied": (
            gettext_lazy("Influential, less concerned"),
            gettext_lazy(
                "High influence, low importance: raise their awareness of what is at stake; they can block or enable."
            ),
        ),
        "keep_informed": (
            gettext_lazy("Concerned, less influential"),
            gettext_lazy(
                "Low influence, high importance: the alliance must meet their needs; build their capacity "
                "and protect their interests."
            ),
        ),
        "monitor": (
            gettext_lazy("Least priority"),
            gettext_lazy("Low influence, low importance: keep them informed and watch for changes."),
        ),
    },
    "alignment": {
        "manage_closely": (
            gettext_lazy("Learn in partnership"),
            gettext_lazy("High alignment, high interest: work with them; they are natural allies."),
        ),
        "keep_satisfied": (
            gettext_lazy("Develop enthusiasm"),
            gettext_lazy(
                "High alignment, low interest: they agree but are not engaged; raise their interest."
            ),
        ),
        "keep_informed": (
            gettext_lazy("Challenge existing beliefs"),
            gettext_lazy(
                "Low alignment, high interest: engaged but not in agreement; share evidence and discuss."
            ),
        ),
        "monitor": (
            gettext_lazy("Develop awareness and enthusiasm"),
            gettext_lazy("Low alignment, low interest: start with awareness before asking for support."),
        ),
    },
}
AXES = {
    # name: (across field, up field, across label, up label)
    "power": ("interest", "influence", gettext_lazy("Interest"), gettext_lazy("Power (influence)")),
    "importance": ("importance", "influence", gettext_lazy("Importance"), gettext_lazy("Influence")),
    "alignment": ("interest", "alignment", gettext_lazy("Interest"), gettext_lazy("Alignment")),
}
AXES_TITLES = {
    "power": gettext_lazy("Power and interest (Mendelow)"),
    "importance": gettext_lazy("Influence and importance (ODA)"),
    "alignment": gettext_lazy("Alignment and interest (ODI RAPID)"),
}
REGISTER_PAGE = 50
PIPELINE_COLUMN = 60
PROCESS_PAGE = 30


def _view(request: HttpRequest, slug: str) -> AllianceView:
    return selectors.alliance_for_viewer(request.user, slug)


def _require(allowed: bool) -> None:
    if not allowed:
        raise Http404


def _context(view: AllianceView, section: str, **extra: Any) -> dict[str, Any]:
    return {"view": view, "alliance": view.alliance, "section": section, **extra}


def _resources(request: HttpRequest, platforms: Iterable[Platform]) -> QuerySet[Resource]:
    """Library documents that may serve as evidence: those of the platforms' communities and the hub's."""
    communities = [p.community_id for p in platforms]
    return (
        Resource.objects.filter(readable_q(request.user))
        .filter(Q(community_id__in=communities) | Q(community__isnull=True), status=ResourceStatus.VISIBLE)
        .order_by("-created_at")[:300]
    )


def _resource_choices(request: HttpRequest, platforms: Iterable[Platform]) -> QuerySet[Resource]:
    ids = list(_resources(request, platforms).values_list("pk", flat=True))
    return Resource.objects.filter(pk__in=ids).order_by("title")


# --- Alliances --------------------------------------------------------------------------------------------


def _alliance_changes(data: dict[str, Any]) -> services.AllianceChanges:
    return services.AllianceChanges(
        name=data["name"],
        theme=data["theme"],
        summary=data["summary"],
        status=data["status"],
        visibility=data["visibility"],
        initiating_organisations=data["initiating_organisations"],
        slug=data.get("slug") or "",
    )


@require_safe
def alliance_list(request: HttpRequest) -> HttpResponse:
    alliances = list(selectors.visible_alliances(request.user)[:200])
    return render(
        request,
        "alliances/list.html",
        {"alliances": alliances, "can_create": permissions.can_create_alliance(request.user)},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def alliance_new(request: HttpRequest) -> HttpResponse:
    if not permissions.can_create_alliance(request.user):
        raise Http404
    form = AllianceForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            alliance = services.alliance_create(
                actor=request.user,
                changes=_alliance_changes(data),
            )
        except services.AllianceError as error:
            form.add_error("slug" if data["slug"] else "name", str(error))
        else:
            messages.success(request, _("The learning alliance is started. Add its first platform."))
            return redirect("alliances:detail", slug=alliance.slug)
    return render(request, "alliances/form.html", {"form": form, "title": _("Start a learning alliance")})


@require_safe
def alliance_detail(request: HttpRequest, slug: str) -> HttpResponse:
    view = _view(request, slug)
    platforms = view.platforms
    parents: dict[Any, Any] = {p.pk: p.parent_id for p in platforms}
    nodes, edges, height = charts.tree_layout([(p.pk, p.depth) for p in platforms], parents)  # type: ignore[attr-defined]
    by_pk: dict[Any, Platform] = {p.pk: p for p in platforms}
    linkage = selectors.linkage(view.alliance, platforms)
    level_labels = dict(Level.choices)
    stage_rows = [
        (stage, label, [p for p in platforms if p.stage == stage]) for stage, label in AllianceStage.choices
    ]
    counts = selectors.status_counts(view.alliance) if view.can_read_register else {}
    per_platform = selectors.linkage_by_platform(view.alliance) if view.can_read_register else {}
    for platform in platforms:
        horizontal, vertical = per_platform.get(platform.pk, (0, 0))
        platform.vertical_share = (  # type: ignore[attr-defined]
            round(100 * vertical / (horizontal + vertical)) if horizontal + vertical else None
        )
        found = counts.get(platform.pk)
        platform.committed_count = sum(found[s] for s in mobilisation.COMMITTED_OR_FURTHER) if found else 0  # type: ignore[attr-defined]
    direction = selectors.current_direction(view.alliance)
    return render(
        request,
        "alliances/detail.html",
        _context(
            view,
            "home",
            nodes=[(node, by_pk[node.key]) for node in nodes],
            edges=edges,
            tree_height=height,
            stage_rows=stage_rows,
            linkage=linkage,
            unlinked=[(level_labels[a], level_labels[b]) for a, b in linkage.unlinked_pairs],
            isolated=[level_labels[level] for level in linkage.isolated_levels],
            direction=direction,
            direction_values=_value_labels(direction),
        ),
    )


def _value_labels(direction: Any) -> list[str]:
    if direction is None:
        return []
    labels = dict(CORE_VALUES)
    chosen = [str(labels.get(value, value)) for value in direction.core_values]
    return chosen + ([direction.other_values] if direction.other_values else [])


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def alliance_edit(request: HttpRequest, slug: str) -> HttpResponse:
    view = _view(request, slug)
    _require(view.can_run or permissions.can_reopen_alliance(view.standing))
    alliance = view.alliance
    initial = {
        "name": alliance.name,
        "slug": alliance.slug,
        "theme": alliance.theme,
        "summary": alliance.summary,
        "initiating_organisations": alliance.initiating_organisations,
        "status": alliance.status,
        "visibility": alliance.visibility,
    }
    form = AllianceForm(posted(request), initial=initial)
    form.fields["slug"].disabled = True
    people = InitiatorsForm(
        posted(request),
        initial={"initiators": ", ".join(u.username for u in alliance.initiators.order_by("username"))},
    )
    if request.method == "POST" and form.is_valid() and people.is_valid():
        data = form.cleaned_data
        try:
            services.alliance_update(
                actor=request.user,
                alliance=alliance,
                changes=_alliance_changes(data),
                initiators=people.cleaned_data["initiators"],
            )
        except services.AllianceError as error:
            people.add_error("initiators", str(error))
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("Saved."))
            return redirect("alliances:detail", slug=alliance.slug)
    return render(request, "alliances/settings.html", _context(view, "settings", form=form, people=people))


# --- Platforms ----------------------------------------------------------------------------------------------


def _platform_changes(data: dict[str, Any]) -> services.PlatformChanges:
    return services.PlatformChanges(
        level=data["level"],
        parent=data.get("parent"),
        facilitator=data.get("facilitator"),
        stage=data["stage"],
        country=data.get("country", ""),
        area=data.get("area", ""),
        needed_types=data.get("needed_types") or [],
        stage_note=data.get("stage_note", ""),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def platform_new(request: HttpRequest, slug: str) -> HttpResponse:
    view = _view(request, slug)
    _require(view.can_run)
    communities = selectors.attachable_communities(request.user)
    default_level = Level.NATIONAL if not view.platforms else Level.INTERMEDIATE
    form = PlatformForm(
        posted(request),
        communities=communities,
        platforms=view.platforms,
        initial={
            "level": default_level,
            "needed_types": ["gov", "utility", "ngo", "cbo", "private", "academia"],
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data.get("community") is None:
                platform = services.platform_add_new(
                    actor=request.user,
                    alliance=view.alliance,
                    name=data["new_name"],
                    changes=_platform_changes(data),
                )
            else:
                platform = services.platform_add(
                    actor=request.user,
                    alliance=view.alliance,
                    community=data["community"],
                    changes=_platform_changes(data),
                )
        except (services.AllianceError, community_services.CommunityError) as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("%(name)s is now a platform of the alliance.") % {"name": platform})
            return redirect("alliances:detail", slug=slug)
    return render(
        request,
        "alliances/platform_form.html",
        _context(view, "home", form=form, title=_("Add a platform"), communities=communities),
    )


@require_safe
def platform_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    view = _view(request, slug)
    platform = view.platform(pk)
    _require(permissions.can_read_platform_work(view.standing, platform.pk))
    items = (
        list(selectors.register(view.alliance).filter(platforms=platform)) if view.can_read_register else []
    )
    share, per_type = stakeholders.coverage(
        selectors.assessed(items), platform.needed_types, mobilisation.COMMITTED_OR_FURTHER
    )
    type_labels = dict(OrgType.choices)
    changes = list(platform.stage_changes.select_related("actor").order_by("at", "pk"))
    return render(
        request,
        "alliances/platform.html",
        _context(
            view,
            "home",
            platform=platform,
            children=[p for p in view.platforms if p.parent_id == platform.pk],
            ancestors=[
                view.platform(a)
                for a in tree.ancestors({p.pk: p.parent_id for p in view.platforms}, platform.pk)
            ][::-1],
            can_edit=permissions.can_edit_platform_work(view.standing, platform.pk),
            stage_changes=changes,
            columns=[(Mobilisation(state).label, people) for state, people in selectors.pipeline(items)],
            coverage=share,
            coverage_rows=[(type_labels.get(kind, kind), count) for kind, count in per_type.items()],
            cycles=selectors.cycles([platform.pk]),
            entries=list(selectors.process_entries([platform.pk])[:10]),
            outputs=selectors.outputs([platform.pk])[:10],
        ),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def platform_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    view = _view(request, slug)
    platform = view.platform(pk)
    _require(view.can_run or permissions.can_edit_platform_work(view.standing, platform.pk))
    form = PlatformForm(
        posted(request),
        platforms=view.platforms,
        editing=platform,
        initial={
            "level": platform.level,
            "parent": platform.parent_id,
            "facilitator": platform.facilitator.username if platform.facilitator else "",
            "stage": platform.stage,
            "country": platform.country,
            "area": platform.area,
            "needed_types": platform.needed_types,
        },
    )
    if not view.can_run:
        for name in ("level", "parent", "facilitator"):
            form.fields[name].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.platform_update(
                actor=request.user, platform=platform, changes=_platform_changes(form.cleaned_data)
            )
        except services.AllianceError as error:
            form.add_error("parent" if view.can_run else None, str(error))
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("Saved."))
            return redirect("alliances:platform", slug=slug, pk=pk)
    return render(
        request,
        "alliances/platform_form.html",
        _context(view, "home", form=form, platform=platform, title=_("Change the platform")),
    )


@login_required
@require_POST
def platform_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    view = _view(request, slug)
    _require(view.can_run)
    platform = view.platform(pk)
    try:
        services.platform_remove(actor=request.user, platform=platform)
    except services.AllianceError as error:
        messages.error(request, str(error))
        return redirect("alliances:platform", slug=slug, pk=pk)
    messages.success(request, _("The platform is out of the alliance; its community stays as it was."))
    return redirect("alliances:detail", slug=slug)


# --- Shared direction -------------------------------------------------------------------------------------


@require_safe
def direction(request: HttpRequest, slug: str) -> HttpResponse:
    view = _view(request, slug)
    versions = selectors.direction_versions(view.alliance)
    return render(
        request,
        "alliances/direction.html",
        _context(
            view,
            "direction",
            current=versions[0] if versions else None,
            versions=versions,
            values=_value_labels(versions[0] if versions else None),
        ),
    )


@require_safe
def direction_version(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    view = _view(request, slug)
    versions = selectors.direction_versions(view.alliance)
    chosen = next((v for v in versions if v.number == number), None)
    if chosen is None:
        raise Http404
    return render(
        request,
        "alliances/direction.html",
        _context(
            view, "direction", current=chosen, versions=versions, values=_value_labels(chosen), old=True
        ),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def direction_edit(request: HttpRequest, slug: str) -> HttpResponse:
    view = _view(request, slug)
    _require(view.can_run)
    current = selectors.current_direction(view.alliance)
    initial: dict[str, Any] = {"based_on": current.number if current else None}
    if current is not None:
        initial.update(
            {
                name: getattr(current, name)
                for name in (
                    "objectives",
                    "vision",
                    "mission",
                    "core_values",
                    "other_values",
                    "activities",
                    "responsibilities",
                    "resources",
                    "contributions",
                    "agreed_on",
                )
            }
        )
    form = DirectionForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.direction_save(
                actor=request.user,
                alliance=view.alliance,
                values=form.cleaned_data,
                based_on=form.cleaned_data.get("based_on"),
            )
        except services.AllianceError as error:
            form.add_error(None, str(error))
            # keep the text; the next save is based on the version now current
            data = request.POST.copy()
            data["based_on"] = str(current.number) if current else ""
            form.data = data
        else:
            messages.success(request, _("The shared direction is saved as a new version."))
            return redirect("alliances:direction", slug=slug)
    return render(
        request, "alliances/direction_form.html", _context(view, "direction", form=form, current=current)
    )


# --- Stakeholders -----------------------------------------------------------------------------------------


def _register_view(request: HttpRequest, slug: str, edit: bool = False) -> AllianceView:
    view = _view(request, slug)
    _require(view.can_edit_register if edit else view.can_read_register)
    return view


def _stakeholder(view: AllianceView, pk: int) -> Stakeholder:
    item = selectors.register(view.alliance).filter(pk=pk).first()
    if item is None:
        raise Http404
    return item


@login_required
@require_safe
def stakeholder_list(request: HttpRequest, slug: str) -> HttpResponse:
    view = _register_view(request, slug)
    items = selectors.register(view.alliance)
    filters = {
        "platform": request.GET.get("platform", ""),
        "type": request.GET.get("type", ""),
        "level": request.GET.get("level", ""),
        "status": request.GET.get("status", ""),
    }
    if _is_id(filters["platform"]):
        items = items.filter(platforms=int(filters["platform"]))
    if filters["type"] in OrgType.values:
        items = items.filter(org_type=filters["type"])
    if filters["level"] in Level.values:
        items = items.filter(level=filters["level"])
    if filters["status"] in Mobilisation.values:
        items = items.filter(status=filters["status"])
    page = Paginator(items, REGISTER_PAGE).get_page(page_number(request))
    rows = [
        (
            item,
            stakeholders.quadrant(item.influence, item.interest),
            stakeholders.gap(item.engagement_current, item.engagement_desired),
        )
        for item in page.object_list
    ]
    return render(
        request,
        "alliances/stakeholders.html",
        _context(
            view,
            "stakeholders",
            page=page,
            rows=[(item, QUADRANT_LABELS[q], gap) for item, q, gap in rows],
            filters=filters,
            types=OrgType.choices,
            levels=Level.choices,
            statuses=Mobilisation.choices,
            total=page.paginator.count,
        ),
    )


@login_required
@require_safe
def stakeholder_csv(request: HttpRequest, slug: str) -> HttpResponse:
    view = _register_view(request, slug)
    return csv_response(
        f"{view.alliance.slug}-stakeholders.csv",
        services.CSV_COLUMNS,
        services.export_rows(selectors.register(view.alliance), view.csv_tokens),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def stakeholder_import(request: HttpRequest, slug: str) -> HttpResponse:
    view = _register_view(request, slug, edit=True)
    form = ImportForm(posted(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > services.MAX_IMPORT_BYTES:
            form.add_error("file", _("The file is larger than 2 MB; split it and import the parts."))
        else:
            try:
                added, updated = services.stakeholders_import(
                    actor=request.user, alliance=view.alliance, raw=upload.read()
                )
            except services.AllianceError as error:
                form.add_error("file", str(error))
            else:
                messages.success(
                    request,
                    _("Imported: %(added)s added, %(updated)s updated.")
                    % {"added": added, "updated": updated},
                )
                return redirect("alliances:stakeholders", slug=slug)
    return render(
        request,
        "alliances/import.html",
        _context(
            view, "stakeholders", form=form, columns=services.CSV_COLUMNS, required=services.REQUIRED_COLUMNS
        ),
    )


def _stakeholder_data(data: dict[str, Any]) -> services.StakeholderData:
    return services.StakeholderData(
        name=data["name"],
        kind=data["kind"],
        org_type=data["org_type"],
        level=data["level"],
        platforms=list(data["platforms"]),
        organisation=data.get("organisation"),
        contact=data.get("contact"),
        interest=data["interest"],
        influence=data["influence"],
        importance=data["importance"],
        alignment=data["alignment"],
        engagement_current=data["engagement_current"],
        engagement_desired=data["engagement_desired"],
        strategy=data["strategy"],
        rationale=data["rationale"],
        evidence=data["evidence"],
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def stakeholder_new(request: HttpRequest, slug: str) -> HttpResponse:
    view = _register_view(request, slug, edit=True)
    form = StakeholderForm(posted(request), platforms=view.platforms)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.stakeholder_save(
                actor=request.user, alliance=view.alliance, data=_stakeholder_data(form.cleaned_data)
            )
        except services.AllianceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("%(name)s is in the register.") % {"name": item.name})
            return redirect("alliances:stakeholder", slug=slug, pk=item.pk)
    return render(
        request,
        "alliances/stakeholder_form.html",
        _context(view, "stakeholders", form=form, title=_("Add a stakeholder")),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def stakeholder_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    view = _register_view(request, slug, edit=True)
    item = _stakeholder(view, pk)
    form = StakeholderForm(
        posted(request), platforms=view.platforms, initial=StakeholderForm.initial_for(item)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.stakeholder_save(
                actor=request.user,
                alliance=view.alliance,
                data=_stakeholder_data(form.cleaned_data),
                stakeholder=item,
            )
        except services.AllianceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Saved. The assessment history keeps the earlier scores."))
            return redirect("alliances:stakeholder", slug=slug, pk=pk)
    return render(
        request,
        "alliances/stakeholder_form.html",
        _context(
            view, "stakeholders", form=form, item=item, title=_("Assess %(name)s") % {"name": item.name}
        ),
    )


@login_required
@require_safe
def stakeholder_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    view = _register_view(request, slug)
    item = _stakeholder(view, pk)
    others = Stakeholder.objects.filter(alliance=view.alliance).exclude(pk=item.pk).order_by("name")
    relations = selectors.relations_of(item)
    assessments = list(item.assessments.select_related("assessed_by")[:50])
    return render(
        request,
        "alliances/stakeholder.html",
        _context(
            view,
            "stakeholders",
            item=item,
            platform_names=[(p.pk, view.names.get(p.pk, "")) for p in item.platforms.all()],
            quadrant=QUADRANT_LABELS[stakeholders.quadrant(item.influence, item.interest)],
            gap=stakeholders.gap(item.engagement_current, item.engagement_desired),
            assessments=assessments,
            steps=list(item.steps.select_related("actor")),
            relations=relations,
            move_form=MoveForm(current=item.status),
            next_states=[Mobilisation(state).label for state in mobilisation.next_states(item.status)],
            relation_form=RelationForm(others=others),
            trend=_trend(assessments),
        ),
    )


def _trend(assessments: list[Any]) -> list[tuple[float, float, float, str]]:
    """Influence and interest over the assessments, oldest first, as points of a small line chart
    (x from 0 to 300, y from 0 to 100 for scores 5 to 1)."""
    history = list(reversed(assessments))[-12:]
    if len(history) < 2:
        return []
    step = 300 / (len(history) - 1)
    return [
        (
            round(index * step, 1),
            100 - (row.influence - 1) * 25,
            100 - (row.interest - 1) * 25,
            row.assessed_at.date().isoformat(),
        )
        for index, row in enumerate(history)
    ]


@login_required
@require_POST
def stakeholder_move(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    view = _register_view(request, slug, edit=True)
    item = _stakeholder(view, pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a mobilisation step."))
    else:
        try:
            step = services.stakeholder_move(
                actor=request.user,
                stakeholder=item,
                target=form.cleaned_data["target"],
                reason=form.cleaned_data["reason"],
                fast_track=form.cleaned_data["fast_track"],
                expected=form.cleaned_data.get("expected") or None,
            )
        except services.AllianceError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("%(name)s: %(status)s.")
                % {"name": item.name, "status": Mobilisation(step.to_status).label},
            )
    target = request.POST.get("next", "")
    if target == "pipeline":
        return redirect(reverse("alliances:pipeline", kwargs={"slug": slug}) + f"#s{item.pk}")
    return redirect("alliances:stakeholder", slug=slug, pk=pk)


@login_required
@require_POST
def relation_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    view = _register_view(request, slug, edit=True)
    item = _stakeholder(view, pk)
    form = RelationForm(
        request.POST, others=Stakeholder.objects.filter(alliance=view.alliance).exclude(pk=item.pk)
    )
    if not form.is_valid():
        messages.error(request, _("Choose a stakeholder, a kind of tie and a strength from 1 to 5."))
    else:
        try:
            services.relation_add(
                actor=request.user,
                source=item,
                target=form.cleaned_data["target"],
                kind=form.cleaned_data["kind"],
                strength=form.cleaned_data["strength"],
            )
        except services.AllianceError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Tie recorded."))
    return redirect("alliances:stakeholder", slug=slug, pk=pk)


@login_required
@require_POST
def relation_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    view = _register_view(request, slug, edit=True)
    relation = (
        StakeholderRelation.objects.filter(pk=pk, source__alliance=view.alliance)
        .select_related("source__alliance")
        .first()
    )
    if relation is None:
        raise Http404
    services.relation_remove(actor=request.user, relation=relation)
    messages.success(request, _("Tie removed."))
    return redirect("alliances:stakeholder", slug=slug, pk=relation.source_id)


def _grid_data(view: AllianceView, axes: str) -> dict[str, Any]:
    across, up, across_label, up_label = AXES[axes]
    items = list(selectors.register(view.alliance))
    rows = []
    for item in items:
        quadrant = stakeholders.quadrant(getattr(item, up), getattr(item, across))
        rows.append((item, quadrant))
    points = charts.grid_points(
        [(item.pk, getattr(item, across), getattr(item, up), item.name, q) for item, q in rows]
    )
    by_pk: dict[Any, Stakeholder] = {item.pk: item for item in items}
    assessed = selectors.assessed(items)
    actions = [(by_pk[a.key], size, size * a.power) for a, size in stakeholders.actions(assessed)]
    coverage = []
    type_labels = dict(OrgType.choices)
    for platform in view.platforms:
        on_platform = [a for a, item in zip(assessed, items, strict=True) if platform in item.platforms.all()]
        share, per_type = stakeholders.coverage(
            on_platform, platform.needed_types, mobilisation.COMMITTED_OR_FURTHER
        )
        coverage.append((platform, share, [(type_labels.get(k, k), n) for k, n in per_type.items()]))
    return {
        "items": items,
        "points": [(point, by_pk[point.key]) for point in points],
        "quadrants": [
            (
                key,
                GRID_LABELS[axes][key][0],
                GRID_LABELS[axes][key][1],
                [item for item, q in rows if q == key],
            )
            for key in stakeholders.QUADRANTS
        ],
        "blockers": [by_pk[b.key] for b in stakeholders.blockers(assessed)],
        "actions": actions,
        "coverage": coverage,
        "across_label": across_label,
        "up_label": up_label,
        "axes": axes,
        "axes_choices": list(AXES_TITLES.items()),
        "axes_title": AXES_TITLES[axes],
    }


@login_required
@require_safe
def grid(request: HttpRequest, slug: str) -> HttpResponse:
    view = _register_view(request, slug)
    axes = request.GET.get("axes", "power")
    if axes not in AXES:
        axes = "power"
    return render(request, "alliances/grid.html", _context(view, "grid", **_grid_data(view, axes)))


@login_required
@require_safe
def grid_csv(request: HttpRequest, slug: str) -> HttpResponse:
    view = _register_view(request, slug)
    data = _grid_data(view, "power")
    priority = {item.pk: (size, score) for item, size, score in data["actions"]}
    blockers = {item.pk for item in data["blockers"]}
    rows = []
    for item in data["items"]:
        size, score = priority.get(
            item.pk, (stakeholders.gap(item.engagement_current, item.engagement_desired), 0)
        )
        rows.append(
            [
                item.name,
                item.influence,
                item.interest,
                item.importance,
                item.alignment,
                stakeholders.quadrant(item.influence, item.interest),
                item.engagement_current,
                item.engagement_desired,
                size,
                score,
                "yes" if item.pk in blockers else "",
                item.strategy,
                item.status,
            ]
        )
    header = [
        "name",
        "power",
        "interest",
        "importance",
        "alignment",
        "quadrant",
        "engagement_current",
        "engagement_desired",
        "gap",
        "gap_x_power",
        "blocker",
        "strategy",
        "mobilisation",
    ]
    return csv_response(f"{view.alliance.slug}-grid.csv", header, rows)


@login_required
@require_safe
def pipeline(request: HttpRequest, slug: str) -> HttpResponse:
    view = _register_view(request, slug)
    items = selectors.register(view.alliance)
    chosen = request.GET.get("platform", "")
    platform = None
    if _is_id(chosen):
        platform = next((p for p in view.platforms if p.pk == int(chosen)), None)
        if platform is not None:
            items = items.filter(platforms=platform)
    # a column shows its first stakeholders; the register, filtered by step, lists them all
    columns = [
        (state, Mobilisation(state).label, people[:PIPELINE_COLUMN], len(people))
        for state, people in selectors.pipeline(list(items))
    ]
    for _state, _label, people, _count in columns:
        for item in people:
            # one-click moves: the next step, or out; a re-approach needs a reason, given on the detail page
            item.quick_moves = [  # type: ignore[attr-defined]
                (state, Mobilisation(state).label)
                for state in mobilisation.next_states(item.status)
                if not mobilisation.is_reapproach(item.status, state)
            ]
    return render(
        request,
        "alliances/pipeline.html",
        _context(
            view,
            "pipeline",
            columns=columns,
            platform=platform,
        ),
    )


# --- Action research ----------------------------------------------------------------------------------------


@require_safe
def cycle_list(request: HttpRequest, slug: str) -> HttpResponse:
    view = _view(request, slug)
    readable = view.readable_platforms
    cycles = selectors.cycles([p.pk for p in readable])
    return render(
        request,
        "alliances/cycles.html",
        _context(
            view,
            "cycles",
            groups=[(p, [c for c in cycles if c.platform_id == p.pk]) for p in readable],
            editable={p.pk for p in view.editable_platforms},
            phases=CyclePhase.choices,
        ),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def cycle_new(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    view = _view(request, slug)
    platform = view.platform(pk)
    _require(permissions.can_edit_platform_work(view.standing, platform.pk))
    form = CycleForm(posted(request), resources=_resource_choices(request, [platform]))
    if request.method == "POST" and form.is_valid():
        try:
            cycle = services.cycle_save(
                actor=request.user,
                platform=platform,
                values=form.cleaned_data,
                evidence=form.cleaned_data["evidence"],
            )
        except services.AllianceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Cycle %(number)s is started.") % {"number": cycle.number})
            return redirect("alliances:cycles", slug=slug)
    return render(
        request,
        "alliances/cycle_form.html",
        _context(view, "cycles", form=form, platform=platform, cycle=None),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def cycle_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    view = _view(request, slug)
    cycle = (
        ActionResearchCycle.objects.filter(pk=pk, platform__alliance=view.alliance)
        .select_related("platform__community", "previous")
        .prefetch_related("evidence")
        .first()
    )
    if cycle is None or not permissions.can_read_platform_work(view.standing, cycle.platform_id):
        raise Http404
    platform = view.platform(cycle.platform_id)
    can_edit = permissions.can_edit_platform_work(view.standing, platform.pk)
    if request.method == "POST" and not can_edit:
        raise Http404
    form = CycleForm(posted(request), instance=cycle, resources=_resource_choices(request, [platform]))
    if request.method == "POST" and form.is_valid():
        try:
            services.cycle_save(
                actor=request.user,
                platform=platform,
                values=form.cleaned_data,
                evidence=form.cleaned_data["evidence"],
                cycle=cycle,
            )
        except services.AllianceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Saved."))
            return redirect("alliances:cycle", slug=slug, pk=pk)
    following = ActionResearchCycle.objects.filter(previous=cycle).first()
    return render(
        request,
        "alliances/cycle_form.html",
        _context(
            view, "cycles", form=form, platform=platform, cycle=cycle, can_edit=can_edit, following=following
        ),
    )


# --- Process documentation -----------------------------------------------------------------------------------


def _filtered_entries(
    request: HttpRequest, view: AllianceView
) -> tuple[ProcessFilterForm, QuerySet[ProcessEntry]]:
    readable = view.readable_platforms
    form = ProcessFilterForm(request.GET or None, platforms=readable)
    entries = selectors.process_entries([p.pk for p in readable])
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data.get("platform"):
            entries = entries.filter(platform_id=data["platform"])
        if data.get("tag"):
            entries = entries.filter(tags__icontains=data["tag"].strip())
        if data.get("q"):
            words = data["q"].strip()
            entries = entries.filter(
                Q(title__icontains=words)
                | Q(details__icontains=words)
                | Q(what_changed__icontains=words)
                | Q(enabling__icontains=words)
                | Q(hindering__icontains=words)
                | Q(corrective_action__icontains=words)
            )
        if data.get("start"):
            entries = entries.filter(happened_on__gte=data["start"])
        if data.get("end"):
            entries = entries.filter(happened_on__lte=data["end"])
    return form, entries


@require_safe
def process_log(request: HttpRequest, slug: str) -> HttpResponse:
    view = _view(request, slug)
    form, entries = _filtered_entries(request, view)
    page = Paginator(entries, PROCESS_PAGE).get_page(page_number(request))
    lanes = {p.pk: index for index, p in enumerate(view.readable_platforms)}
    dated = list(entries.values_list("pk", "happened_on", "platform_id")[:500])
    marks, ticks, first, last = charts.timeline(
        [(pk, day, lanes.get(platform, 0)) for pk, day, platform in dated]
    )
    titles: dict[Any, str] = dict(entries.values_list("pk", "title")[:500])
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "alliances/process.html",
        _context(
            view,
            "process",
            form=form,
            page=page,
            marks=[(mark, 24 * (mark.lane + 1), titles.get(mark.key, "")) for mark in marks],
            ticks=ticks,
            lanes=[(24 * (lanes[p.pk] + 1), p.community.name) for p in view.readable_platforms],
            timeline_height=40 + 24 * max(len(lanes), 1),
            first=first,
            last=last,
            editable={p.pk for p in view.editable_platforms},
            can_add=bool(view.editable_platforms),
            query=query.urlencode(),
        ),
    )


@require_safe
def process_csv(request: HttpRequest, slug: str) -> HttpResponse:
    view = _view(request, slug)
    _form, entries = _filtered_entries(request, view)
    rows = (
        [
            entry.happened_on.isoformat(),
            entry.platform.community.name,
            entry.title,
            entry.details,
            entry.what_changed,
            entry.enabling,
            entry.hindering,
            entry.corrective_action,
            entry.evidence_url,
            entry.evidence.title if entry.evidence else "",
            entry.tags,
            entry.author.display_name if entry.author else "",
        ]
        for entry in entries[:10000]
    )
    header = [
        "date",
        "platform",
        "what_happened",
        "details",
        "what_changed",
        "enabling",
        "hindering",
        "corrective_action",
        "evidence_url",
        "evidence_in_library",
        "tags",
        "author",
    ]
    return csv_response(f"{view.alliance.slug}-process-log.csv", header, rows)


def _process_form(request: HttpRequest, view: AllianceView, entry: ProcessEntry | None) -> HttpResponse:
    editable = view.editable_platforms
    initial = {}
    if entry is not None:
        initial = {name: getattr(entry, name) for name in services.PROCESS_FIELDS}
        initial["platform"] = entry.platform_id
    elif _is_id(request.GET.get("platform", "")):
        initial["platform"] = int(request.GET["platform"])
    form = ProcessEntryForm(
        posted(request), platforms=editable, resources=_resource_choices(request, editable), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        platform = data.pop("platform")
        try:
            if entry is not None and platform.pk != entry.platform_id:
                raise services.AllianceError(
                    _("An entry stays on its platform; add a new one on the other platform.")
                )
            services.process_entry_save(actor=request.user, platform=platform, values=data, entry=entry)
        except services.AllianceError as error:
            form.add_error(None, str(error))
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("The process log is updated."))
            return redirect("alliances:process", slug=view.alliance.slug)
    return render(request, "alliances/process_form.html", _context(view, "process", form=form, entry=entry))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def process_new(request: HttpRequest, slug: str) -> HttpResponse:
    view = _view(request, slug)
    _require(bool(view.editable_platforms))
    return _process_form(request, view, None)


def _entry(view: AllianceView, pk: int) -> ProcessEntry:
    entry = (
        ProcessEntry.objects.filter(pk=pk, platform__alliance=view.alliance)
        .select_related("platform__alliance")
        .first()
    )
    if entry is None or not permissions.can_edit_platform_work(view.standing, entry.platform_id):
        raise Http404
    return entry


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def process_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    view = _view(request, slug)
    return _process_form(request, view, _entry(view, pk))


@login_required
@require_POST
def process_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    view = _view(request, slug)
    services.process_entry_delete(actor=request.user, entry=_entry(view, pk))
    messages.success(request, _("The entry is deleted."))
    return redirect("alliances:process", slug=slug)


# --- Dissemination --------------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def outputs(request: HttpRequest, slug: str) -> HttpResponse:
    view = _view(request, slug)
    editable = view.editable_platforms
    if request.method == "POST" and not (is_member(request.user) and editable):
        raise Http404
    form = (
        OutputForm(posted(request), platforms=editable, resources=_resource_choices(request, editable))
        if editable
        else None
    )
    if request.method == "POST" and form is not None and form.is_valid():
        data = dict(form.cleaned_data)
        platform = data.pop("platform")
        try:
            services.output_save(actor=request.user, platform=platform, values=data)
        except PermissionDenied:
            raise Http404 from None
        messages.success(request, _("The output is recorded."))
        return redirect("alliances:outputs", slug=slug)
    readable = view.readable_platforms
    items = selectors.outputs([p.pk for p in readable])
    by_audience: dict[str, int] = {}
    for item in items:
        by_audience[item.get_audience_display()] = by_audience.get(item.get_audience_display(), 0) + 1
    return render(
        request,
        "alliances/outputs.html",
        _context(
            view,
            "outputs",
            items=items,
            form=form,
            editable={p.pk for p in editable},
            by_audience=sorted(by_audience.items()),
        ),
    )


@login_required
@require_POST
def output_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    view = _view(request, slug)
    output = (
        DisseminationOutput.objects.filter(pk=pk, platform__alliance=view.alliance)
        .select_related("platform__alliance")
        .first()
    )
    if output is None or not permissions.can_edit_platform_work(view.standing, output.platform_id):
        raise Http404
    services.output_delete(actor=request.user, output=output)
    messages.success(request, _("The output is deleted."))
    return redirect("alliances:outputs", slug=slug)
