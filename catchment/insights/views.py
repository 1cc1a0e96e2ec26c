"""HTTP in and out for insights: a community's dashboard, its network (drawn, tabled, exported), a member's
own level, level settings, and the hub team's comparison of all communities."""

from __future__ import annotations

from typing import Any

import networkx as nx
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from catchment.communities import design
from catchment.communities import selectors as community_selectors
from catchment.communities.selectors import CommunityView
from catchment.core.csvfiles import csv_response
from catchment.core.views import posted, safe_next
from catchment.insights import charts, network, permissions, selectors, services
from catchment.insights import stories as stories_module
from catchment.insights import value as value_module
from catchment.insights.forms import IndicatorForm, LevelSettingsForm, ObservationForm, StoryForm

LEVEL_LABELS = {
    "core": pgettext_lazy("participation level", "Core"),
    "active": pgettext_lazy("participation level", "Active"),
    "occasional": pgettext_lazy("participation level", "Occasional"),
    "peripheral": pgettext_lazy("participation level", "Peripheral"),
    "transactional": pgettext_lazy("participation level", "Transactional"),
    "lapsed": pgettext_lazy("participation level", "Lapsed"),
}
LEVEL_HELP = {
    "core": gettext_lazy("A small group whose engagement energises the community."),
    "active": gettext_lazy("Regular contributors who shape the community."),
    "occasional": gettext_lazy("Take part when a topic matters to them."),
    "peripheral": gettext_lazy("Connected, reading more than writing."),
    "transactional": gettext_lazy("Not members, but came for an event or a resource."),
    "lapsed": gettext_lazy("No sign of them in this window."),
}
REFERENCE = {"core": "10–15 %", "active": "15–20 %"}
ATTRIBUTES = {
    "organisation": gettext_lazy("Organisation"),
    "country": gettext_lazy("Country"),
    "stakeholder_group": gettext_lazy("Stakeholder group"),
    "language": gettext_lazy("Language"),
}
PSEUDONYM = gettext_lazy("Person %(number)d")
TABLE_ROWS = 60  # the network page lists the most connected; the downloads hold everyone


def _dashboard_view(request: HttpRequest, slug: str) -> CommunityView:
    view = community_selectors.community_for_viewer(request.user, slug)
    if not permissions.can_see_insights(request.user, view.community, view.membership):
        raise Http404
    return view


def _levels_context(snapshot: Any) -> dict[str, Any]:
    if snapshot is None:
        return {}
    counts = snapshot.data.get("counts", {})
    shares = snapshot.data.get("shares", {})
    rows = [
        {
            "key": key,
            "label": LEVEL_LABELS[key],
            "help": LEVEL_HELP[key],
            "count": counts.get(key, 0),
            "share": shares.get(key, 0.0),
            "reference": REFERENCE.get(key, ""),
        }
        for key in LEVEL_LABELS
    ]
    transitions = snapshot.data.get("transitions") or {}
    matrix = [
        (LEVEL_LABELS[source], [transitions.get(source, {}).get(target, 0) for target in LEVEL_LABELS])
        for source in LEVEL_LABELS
    ]
    return {
        "level_rows": rows,
        "rings": [(ring, LEVEL_LABELS[ring.level]) for ring in charts.bulb(counts)],
        "transitions": matrix if transitions else [],
        "previous_at": snapshot.data.get("previous_at", ""),
        "core_quota": snapshot.data.get("core_quota", 0),
    }


def _disparities(snapshot: Any, attribute: str) -> list[tuple[str, list[float]]]:
    if snapshot is None:
        return []
    groups = snapshot.data.get("disparities", {}).get(attribute, {})
    return [
        (value or _("Not given"), [shares.get(key, 0.0) for key in LEVEL_LABELS if key != "transactional"])
        for value, shares in sorted(groups.items(), key=lambda item: item[0] or "~")
    ][:40]


