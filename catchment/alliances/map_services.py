"""Changes to systems maps (domain.md §5): maps, variables, causal links, loop notes, Kumu import. Every
function checks the policy and writes all or nothing; refusals raise AllianceError with a translated
sentence naming what is wrong."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from catchment.accounts.models import User
from catchment.accounts.permissions import Viewer
from catchment.alliances import permissions, systems
from catchment.alliances.models import (
    CausalLink,
    CauseType,
    Domain,
    Force,
    LoopNote,
    Platform,
    SystemMap,
    Variable,
    VariableType,
)
from catchment.alliances.services import AllianceError
from catchment.communities import permissions as community_policy
from catchment.communities.models import Community


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


# --- Systems maps -------------------------------------------------------------------------------------


def _map_editor(actor: Viewer, community: Community) -> None:
    membership = community_policy.membership_of(actor, community)
    facilitator = (
        Platform.objects.filter(community=community).values_list("facilitator_id", flat=True).first()
    )
    _require(permissions.can_edit_maps(actor, community, membership, facilitator))


def _touch(system_map: SystemMap) -> None:
    SystemMap.objects.filter(pk=system_map.pk).update(
        version=system_map.version + 1, updated_at=timezone.now()
    )
    system_map.version += 1


@transaction.atomic
def map_save(
    *, actor: Viewer, community: Community, values: Mapping[str, str], system_map: SystemMap | None = None
) -> SystemMap:
    _map_editor(actor, community)
    if system_map is None:
        system_map = SystemMap(community=community, created_by=cast(User, actor))
    elif system_map.community_id != community.pk:
        raise PermissionDenied
    for name in ("title", "framing_question", "guiding_star", "near_star"):
        if name in values:
            setattr(system_map, name, str(values[name]).strip())
    if not system_map.title:
        raise AllianceError(_("Give the map a title."))
    system_map.save()
    return system_map


def _locked_map(system_map: SystemMap) -> SystemMap:
    return SystemMap.objects.select_for_update().get(pk=system_map.pk)


@transaction.atomic
def variable_save(
    *, actor: Viewer, system_map: SystemMap, values: Mapping[str, str], variable: Variable | None = None
) -> Variable:
    _map_editor(actor, system_map.community)
    locked = _locked_map(system_map)
    label = str(values.get("label") or "").strip()
    if not label:
        raise AllianceError(_("Give the variable a label."))
    clash = Variable.objects.filter(map=locked, label__iexact=label)
    if variable is not None:
        clash = clash.exclude(pk=variable.pk)
    if clash.exists():
        raise AllianceError(_("The map already has a variable called “%(label)s”.") % {"label": label})
    if variable is None:
        if Variable.objects.filter(map=locked).count() >= systems.MAX_VARIABLES:
            raise AllianceError(
                _("A map holds at most %(value)s variables: split this one.")
                % {"value": systems.MAX_VARIABLES}
            )
        variable = Variable(map=locked)
    elif variable.map_id != locked.pk:
        raise PermissionDenied
    allowed = {
        "type": VariableType.values,
        "domain": ["", *Domain.values],
        "force": Force.values,
        "cause_type": ["", *CauseType.values],
    }
    for name, values_allowed in allowed.items():
        if name in values and str(values[name]).strip() not in values_allowed:
            raise AllianceError(
                _("Choose the variable's %(field)s from the list.")
                % {"field": getattr(Variable._meta.get_field(name), "verbose_name", name)}
            )
    for name in ("label", "type", "domain", "force", "cause_type", "unit", "notes"):
        if name in values:
            setattr(variable, name, str(values[name]).strip())
    variable.save()
    _touch(locked)
    return variable


@transaction.atomic
def variable_delete(*, actor: Viewer, variable: Variable) -> None:
    _map_editor(actor, variable.map.community)
    locked = _locked_map(variable.map)
    CausalLink.objects.filter(map=locked, source=variable).delete()
    CausalLink.objects.filter(map=locked, target=variable).delete()
    variable.delete()
    _touch(locked)


@transaction.atomic
def link_save(
    *,
    actor: Viewer,
    system_map: SystemMap,
    source: Variable,
    target: Variable,
    polarity: int,
    delay: bool = False,
    strength: int = 2,
    confidence: int = 2,
    evidence: str = "",
) -> CausalLink:
    """Add a causal link (or change the one between the same two variables)."""
    _map_editor(actor, system_map.community)
    locked = _locked_map(system_map)
    if source.map_id != locked.pk or target.map_id != locked.pk:
        raise AllianceError(_("Both variables must be on this map."))
    if source.pk == target.pk:
        raise AllianceError(_("A variable cannot cause itself: link it to another variable."))
    try:
        systems.Link(source.pk, target.pk, polarity)
    except systems.PolarityError:
        raise AllianceError(
            _("Choose the link's polarity: + (same direction) or − (opposite direction).")
        ) from None
    if strength not in (1, 2, 3) or confidence not in (1, 2, 3):
        raise AllianceError(_("Strength and confidence run from 1 to 3."))
    link, _created = CausalLink.objects.update_or_create(
        source=source,
        target=target,
        defaults={
            "map": locked,
            "polarity": polarity,
            "delay": delay,
            "strength": strength,
            "confidence": confidence,
            "evidence": evidence.strip(),
        },
    )
    _touch(locked)
    return link


@transaction.atomic
def link_delete(*, actor: Viewer, link: CausalLink) -> None:
    _map_editor(actor, link.map.community)
    locked = _locked_map(link.map)
    link.delete()
    _touch(locked)


def loop_note_save(
    *, actor: Viewer, system_map: SystemMap, key: str, name: str, narrative: str, deep: bool
) -> LoopNote:
    _map_editor(actor, system_map.community)
    note, _created = LoopNote.objects.update_or_create(
        map=system_map,
        key=key[:200],
        defaults={
            "name": name.strip()[:200],
            "narrative": narrative.strip()[:3000],
            "is_deep_structure": deep,
        },
    )
    return note


AUTOMATIC_LOOP_LABEL = re.compile(r"[RB]\d+")
# Marked for translation here, translated when shown (import_message).
IMPORT_MESSAGES = {
    "not_a_map": gettext_noop(
        "The file is not a map: it needs an “elements” list (and “connections”), as Kumu exports."
    ),
    "too_many": gettext_noop("The map has more than 2,000 elements, connections and loops."),
    "too_many_variables": gettext_noop("A map holds at most %(value)s variables: split this one."),
    "missing": gettext_noop("a label is needed."),
    "duplicate": gettext_noop("“%(value)s” appears twice."),
    "unknown_element": gettext_noop("no element is called or numbered “%(value)s”."),
    "unknown_connection": gettext_noop("no connection is numbered “%(value)s”."),
    "self_link": gettext_noop("a variable cannot cause itself (%(value)s)."),
    "missing_polarity": gettext_noop(
        "the link has no polarity (“%(value)s”): give + or −, positive or negative."
    ),
    "not_a_number": gettext_noop("“%(value)s” is not a number."),
    "out_of_scale": gettext_noop("%(value)s is outside the scale of 1 to 3."),
}


def import_message(problem: systems.ImportProblem) -> str:
    text = _(IMPORT_MESSAGES[problem.code]) % {"value": problem.value}
    if problem.section == "file":
        return text
    sections = {
        "element": _("Element %(number)s"),
        "connection": _("Connection %(number)s"),
        "loop": _("Loop %(number)s"),
    }
    return _("%(where)s, field “%(field)s”: %(problem)s") % {
        "where": sections[problem.section] % {"number": problem.number},
        "field": problem.field,
        "problem": text,
    }


@transaction.atomic
def map_import(*, actor: Viewer, community: Community, title: str, data: Any) -> SystemMap:
    """A new map from a Kumu-compatible JSON file: all of it, or nothing with the element or connection
    and field that is wrong. Loop names and narratives come along; polarities are recomputed."""
    _map_editor(actor, community)
    try:
        parsed = systems.parse_kumu(data)
    except systems.ImportProblem as problem:
        raise AllianceError(import_message(problem)) from problem
    if not parsed.variables:
        raise AllianceError(_("The file has no elements."))
    system_map = SystemMap.objects.create(
        community=community, title=title.strip() or _("Imported map"), created_by=cast(User, actor)
    )
    variables = {}
    for item in parsed.variables:
        variables[item.label] = Variable.objects.create(
            map=system_map,
            label=item.label,
            type=item.type,
            domain=item.domain,
            force=item.force,
            cause_type=item.cause_type,
            unit=item.unit,
            notes=item.notes,
        )
    CausalLink.objects.bulk_create(
        [
            CausalLink(
                map=system_map,
                source=variables[link.source],
                target=variables[link.target],
                polarity=link.polarity,
                delay=link.delay,
                strength=link.strength,
                confidence=link.confidence,
                evidence=link.evidence,
            )
            for link in parsed.links
        ]
    )
    for loop in parsed.loops:
        if AUTOMATIC_LOOP_LABEL.fullmatch(loop.name) and not loop.narrative:
            continue  # the code an export gives an unnamed loop (R1, B2), not a name anyone chose
        if loop.name or loop.narrative:
            key = "-".join(str(pk) for pk in systems.rotate([variables[label].pk for label in loop.labels]))
            LoopNote.objects.update_or_create(
                map=system_map, key=key, defaults={"name": loop.name[:200], "narrative": loop.narrative}
            )
    return system_map
