"""HTTP in and out for systems maps (domain.md §5): a community's maps, one map (drawn on the server, its
loops, influence and dependence, the socio-hydrology checks, and the forms to build it), its settings,
variables, links and loop names, the Kumu JSON and CSV downloads, and the Kumu import.

Whoever may read the community reads its maps (anonymous visitors too, for public communities); the policy
(permissions.can_edit_maps) says who draws them. Refusals of the policy answer 404, like the rest of the
hub; numbers in addresses or forms that are not this map's answer 404 too; malformed input is a form
error, shown on the page with what was typed.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from catchment.alliances import drawing, map_selectors, map_services, permissions, systems
from catchment.alliances.map_forms import ImportForm, LinkForm, LoopNoteForm, MapForm, VariableForm
from catchment.alliances.models import CausalLink, Domain, LoopNote, SystemMap, Variable
from catchment.alliances.services import AllianceError
from catchment.communities import selectors as community_selectors
from catchment.communities.selectors import CommunityView
from catchment.core.csvfiles import csv_response
from catchment.core.views import posted

QUADRANTS = {
    "driver": pgettext_lazy("systems map quadrant", "Driver: a leverage candidate"),
    "relay": pgettext_lazy("systems map quadrant", "Relay: unstable, passes change on"),
    "dependent": pgettext_lazy("systems map quadrant", "Dependent: an outcome"),
    "autonomous": pgettext_lazy("systems map quadrant", "Autonomous: loosely connected"),
}
WARNINGS = {
    "only_human": gettext_lazy(
        "The map only has human variables (social, economic, governance). Socio-hydrology is about how "
        "people and water shape each other: add the hydrological or ecological variables they act on."
    ),
    "only_water": gettext_lazy(
        "The map only has water variables (hydrological, ecological). Add the social, economic or "
        "governance variables that drive them or respond to them."
    ),
    "not_coupled": gettext_lazy(
        "The map has water and human variables, but no link crosses between them: show how people and "
        "water affect each other."
    ),
    "unclassified": gettext_lazy(
        "Some variables have no domain: give each one a domain so that these checks can count them."
    ),
}
POLARITY_NAMES = {
    "R": pgettext_lazy("feedback loop", "Reinforcing"),
    "B": pgettext_lazy("feedback loop", "Balancing"),
}
INLINE_LOOP_FORMS = 10  # beyond this many loops only the one asked for (?loop=) carries a form: a light page
VARIABLE_FORM_IDS = "id_var_%s"
LINK_FORM_IDS = "id_link_%s"


# --- Access -------------------------------------------------------------------------------------------------


def _readable(request: HttpRequest, slug: str) -> CommunityView:
    view = community_selectors.community_for_viewer(request.user, slug)
    if not permissions.can_read_maps(request.user, view.community, view.membership):
        raise Http404
    return view


def _can_edit(request: HttpRequest, view: CommunityView) -> bool:
    return permissions.can_edit_maps(
        request.user, view.community, view.membership, map_selectors.facilitator_of(view.community)
    )


def _editable(request: HttpRequest, slug: str) -> CommunityView:
    view = _readable(request, slug)
    if not _can_edit(request, view):
        raise Http404
    return view


def _map(view: CommunityView, pk: int) -> SystemMap:
    system_map = map_selectors.map_for(view.community, pk)
    if system_map is None:
        raise Http404
    system_map.community = view.community  # already loaded: the services read it
    return system_map


def _variable(system_map: SystemMap, pk: int) -> Variable:
    variable = Variable.objects.filter(map=system_map, pk=pk).first()
    if variable is None:
        raise Http404
    variable.map = system_map
    return variable


def _to_map(system_map: SystemMap) -> HttpResponse:
    return redirect("alliances:map", slug=system_map.community.slug, pk=system_map.pk)


# --- The list of maps --------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def map_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The community's maps with their size; those who may draw them start a new one here."""
    view = _readable(request, slug)
    can_edit = _can_edit(request, view)
    if request.method == "POST" and not can_edit:
        raise Http404
    form = MapForm(posted(request)) if can_edit else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            created = map_services.map_save(
                actor=request.user, community=view.community, values=form.cleaned_data
            )
        except AllianceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("The map is started: add its variables, then the links between them.")
            )
            return _to_map(created)
    return render(
        request,
        "alliances/maps/list.html",
        {
            "view": view,
            "community": view.community,
            "maps": map_selectors.maps_of(view.community),
            "can_edit": can_edit,
            "form": form,
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def map_import(request: HttpRequest, slug: str) -> HttpResponse:
    """A new map from a Kumu JSON file: all of it or nothing, with the element or connection at fault."""
    view = _editable(request, slug)
    form = ImportForm(posted(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            created = map_services.map_import(
                actor=request.user,
                community=view.community,
                title=form.title_or_file_name(),
                data=form.cleaned_data["file"],
            )
        except AllianceError as error:
            form.add_error(None, str(error))
            form.add_error(None, _("Nothing was imported: correct the file and choose it again."))
        else:
            messages.success(request, _("The map is imported. Its loops were found again from its links."))
            return _to_map(created)
    return render(
        request,
        "alliances/maps/import.html",
        {"view": view, "community": view.community, "form": form},
        status=400 if form.errors else 200,
    )


# --- One map --------------------------------------------------------------------------------------------------


def _loop_rows(
    data: map_selectors.MapContent,
    labels: dict[int, str],
    can_edit: bool,
    loop_form: LoopNoteForm | None = None,
    open_key: str = "",
) -> list[dict[str, Any]]:
    """The loops as listed: code (R1, B1…), path, negative links, delays, the stored note, the ids the
    script lights up, and for editors the naming form: on every loop while they are few, else only on the
    loop asked for (`open_key`, from ?loop=) or the one whose form came back refused (`loop_form`)."""
    link_ids = {(link.source_id, link.target_id): link.pk for link in data.links}
    counters = {"R": 0, "B": 0}
    every = len(data.loops) <= INLINE_LOOP_FORMS
    refused_key = loop_form.cleaned_data.get("key") if loop_form is not None else None
    rows = []
    for index, loop in enumerate(data.loops, start=1):
        counters[loop.polarity] += 1
        members = [int(variable) for variable in loop.variables]
        steps = [(members[i], members[(i + 1) % len(members)]) for i in range(len(members))]
        note = data.notes.get(loop.key)
        form = None
        if can_edit and loop_form is not None and refused_key == loop.key:
            form = loop_form
            form.auto_id = f"id_loop{index}_%s"
        elif can_edit and (every or loop.key == open_key):
            form = _loop_form(loop.key, note, index)
        rows.append(
            {
                "loop": loop,
                "code": f"{loop.polarity}{counters[loop.polarity]}",
                "kind": POLARITY_NAMES[loop.polarity],
                "labels": [labels[member] for member in members],
                "first": labels[members[0]],
                "note": note,
                "form": form,
                "open": form is not None and (loop.key == open_key or bool(form.errors)),
                "index": index,
                "nodes": " ".join(f"map-v{member}" for member in members),
                "links": " ".join(f"map-l{link_ids[step]}" for step in steps if step in link_ids),
                "delayed": [
                    (labels[source], labels[target])
                    for (source, target), delayed in zip(steps, loop.delays, strict=True)
                    if delayed
                ],
            }
        )
    return rows


def _loop_form(key: str, note: LoopNote | None, index: int) -> LoopNoteForm:
    return LoopNoteForm(
        initial={
            "key": key,
            "name": note.name if note else "",
            "narrative": note.narrative if note else "",
            "deep": note.is_deep_structure if note else False,
        },
        auto_id=f"id_loop{index}_%s",
    )


def _analysis(data: map_selectors.MapContent) -> dict[str, Any]:
    """What the page and the CSV share: each variable's number, influence, dependence and quadrant."""
    positions = systems.influence_dependence([variable.pk for variable in data.variables], data.pure_links)
    rows = []
    for number, variable in enumerate(data.variables, start=1):
        position = positions[variable.pk]
        rows.append(
            {
                "number": number,
                "variable": variable,
                "influence": position.influence,
                "dependence": position.dependence,
                "quadrant": position.quadrant,
                "quadrant_label": QUADRANTS[position.quadrant],
            }
        )
    return {"rows": rows}


def _render_map(
    request: HttpRequest,
    view: CommunityView,
    system_map: SystemMap,
    can_edit: bool,
    *,
    variable_form: VariableForm | None = None,
    link_form: LinkForm | None = None,
    loop_form: LoopNoteForm | None = None,
    open_loop: str = "",
    status: int = 200,
) -> HttpResponse:
    data = map_selectors.content(system_map)
    labels = {variable.pk: variable.label for variable in data.variables}
    by_id = {variable.pk: variable for variable in data.variables}
    analysis = _analysis(data)
    picture = drawing.draw(
        [drawing.VariableIn(variable.pk, variable.label, variable.domain) for variable in data.variables],
        [
            drawing.LinkIn(link.pk, link.source_id, link.target_id, link.polarity, link.delay)
            for link in data.links
        ],
    )
    checks = systems.coupling({variable.pk: variable.domain for variable in data.variables}, data.pure_links)
    loops = _loop_rows(data, labels, can_edit, loop_form, open_loop)
    if can_edit:
        choices = [(variable.pk, variable.label) for variable in data.variables]
        if variable_form is None:
            variable_form = VariableForm(auto_id=VARIABLE_FORM_IDS)
        if link_form is None:
            link_form = LinkForm(variables=choices, auto_id=LINK_FORM_IDS)
    present = {variable.domain for variable in data.variables}
    return render(
        request,
        "alliances/maps/detail.html",
        {
            "view": view,
            "community": view.community,
            "system_map": system_map,
            "can_edit": can_edit,
            "variables": data.variables,
            "links": [
                {"link": link, "source": by_id[link.source_id], "target": by_id[link.target_id]}
                for link in data.links
            ],
            "picture": picture,
            "legend": [(value, label) for value, label in Domain.choices]
            + ([("none", _("Not classified"))] if "" in present else []),
            "loops": loops,
            "loops_truncated": data.loops_truncated,
            "max_loops": map_selectors.MAX_LOOPS,
            "reinforcing": sum(1 for loop in data.loops if loop.polarity == "R"),
            "balancing": sum(1 for loop in data.loops if loop.polarity == "B"),
            "analysis": analysis["rows"],
            "scatter": drawing.scatter(
                [
                    (row["number"], row["variable"].label, row["influence"], row["dependence"])
                    for row in analysis["rows"]
                ]
            ),
            "checks": checks,
            "warnings": [WARNINGS[code] for code in checks.warnings],
            "cross_domain_percent": round(100 * checks.cross_domain_share)
            if checks.cross_domain_share is not None
            else None,
            "cross_side_percent": round(100 * checks.cross_side_share)
            if checks.cross_side_share is not None
            else None,
            "variable_form": variable_form,
            "link_form": link_form,
        },
        status=status,
    )


@require_safe
def map_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The map; ?loop=<key> opens that loop's naming form (on maps with many loops, only it has one)."""
    view = _readable(request, slug)
    system_map = _map(view, pk)
    return _render_map(
        request, view, system_map, _can_edit(request, view), open_loop=request.GET.get("loop", "")[:200]
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def map_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The map's title, framing question, guiding star and near star."""
    view = _editable(request, slug)
    system_map = _map(view, pk)
    form = MapForm(
        posted(request),
        initial={
            "title": system_map.title,
            "framing_question": system_map.framing_question,
            "guiding_star": system_map.guiding_star,
            "near_star": system_map.near_star,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            map_services.map_save(
                actor=request.user, community=view.community, values=form.cleaned_data, system_map=system_map
            )
        except AllianceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your changes are saved."))
            return _to_map(system_map)
    return render(
        request,
        "alliances/maps/edit.html",
        {"view": view, "community": view.community, "system_map": system_map, "form": form},
        status=400 if form.errors else 200,
    )


# --- Variables --------------------------------------------------------------------------------------------


@login_required
@require_POST
def variable_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    view = _editable(request, slug)
    system_map = _map(view, pk)
    form = VariableForm(request.POST, auto_id=VARIABLE_FORM_IDS)
    if form.is_valid():
        try:
            variable = map_services.variable_save(
                actor=request.user, system_map=system_map, values=form.cleaned_data
            )
        except AllianceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("“%(label)s” is on the map.") % {"label": variable.label})
            return _to_map(system_map)
    return _render_map(request, view, system_map, True, variable_form=form, status=400)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def variable_edit(request: HttpRequest, slug: str, pk: int, variable: int) -> HttpResponse:
    view = _editable(request, slug)
    system_map = _map(view, pk)
    item = _variable(system_map, variable)
    form = VariableForm(
        posted(request),
        initial={
            "label": item.label,
            "type": item.type,
            "domain": item.domain,
            "force": item.force,
            "cause_type": item.cause_type,
            "unit": item.unit,
            "notes": item.notes,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            map_services.variable_save(
                actor=request.user, system_map=system_map, values=form.cleaned_data, variable=item
            )
        except AllianceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your changes are saved."))
            return _to_map(system_map)
    return render(
        request,
        "alliances/maps/variable.html",
        {
            "view": view,
            "community": view.community,
            "system_map": system_map,
            "variable": item,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def variable_delete(request: HttpRequest, slug: str, pk: int, variable: int) -> HttpResponse:
    view = _editable(request, slug)
    system_map = _map(view, pk)
    item = _variable(system_map, variable)
    map_services.variable_delete(actor=request.user, variable=item)
    messages.success(request, _("“%(label)s” and its links are deleted.") % {"label": item.label})
    return _to_map(system_map)


# --- Links ---------------------------------------------------------------------------------------------------


@login_required
@require_POST
def link_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    view = _editable(request, slug)
    system_map = _map(view, pk)
    variables = {variable.pk: variable for variable in Variable.objects.filter(map=system_map)}
    form = LinkForm(
        request.POST,
        variables=[(variable.pk, variable.label) for variable in variables.values()],
        auto_id=LINK_FORM_IDS,
    )
    valid = form.is_valid()
    for name in ("source", "target"):
        chosen = form.cleaned_data.get(name)
        if chosen is not None and chosen not in variables:
            raise Http404  # a variable of another map, or none at all
    if valid:
        data = form.cleaned_data
        try:
            map_services.link_save(
                actor=request.user,
                system_map=system_map,
                source=variables[data["source"]],
                target=variables[data["target"]],
                polarity=data["polarity"],
                delay=data["delay"],
                strength=data["strength"] or 2,
                confidence=data["confidence"] or 2,
                evidence=data["evidence"],
            )
        except AllianceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("The link from “%(source)s” to “%(target)s” is on the map.")
                % {"source": variables[data["source"]].label, "target": variables[data["target"]].label},
            )
            return _to_map(system_map)
    return _render_map(request, view, system_map, True, link_form=form, status=400)


@login_required
@require_POST
def link_delete(request: HttpRequest, slug: str, pk: int, link: int) -> HttpResponse:
    view = _editable(request, slug)
    system_map = _map(view, pk)
    item = CausalLink.objects.filter(map=system_map, pk=link).first()
    if item is None:
        raise Http404
    item.map = system_map
    map_services.link_delete(actor=request.user, link=item)
    messages.success(request, _("The link is deleted."))
    return _to_map(system_map)


# --- Loops ----------------------------------------------------------------------------------------------------


@login_required
@require_POST
def loop_note(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Name a loop found on the map, tell its story, and say whether it is part of the deep structure."""
    view = _editable(request, slug)
    system_map = _map(view, pk)
    form = LoopNoteForm(request.POST)
    valid = form.is_valid()
    key = form.cleaned_data.get("key")
    found, _truncated = map_selectors.loops_of(
        systems.Link(source, target, polarity)
        for source, target, polarity in CausalLink.objects.filter(map=system_map).values_list(
            "source_id", "target_id", "polarity"
        )
    )
    if key is None or key not in {loop.key for loop in found}:
        messages.error(request, _("This loop is no longer on the map: a link may have changed. Try again."))
        return _to_map(system_map)
    if valid:
        data = form.cleaned_data
        try:
            map_services.loop_note_save(
                actor=request.user,
                system_map=system_map,
                key=key,
                name=data["name"],
                narrative=data["narrative"],
                deep=data["deep"],
            )
        except AllianceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The loop's name and story are saved."))
            return _to_map(system_map)
    return _render_map(request, view, system_map, True, loop_form=form, status=400)


# --- Downloads -----------------------------------------------------------------------------------------------


@require_safe
def map_json(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The map as a Kumu blueprint (elements, connections, loops), which this hub imports back as it was."""
    view = _readable(request, slug)
    system_map = _map(view, pk)
    data = map_selectors.content(system_map)
    blueprint = systems.to_kumu(
        [
            {
                "id": variable.pk,
                "label": variable.label,
                "type": variable.type,
                "domain": variable.domain,
                "force": variable.force,
                "cause_type": variable.cause_type,
                "unit": variable.unit,
                "notes": variable.notes,
            }
            for variable in data.variables
        ],
        [
            {
                "id": link.pk,
                "source": link.source_id,
                "target": link.target_id,
                "polarity": link.polarity,
                "delay": link.delay,
                "strength": link.strength,
                "confidence": link.confidence,
                "evidence": link.evidence,
            }
            for link in data.links
        ],
        data.loops,
        {key: {"name": note.name, "narrative": note.narrative} for key, note in data.notes.items()},
    )
    response = HttpResponse(
        json.dumps(blueprint, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{view.community.slug}-map-{system_map.pk}.json"'
    return response


@require_safe
def map_csv(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Two tables in one file: the variables with their influence, dependence and quadrant, then the loops."""
    view = _readable(request, slug)
    system_map = _map(view, pk)
    data = map_selectors.content(system_map)
    labels = {variable.pk: variable.label for variable in data.variables}
    rows: list[list[object]] = [
        [
            row["variable"].label,
            row["variable"].type,
            row["variable"].domain,
            row["variable"].force,
            row["variable"].cause_type,
            row["variable"].unit,
            row["influence"],
            row["dependence"],
            row["quadrant"],
        ]
        for row in _analysis(data)["rows"]
    ]
    rows.append([])
    rows.append(
        ["loop", "polarity", "negative_links", "delay", "variables", "name", "narrative", "deep_structure"]
    )
    counters = {"R": 0, "B": 0}
    for loop in data.loops:
        counters[loop.polarity] += 1
        note = data.notes.get(loop.key)
        rows.append(
            [
                f"{loop.polarity}{counters[loop.polarity]}",
                loop.polarity,
                loop.n_negative,
                loop.has_delay,
                " → ".join(labels[int(variable)] for variable in loop.variables),
                note.name if note else "",
                note.narrative if note else "",
                note.is_deep_structure if note else False,
            ]
        )
    return csv_response(
        f"{view.community.slug}-map-{system_map.pk}.csv",
        ["variable", "type", "domain", "force", "cause_type", "unit", "influence", "dependence", "quadrant"],
        rows,
    )