@login_required
@require_safe
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    view = _dashboard_view(request, slug)
    latest = selectors.latest(view.community)
    attribute = request.GET.get("by", "organisation")
    if attribute not in ATTRIBUTES:
        attribute = "organisation"
    health = latest.health.data if latest.health else {}
    weekly = health.get("weekly", [])
    return render(
        request,
        "insights/dashboard.html",
        {
            "view": view,
            "community": view.community,
            "latest": latest,
            **_levels_context(latest.levels),
            "level_labels": [label for key, label in LEVEL_LABELS.items() if key != "transactional"],
            "all_level_labels": list(LEVEL_LABELS.values()),
            "attribute": attribute,
            "attributes": list(ATTRIBUTES.items()),
            "disparities": _disparities(latest.levels, attribute),
            "health": health,
            "users_chart": charts.bars([(week[5:], users) for week, users, _count in weekly]),
            "actions_chart": charts.bars([(week[5:], count) for week, _users, count in weekly]),
            "weekly": weekly,
            "network": latest.network.data.get("summary") if latest.network else None,
            "can_edit_settings": permissions.can_edit_level_settings(
                request.user, view.community, view.membership
            ),
            **_resourcing(view),
        },
    )


def _resourcing(view: CommunityView) -> dict[str, Any]:
    """Roles and resourcing (design notes §6): gaps in the roles sheet, hours committed, support estimate."""
    lines = community_selectors.resource_commitments(view.community)
    members = community_selectors.active_member_count(view.community)
    totals = design.resource_totals(
        design.ResourceLine(line.responsibility, line.who, line.hours_per_month) for line in lines
    )
    return {
        "gaps": community_selectors.role_gaps(lines),
        "totals": totals,
        "members": members,
        "support_fte": design.support_fte(members),
    }


@login_required
@require_POST
def recompute(request: HttpRequest, slug: str) -> HttpResponse:
    view = _dashboard_view(request, slug)
    services.recompute(actor=request.user, community=view.community)
    messages.success(request, _("The insights are being computed; reload the page in a moment."))
    return redirect(safe_next(request, f"/communities/{slug}/insights/"))


def _network_nodes(
    request: HttpRequest, view: CommunityView, snapshot: Any, shown: set[Any] | None = None
) -> tuple[list[dict[str, Any]], dict[int, str]]:
    """The network's people, and names for those `shown` (everyone by default)."""
    nodes = snapshot.data.get("nodes", []) if snapshot else []
    ids = [node["id"] for node in nodes]
    named = permissions.sees_names(request.user, view.community, view.membership)
    return nodes, selectors.names(ids, named, str(PSEUDONYM), shown)


@login_required
@require_safe
def network_view(request: HttpRequest, slug: str) -> HttpResponse:
    view = _dashboard_view(request, slug)
    snapshot = selectors.snapshot(view.community, "network", ("summary", "nodes", "drawn", "edges"))
    drawn = set(snapshot.data.get("drawn", [])) if snapshot else set()
    listed = snapshot.data.get("nodes", [])[:TABLE_ROWS] if snapshot else []
    shown = {node["id"] for node in listed} | {
        node["id"]
        for node in (snapshot.data.get("nodes", []) if snapshot else [])
        if str(node["id"]) in drawn
    }
    nodes, names = _network_nodes(request, view, snapshot, shown)
    opaque = _opaque(nodes)
    drawing = [
        {
            **node,
            "key": opaque[node["id"]],
            "name": names[node["id"]],
            "px": round(20 + node["x"] * 600, 1),
            "py": round(20 + node["y"] * 440, 1),
            "r": round(4 + 14 * node["eigenvector"], 1),
        }
        for node in nodes
        if str(node["id"]) in drawn
    ]
    positions = {node["id"]: (node["px"], node["py"]) for node in drawing}
    edges = [
        {
            "s": opaque[s],
            "t": opaque[t],
            "x1": positions[s][0],
            "y1": positions[s][1],
            "x2": positions[t][0],
            "y2": positions[t][1],
            "w": round(min(4.0, 0.5 + w / 2), 2),
        }
        for s, t, w in (snapshot.data.get("edges", []) if snapshot else [])
        if s in positions and t in positions
    ]
    return render(
        request,
        "insights/network.html",
        {
            "view": view,
            "community": view.community,
            "snapshot": snapshot,
            "summary": snapshot.data.get("summary", {}) if snapshot else {},
            "drawing": drawing,
            "edges": edges,
            "table": [{**node, "name": names[node["id"]]} for node in nodes[:TABLE_ROWS]],
            "total": len(nodes),
            "attributes": list(ATTRIBUTES.items())[:3],
            "co_attendance_max": (snapshot.params or {}).get("co_attendance_max", services.CO_ATTENDANCE_MAX)
            if snapshot
            else services.CO_ATTENDANCE_MAX,
        },
    )


def _opaque(nodes: list[dict[str, Any]]) -> dict[Any, str]:
    """Ids for the people of a drawn or downloaded network that say nothing about their accounts (so a
    pseudonym cannot be matched across pages), numbered like the pseudonyms."""
    return {node["id"]: f"p{index + 1}" for index, node in enumerate(nodes)}


def _graph(request: HttpRequest, view: CommunityView, snapshot: Any) -> nx.Graph:
    nodes, names = _network_nodes(request, view, snapshot)
    opaque = _opaque(nodes)
    graph = nx.Graph()
    for node in nodes:
        graph.add_node(
            opaque[node["id"]],
            label=names[node["id"]],
            cluster=node["cluster"],
            degree=node["degree"],
            betweenness=node["betweenness"],
            eigenvector=node["eigenvector"],
            core=node["core"],
            broker=node["broker"],
            spanner=node["spanner"],
            organisation=node["organisation"],
            country=node["country"],
            stakeholder_group=node["stakeholder_group"],
        )
    for source, target, weight in snapshot.data.get("all_edges", []) if snapshot else []:
        if source in opaque and target in opaque:
            graph.add_edge(opaque[source], opaque[target], weight=weight)
    return graph


@login_required
@require_safe
def network_graphml(request: HttpRequest, slug: str) -> HttpResponse:
    view = _dashboard_view(request, slug)
    snapshot = selectors.snapshot(view.community, "network", ("nodes", "all_edges"))
    if snapshot is None:
        raise Http404
    response = HttpResponse(
        network.graphml(_graph(request, view, snapshot)),
        content_type="application/graphml+xml; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{slug}-network.graphml"'
    return response


@login_required
@require_safe
def network_csv(request: HttpRequest, slug: str) -> HttpResponse:
    view = _dashboard_view(request, slug)
    snapshot = selectors.snapshot(view.community, "network", ("nodes",))
    if snapshot is None:
        raise Http404
    nodes, names = _network_nodes(request, view, snapshot)
    header = [
        "name",
        "cluster",
        "degree",
        "betweenness",
        "eigenvector",
        "k_core",
        "broker",
        "boundary_spanner",
        "organisation",
        "country",
        "stakeholder_group",
    ]
    return csv_response(
        f"{slug}-network.csv",
        header,
        (
            [
                names[n["id"]],
                n["cluster"],
                n["degree"],
                n["betweenness"],
                n["eigenvector"],
                n["core"],
                n["broker"],
                n["spanner"],
                n["organisation"],
                n["country"],
                n["stakeholder_group"],
            ]
            for n in nodes
        ),
    )


@login_required
@require_safe
def my_level(request: HttpRequest, slug: str) -> HttpResponse:
    view = community_selectors.community_for_viewer(request.user, slug)
    if not permissions.can_see_own_level(request.user, view.membership):
        raise Http404
    snapshot = selectors.snapshot(view.community, "levels", ("people",))
    mine = (snapshot.data.get("people", {}) if snapshot else {}).get(str(request.user.pk))
    return render(
        request,
        "insights/me.html",
        {
            "view": view,
            "community": view.community,
            "snapshot": snapshot,
            "level": mine,
            "label": LEVEL_LABELS.get(mine["level"]) if mine else None,
            "help": LEVEL_HELP.get(mine["level"]) if mine else None,
            "opted_out": selectors.opted_out(request.user.pk or 0),
            "can_see_insights": permissions.can_see_insights(request.user, view.community, view.membership),
        },
    )


@login_required
@require_POST
def map_opt_out(request: HttpRequest) -> HttpResponse:
    services.map_opt_out_set(actor=request.user, opted_out=request.POST.get("opted_out") == "1")
    messages.success(request, _("Your choice is saved."))
    return redirect(safe_next(request, "/"))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def level_settings(request: HttpRequest, slug: str) -> HttpResponse:
    view = community_selectors.community_for_viewer(request.user, slug)
    if not permissions.can_edit_level_settings(request.user, view.community, view.membership):
        raise Http404
    current = selectors.level_settings(view.community)
    form = LevelSettingsForm(
        posted(request), initial={name: getattr(current, name) for name in LevelSettingsForm.base_fields}
    )
    if request.method == "POST" and form.is_valid():
        services.level_settings_save(actor=request.user, community=view.community, values=form.cleaned_data)
        services.recompute(actor=request.user, community=view.community)
        messages.success(request, _("The settings are saved; the levels are being computed again."))
        return redirect("insights:dashboard", slug=slug)
    return render(
        request,
        "insights/settings.html",
        {"view": view, "community": view.community, "form": form},
        status=400 if form.errors else 200,
    )


SORTS = {
    "name",
    "members",
    "core",
    "active",
    "peripheral",
    "mau",
    "ttfr_median_h",
    "unanswered_share",
    "heartbeat_gap_days",
}


def _hub_rows(request: HttpRequest) -> tuple[Any, list[dict[str, Any]], str]:
    snapshot = selectors.latest_hub()
    rows = list(snapshot.data.get("communities", [])) if snapshot else []
    sort = request.GET.get("sort", "heartbeat_gap_days")
    if sort not in SORTS:
        sort = "heartbeat_gap_days"
    numeric = sort != "name"
    rows.sort(
        key=lambda row: (
            row.get(sort) is None,
            -(row.get(sort) or 0) if numeric else str(row.get(sort)).lower(),
        )
    )
    return snapshot, rows, sort


@login_required
@require_safe
def hub(request: HttpRequest) -> HttpResponse:
    if not permissions.can_compare_communities(request.user):
        raise Http404
    snapshot, rows, sort = _hub_rows(request)
    return render(
        request,
        "insights/hub.html",
        {
            "snapshot": snapshot,
            "rows": rows,
            "sort": sort,
            "quiet": [row for row in rows if row.get("alert")],
        },
    )


@login_required
@require_safe
def hub_csv(request: HttpRequest) -> HttpResponse:
    if not permissions.can_compare_communities(request.user):
        raise Http404
    _snapshot, rows, _sort = _hub_rows(request)
    header = [
        "community",
        "stage",
        "members",
        "core_share",
        "active_share",
        "peripheral_share",
        "mau",
        "ttfr_median_h",
        "unanswered_share",
        "heartbeat_gap_days",
        "alert",
    ]
    return csv_response(
        "communities-compared.csv",
        header,
        (
            [
                r["name"],
                r["stage"],
                r["members"],
                r["core"],
                r["active"],
                r["peripheral"],
                r["mau"],
                r["ttfr_median_h"],
                r["unanswered_share"],
                r["heartbeat_gap_days"],
                r["alert"],
            ]
            for r in rows
        ),
    )


@login_required
@require_POST
def hub_recompute(request: HttpRequest) -> HttpResponse:
    if not permissions.can_compare_communities(request.user):
        raise Http404
    services.recompute_hub(actor=request.user)
    messages.success(request, _("The comparison is being computed; reload the page in a moment."))
    return redirect("insights:hub")


# --- value creation ---------------------------------------------------------------------------------


@login_required
@require_safe
def value_matrix(request: HttpRequest, slug: str) -> HttpResponse:
    view = _dashboard_view(request, slug)
    rows, flows, told = selectors.value_matrix(view.community)
    flow_chart = charts.bars([(f"{a}→{b}", n) for (a, b), n in sorted(flows.items())], width=320, height=140)
    return render(
        request,
        "insights/value.html",
        {
            "view": view,
            "community": view.community,
            "rows": rows,
            "flows": sorted(flows.items()),
            "flow_chart": flow_chart,
            "told": told,
        },
    )


@login_required
@require_safe
def value_csv(request: HttpRequest, slug: str) -> HttpResponse:
    view = _dashboard_view(request, slug)
    rows, _flows, _told = selectors.value_matrix(view.community)
    return csv_response(
        f"{slug}-value-matrix.csv",
        [
            "cycle",
            "indicator",
            "latest_value",
            "latest_period_end",
            "previous_value",
            "stories_verified",
            "stories_aspirational",
        ],
        (
            [
                row.name,
                indicator.name,
                latest.value if latest else "",
                latest.period_end.isoformat() if latest else "",
                previous.value if previous else "",
                row.verified,
                row.aspirational,
            ]
            for row in rows
            for indicator, latest, previous in (row.indicators or [(None, None, None)])  # type: ignore[list-item]
            if indicator is not None
        ),
    )


def _story_view(request: HttpRequest, slug: str) -> CommunityView:
    view = community_selectors.community_for_viewer(request.user, slug)
    if not view.can_read:
        raise Http404
    return view


@login_required
@require_safe
def story_list(request: HttpRequest, slug: str) -> HttpResponse:
    view = _story_view(request, slug)
    everything = permissions.can_see_insights(request.user, view.community, view.membership)
    return render(
        request,
        "insights/stories.html",
        {
            "view": view,
            "community": view.community,
            "stories": list(selectors.stories(request.user.pk, view.community, everything)[:100]),
            "can_tell": permissions.can_tell_story(request.user, view.community, view.membership),
            "everything": everything,
            "cycle_names": stories_module.CYCLE_NAMES,
        },
    )


def _story_form(request: HttpRequest, view: CommunityView, story: Any) -> HttpResponse:
    initial: dict[str, Any] = {"status": "draft"}
    if story is not None:
        initial = {
            "title": story.title,
            "summary": story.summary,
            "status": story.status,
            "consent_publish": story.consent_publish,
            "anonymise": story.anonymise,
        }
        for step in story.steps.all():
            initial[f"narrative_{step.cycle}"] = step.narrative
            initial[f"aspirational_{step.cycle}"] = step.is_aspirational
            initial[f"evidence_{step.cycle}"] = step.evidence_url
            if step.cycle == 2:
                initial["capitals"] = step.capital_list
    form = StoryForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved, warnings = stories_module.story_save(
                actor=request.user, community=view.community, data=form.to_data(), story=story
            )
        except stories_module.StoryError as error:
            form.add_error(None, str(error))
        else:
            for warning in warnings:
                messages.warning(request, warning)
            messages.success(request, _("The story is saved."))
            return redirect("insights:story", slug=view.community.slug, pk=saved.pk)
    return render(
        request,
        "insights/story_form.html",
        {"view": view, "community": view.community, "form": form, "story": story},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def story_new(request: HttpRequest, slug: str) -> HttpResponse:
    view = _story_view(request, slug)
    if not permissions.can_tell_story(request.user, view.community, view.membership):
        raise Http404
    return _story_form(request, view, None)


def _story(request: HttpRequest, view: CommunityView, pk: int) -> Any:
    story = selectors.story_for(view.community, pk)
    if story is None or not permissions.can_read_story(
        request.user,
        story.status == "published" and story.consent_publish,
        story.teller_id,
        view.community,
        view.membership,
    ):
        raise Http404
    return story


@login_required
@require_safe
def story_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    view = _story_view(request, slug)
    story = _story(request, view, pk)
    coverage = value_module.coverage(step.cycle for step in story.steps.all())
    return render(
        request,
        "insights/story.html",
        {
            "view": view,
            "community": view.community,
            "story": story,
            "coverage_gaps": [stories_module.CYCLE_NAMES[int(c)] for c in coverage.gaps],
            "complete": coverage.complete_to_impact,
            "can_edit": permissions.can_edit_story(
                request.user, story.teller_id, view.community, view.membership
            ),
            "cycle_names": stories_module.CYCLE_NAMES,
            "capital_names": {
                key: str(label).split(":")[0].strip() for key, label in stories_module.Capital.choices
            },
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def story_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    view = _story_view(request, slug)
    story = _story(request, view, pk)
    if not permissions.can_edit_story(request.user, story.teller_id, view.community, view.membership):
        raise Http404
    return _story_form(request, view, story)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def indicators(request: HttpRequest, slug: str) -> HttpResponse:
    view = _dashboard_view(request, slug)
    form = IndicatorForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            stories_module.indicator_save(actor=request.user, community=view.community, **form.cleaned_data)
        except stories_module.StoryError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The indicator is saved."))
            return redirect("insights:indicators", slug=slug)
    return render(
        request,
        "insights/indicators.html",
        {
            "view": view,
            "community": view.community,
            "form": form,
            "observation_form": ObservationForm(),
            "indicators": selectors.indicators(view.community),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def indicators_seed(request: HttpRequest, slug: str) -> HttpResponse:
    view = _dashboard_view(request, slug)
    count = stories_module.indicators_seed(actor=request.user, community=view.community)
    messages.success(request, _("%(count)d indicators added from the catalogue.") % {"count": count})
    return redirect("insights:indicators", slug=slug)


@login_required
@require_POST
def observe(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    view = _dashboard_view(request, slug)
    indicator = selectors.indicator_for(view.community, pk)
    form = ObservationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the period and a value or a note."))
        return redirect("insights:indicators", slug=slug)
    try:
        stories_module.observation_add(
            actor=request.user,
            indicator=indicator,
            period_start=form.cleaned_data["period_start"],
            period_end=form.cleaned_data["period_end"],
            amount=form.cleaned_data["value"],
            note=form.cleaned_data["note"],
            sample=form.cleaned_data["sample"],
            source_ref=form.cleaned_data["source_ref"],
        )
    except stories_module.StoryError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The observation is saved."))
    return redirect("insights:indicators", slug=slug)
