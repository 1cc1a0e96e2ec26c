"""Changes to learning alliances and systems maps. Every function checks the policy, validates, and writes
all or nothing; refusals raise AllianceError with a translated sentence that names what is wrong."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from catchment.accounts.models import Organisation, User
from catchment.accounts.permissions import Viewer
from catchment.alliances import mobilisation, permissions, selectors, stakeholders, tree
from catchment.alliances.models import (
    DIRECTION_FIELDS,
    ActionResearchCycle,
    AllianceStage,
    Assessment,
    Audience,
    Channel,
    CyclePhase,
    DirectionVersion,
    DisseminationOutput,
    Engagement,
    LearningAlliance,
    Level,
    Mobilisation,
    MobilisationStep,
    OrgType,
    OutputKind,
    Platform,
    ProcessEntry,
    RelationKind,
    StageChange,
    Stakeholder,
    StakeholderKind,
    StakeholderRelation,
    Strategy,
)
from catchment.communities import permissions as community_policy
from catchment.communities import services as community_services
from catchment.communities.models import Community, MembershipStatus
from catchment.core.csvfiles import FORMULA_STARTS

RESERVED_SLUGS = {"new"}


class AllianceError(ValueError):
    """A refusal the person can act on; the message is translated."""


def _standing(actor: Viewer, alliance: LearningAlliance) -> permissions.Standing:
    return selectors.standing(actor, alliance, selectors.platforms_of(alliance))


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


# --- Alliances and the platform tree --------------------------------------------------------------------


@dataclass
class AllianceChanges:
    name: str
    theme: str
    summary: str = ""
    status: str = "forming"
    visibility: str = "public"
    initiating_organisations: str = ""
    slug: str = ""


def alliance_create(*, actor: Viewer, changes: AllianceChanges) -> LearningAlliance:
    """Start a learning alliance; its creator is its first initiator."""
    _require(permissions.can_create_alliance(actor))
    slug = slugify(changes.slug or changes.name)[:60]
    if slug in RESERVED_SLUGS:
        raise AllianceError(_("This web address is reserved; choose another."))
    if not slug:
        raise AllianceError(_("Choose a web address made of letters, digits and hyphens."))
    alliance = LearningAlliance(slug=slug, created_by=cast(User, actor))
    _apply_alliance(alliance, changes)
    try:
        with transaction.atomic():
            alliance.save()
            alliance.initiators.add(cast(User, actor))
    except IntegrityError as error:
        raise AllianceError(
            _("Another learning alliance already uses this web address; choose another.")
        ) from error
    return alliance


def _apply_alliance(alliance: LearningAlliance, changes: AllianceChanges) -> None:
    alliance.name = changes.name.strip()
    alliance.theme = changes.theme.strip()
    alliance.summary = changes.summary.strip()
    alliance.status = changes.status
    alliance.visibility = changes.visibility
    alliance.initiating_organisations = changes.initiating_organisations.strip()


@transaction.atomic
def alliance_update(
    *,
    actor: Viewer,
    alliance: LearningAlliance,
    changes: AllianceChanges,
    initiators: Iterable[User] | None = None,
) -> LearningAlliance:
    standing = _standing(actor, alliance)
    # a closed alliance may only be reopened
    _require(permissions.can_run_alliance(standing) or permissions.can_reopen_alliance(standing))
    _apply_alliance(alliance, changes)
    alliance.save()
    if initiators is not None:
        chosen = list(initiators)
        if not chosen:
            raise AllianceError(_("An alliance needs at least one initiator."))
        alliance.initiators.set(chosen)
    return alliance


@dataclass
class PlatformChanges:
    level: str
    parent: Platform | None = None
    facilitator: User | None = None
    stage: str = AllianceStage.INITIATION
    country: str = ""
    area: str = ""
    needed_types: Sequence[str] = field(default_factory=list)
    stage_note: str = ""


def _check_tree(alliance: LearningAlliance, platform: Platform | None, parent: Platform | None) -> None:
    if parent is not None and parent.alliance_id != alliance.pk:
        raise AllianceError(_("A platform can only be part of a platform of the same alliance."))
    parents = dict(Platform.objects.filter(alliance=alliance).values_list("pk", "parent_id"))
    try:
        tree.check_parent(parents, platform.pk if platform else None, parent.pk if parent else None)
    except tree.TreeError as error:
        messages = {
            "own_parent": _("A platform cannot be part of itself."),
            "own_ancestor": _(
                "%(parent)s is already part of %(platform)s: choosing it would make the platform its own ancestor."
            ),
            "unknown_parent": _("Choose a platform of this alliance."),
        }
        raise AllianceError(
            messages[error.code] % {"parent": parent, "platform": platform if platform else ""}
        ) from error


def _check_facilitator(community: Community, facilitator: User | None) -> None:
    if facilitator is None:
        return
    if not community.memberships.filter(user=facilitator, status=MembershipStatus.ACTIVE).exists():
        raise AllianceError(
            _("%(person)s is not a member of %(community)s: invite them to the community first.")
            % {"person": facilitator.display_name or facilitator.username, "community": community.name}
        )


def _check_types(types: Sequence[str]) -> list[str]:
    known = set(OrgType.values)
    wrong = [kind for kind in types if kind not in known]
    if wrong:
        raise AllianceError(_("Unknown stakeholder type: %(type)s.") % {"type": ", ".join(wrong)})
    return list(dict.fromkeys(types))


@transaction.atomic
def platform_add(
    *, actor: Viewer, alliance: LearningAlliance, community: Community, changes: PlatformChanges
) -> Platform:
    """Make a community (one the actor runs) a platform of the alliance, at a level of the tree."""
    _require(permissions.can_run_alliance(_standing(actor, alliance)))
    LearningAlliance.objects.select_for_update().filter(pk=alliance.pk).first()
    membership = community_policy.membership_of(actor, community)
    if not permissions.can_attach_community(actor, community, membership):
        raise AllianceError(
            _("Only a convenor of %(community)s can make it a platform.") % {"community": community.name}
        )
    if Platform.objects.filter(community=community).exists():
        raise AllianceError(
            _("%(community)s is already a platform of an alliance.") % {"community": community.name}
        )
    if changes.level not in Level.values:
        raise AllianceError(_("Choose a level."))
    _check_tree(alliance, None, changes.parent)
    _check_facilitator(community, changes.facilitator)
    position = (Platform.objects.filter(alliance=alliance).aggregate(top=Max("position"))["top"] or 0) + 1
    platform = Platform.objects.create(
        alliance=alliance,
        community=community,
        level=changes.level,
        parent=changes.parent,
        facilitator=changes.facilitator,
        stage=changes.stage,
        country=changes.country,
        area=changes.area.strip(),
        needed_types=_check_types(changes.needed_types),
        position=position,
    )
    StageChange.objects.create(
        platform=platform, stage=platform.stage, actor=cast(User, actor), note=changes.stage_note
    )
    return platform


@transaction.atomic
def platform_add_new(
    *, actor: Viewer, alliance: LearningAlliance, name: str, changes: PlatformChanges
) -> Platform:
    """Start a new community (private, by approval, in design, with the actor as convenor) and make it a
    platform: both or neither. Its only member is the actor, so only the actor can facilitate it yet."""
    _require(permissions.can_run_alliance(_standing(actor, alliance)))
    if changes.facilitator is not None and changes.facilitator.pk != actor.pk:
        raise AllianceError(
            _(
                "A new community has no members yet: name yourself as its facilitator, or nobody, and name "
                "another facilitator once they have joined."
            )
        )
    community = community_services.community_create(
        actor=actor,
        changes=community_services.CommunityChanges(
            name=name,
            summary=_("A platform of %(alliance)s.") % {"alliance": alliance.name},
            visibility="private",
            join_policy="approval",
        ),
    )
    return platform_add(actor=actor, alliance=alliance, community=community, changes=changes)


@transaction.atomic
def platform_update(*, actor: Viewer, platform: Platform, changes: PlatformChanges) -> Platform:
    """Move a platform in the tree, change its level, facilitator or stage (the stage history grows)."""
    alliance = platform.alliance
    standing = _standing(actor, alliance)
    runs = permissions.can_run_alliance(standing)
    _require(runs or permissions.can_edit_platform_work(standing, platform.pk))
    LearningAlliance.objects.select_for_update().filter(pk=alliance.pk).first()
    # read the platform again under the lock: what the form was built from may be stale
    platform = Platform.objects.select_related("community", "parent", "facilitator").get(pk=platform.pk)
    if not runs:
        # a facilitator changes the stage and the platform's details; the tree stays the initiators'
        changes.parent, changes.level, changes.facilitator = (
            platform.parent,
            platform.level,
            platform.facilitator,
        )
    if changes.level not in Level.values:
        raise AllianceError(_("Choose a level."))
    _check_tree(alliance, platform, changes.parent)
    _check_facilitator(platform.community, changes.facilitator)
    stage_changed = changes.stage != platform.stage
    platform.level = changes.level
    platform.parent = changes.parent
    platform.facilitator = changes.facilitator
    platform.stage = changes.stage
    platform.country = changes.country
    platform.area = changes.area.strip()
    platform.needed_types = _check_types(changes.needed_types)
    platform.save()
    if stage_changed:
        StageChange.objects.create(
            platform=platform, stage=platform.stage, actor=cast(User, actor), note=changes.stage_note
        )
    return platform


@transaction.atomic
def platform_remove(*, actor: Viewer, platform: Platform) -> None:
    """Take a platform out of the alliance (its community stays, with all it holds). Its children move up
    to its parent so the tree stays whole."""
    _require(permissions.can_run_alliance(_standing(actor, platform.alliance)))
    LearningAlliance.objects.select_for_update().filter(pk=platform.alliance_id).first()
    if platform.cycles.exists() or platform.process_entries.exists() or platform.outputs.exists():
        raise AllianceError(
            _(
                "This platform has action research, a process log or outputs: they would be lost. "
                "Keep it, or move it in the tree."
            )
        )
    Platform.objects.filter(parent=platform).update(parent=platform.parent)
    platform.stakeholders.clear()
    platform.delete()


# --- Shared direction ------------------------------------------------------------------------------------


@transaction.atomic
def direction_save(
    *,
    actor: Viewer,
    alliance: LearningAlliance,
    values: Mapping[str, Any],
    based_on: int | None,
) -> DirectionVersion:
    """Save the shared direction as a new version; a stale edit is refused and the editor's text kept."""
    _require(permissions.can_run_alliance(_standing(actor, alliance)))
    LearningAlliance.objects.select_for_update().filter(pk=alliance.pk).first()
    current = alliance.directions.order_by("-number").first()
    if (current.number if current else None) != based_on:
        raise AllianceError(
            _(
                "Someone saved a newer version of the shared direction while you were editing. Your text is kept "
                "below: compare it with the new version, then save again."
            )
        )
    texts = {name: str(values.get(name) or "").strip() for name in DIRECTION_FIELDS}
    core_values = list(dict.fromkeys(values.get("core_values") or []))
    other = str(values.get("other_values") or "").strip()
    agreed_on = values.get("agreed_on")
    if current is not None and (
        texts == {name: getattr(current, name) for name in DIRECTION_FIELDS}
        and core_values == current.core_values
        and other == current.other_values
        and agreed_on == current.agreed_on
    ):
        raise AllianceError(_("Nothing has changed since the last version."))
    return DirectionVersion.objects.create(
        alliance=alliance,
        number=(current.number if current else 0) + 1,
        core_values=core_values,
        other_values=other,
        agreed_on=agreed_on,
        note=str(values.get("note") or "").strip()[:300],
        author=cast(User, actor),
        **texts,
    )


# --- Stakeholders -----------------------------------------------------------------------------------------


@dataclass
class StakeholderData:
    name: str
    org_type: str
    level: str
    kind: str = StakeholderKind.ORGANISATION
    platforms: Sequence[Platform] = ()
    organisation: Organisation | None = None
    contact: User | None = None
    interest: int = 3
    influence: int = 3
    importance: int = 3
    alignment: int = 3
    engagement_current: str = Engagement.UNAWARE
    engagement_desired: str = Engagement.SUPPORTIVE
    strategy: str = Strategy.INFORM
    rationale: str = ""
    evidence: str = ""


SCORES = ("interest", "influence", "importance", "alignment")
ASSESSED = (*SCORES, "engagement_current", "engagement_desired", "strategy", "rationale", "evidence")


def _validate_stakeholder(data: StakeholderData) -> None:
    for name in SCORES:
        value = getattr(data, name)
        try:
            stakeholders.check_score(value)
        except stakeholders.ScoreError:
            raise AllianceError(
                _("%(field)s must be a whole number from 1 to 5, not %(value)s.")
                % {"field": _(name), "value": value}
            ) from None
    checks = (
        ("org_type", OrgType.values),
        ("level", Level.values),
        ("kind", StakeholderKind.values),
        ("engagement_current", Engagement.values),
        ("engagement_desired", Engagement.values),
        ("strategy", Strategy.values),
    )
    for name, allowed in checks:
        if getattr(data, name) not in allowed:
            raise AllianceError(
                _("%(field)s: “%(value)s” is not one of the choices.")
                % {"field": name, "value": getattr(data, name)}
            )
    if not data.name.strip():
        raise AllianceError(_("Give the stakeholder a name."))


def _assess(stakeholder: Stakeholder, data: StakeholderData, actor: User, now: Any) -> None:
    for name in ASSESSED:
        setattr(stakeholder, name, getattr(data, name))
    stakeholder.assessed_by = actor
    stakeholder.assessed_at = now
    Assessment.objects.create(
        stakeholder=stakeholder,
        assessed_by=actor,
        assessed_at=now,
        **{name: getattr(data, name) for name in ASSESSED},
    )


def _assessment_changed(stakeholder: Stakeholder, data: StakeholderData) -> bool:
    return any(getattr(stakeholder, name) != getattr(data, name) for name in ASSESSED)


@transaction.atomic
def stakeholder_save(
    *,
    actor: Viewer,
    alliance: LearningAlliance,
    data: StakeholderData,
    stakeholder: Stakeholder | None = None,
) -> Stakeholder:
    """Add a stakeholder or change one; a changed score or engagement adds to the assessment history."""
    standing = _standing(actor, alliance)
    _require(permissions.can_edit_register(standing))
    _validate_stakeholder(data)
    if any(p.alliance_id != alliance.pk for p in data.platforms):
        raise AllianceError(_("Choose platforms of this alliance."))
    user = cast(User, actor)
    now = timezone.now()
    # one writer of the register at a time, so two people adding the same name meet a clear refusal
    LearningAlliance.objects.select_for_update().filter(pk=alliance.pk).first()
    if stakeholder is None:
        stakeholder = Stakeholder(alliance=alliance)
        changed = True
    else:
        stakeholder = Stakeholder.objects.select_for_update(of=("self",)).get(
            pk=stakeholder.pk, alliance=alliance
        )
        changed = _assessment_changed(stakeholder, data)
    stakeholder.name = data.name.strip()[:200]
    stakeholder.kind = data.kind
    stakeholder.org_type = data.org_type
    stakeholder.level = data.level
    stakeholder.organisation = data.organisation
    stakeholder.contact = data.contact
    duplicate = Stakeholder.objects.filter(alliance=alliance, name__iexact=stakeholder.name).exclude(
        pk=stakeholder.pk
    )
    if duplicate.exists():
        raise AllianceError(
            _("The register already has a stakeholder called %(name)s.") % {"name": stakeholder.name}
        )
    if changed:
        for name in ASSESSED:
            setattr(stakeholder, name, getattr(data, name))
        stakeholder.save()
        _assess(stakeholder, data, user, now)
    stakeholder.save()
    stakeholder.platforms.set(list(data.platforms))
    return stakeholder


TRANSITION_MESSAGES = {
    "skips_states": (
        "%(current)s cannot go straight to %(target)s: move through the steps in between, "
        "or fast-track with a reason."
    ),
    "backwards": "%(current)s cannot go back to %(target)s.",
    "reapproach_via_contacted": "From %(current)s, a stakeholder can only be contacted again.",
    "same_state": "The stakeholder is already %(current)s.",
    "unknown_state": "Choose a mobilisation step.",
    "reason_required": "Say why: %(current)s → %(target)s needs a reason.",
}


def transition_message(error: mobilisation.InvalidTransition) -> str:
    labels = dict(Mobilisation.choices)
    return _(TRANSITION_MESSAGES[error.code]) % {
        "current": labels.get(error.current, error.current),
        "target": labels.get(error.target, error.target),
    }


@transaction.atomic
def stakeholder_move(
    *,
    actor: Viewer,
    stakeholder: Stakeholder,
    target: str,
    reason: str = "",
    fast_track: bool = False,
    expected: str | None = None,
) -> MobilisationStep:
    """Move a stakeholder along the mobilisation pipeline (domain.md §3.2). `expected` is the status the
    person saw: if someone moved the stakeholder meanwhile, nothing happens and they are told."""
    _require(permissions.can_edit_register(_standing(actor, stakeholder.alliance)))
    locked = Stakeholder.objects.select_for_update(of=("self",)).get(pk=stakeholder.pk)
    if expected is not None and locked.status != expected:
        raise AllianceError(
            _("Someone moved this stakeholder to %(status)s meanwhile; look again before moving it.")
            % {"status": locked.get_status_display()}
        )
    try:
        mobilisation.check(locked.status, target, reason=reason, fast_track=fast_track)
    except mobilisation.InvalidTransition as error:
        raise AllianceError(transition_message(error)) from error
    step = MobilisationStep.objects.create(
        stakeholder=locked,
        from_status=locked.status,
        to_status=target,
        reason=reason.strip()[:500],
        fast_track=fast_track
        and mobilisation.PIPELINE.index(target) - mobilisation.PIPELINE.index(locked.status) > 1
        if locked.status in mobilisation.PIPELINE and target in mobilisation.PIPELINE
        else False,
        actor=cast(User, actor),
    )
    locked.status = target
    locked.save(update_fields=["status"])
    stakeholder.status = target
    return step


@transaction.atomic
def relation_add(
    *, actor: Viewer, source: Stakeholder, target: Stakeholder, kind: str, strength: int
) -> StakeholderRelation:
    _require(permissions.can_edit_register(_standing(actor, source.alliance)))
    if source.alliance_id != target.alliance_id:
        raise AllianceError(_("Both stakeholders must be in this alliance's register."))
    if source.pk == target.pk:
        raise AllianceError(_("A stakeholder cannot be tied to itself."))
    if kind not in RelationKind.values:
        raise AllianceError(_("Choose a kind of tie."))
    try:
        stakeholders.check_score(strength)
    except stakeholders.ScoreError:
        raise AllianceError(_("Strength must be a whole number from 1 to 5.")) from None
    relation, created = StakeholderRelation.objects.get_or_create(
        source=source, target=target, kind=kind, defaults={"strength": strength}
    )
    if not created:
        relation.strength = strength
        relation.save(update_fields=["strength"])
    return relation


def relation_remove(*, actor: Viewer, relation: StakeholderRelation) -> None:
    _require(permissions.can_edit_register(_standing(actor, relation.source.alliance)))
    relation.delete()


# --- CSV import and export of the register -------------------------------------------------------------

CSV_COLUMNS = (
    "name",
    "kind",
    "type",
    "level",
    "platforms",
    "interest",
    "influence",
    "importance",
    "alignment",
    "engagement_current",
    "engagement_desired",
    "strategy",
    "mobilisation",
    "rationale",
    "evidence",
)
REQUIRED_COLUMNS = ("name", "type", "level")
MAX_IMPORT_ROWS = 5000
MAX_IMPORT_BYTES = 2 * 1024 * 1024


def export_rows(items: Iterable[Stakeholder], tokens: Mapping[int, str]) -> Iterable[list[object]]:
    """The register as CSV rows; platforms by `tokens` (their community's address, or `platform-<id>`
    for one the reader may not see)."""
    for item in items:
        yield [
            item.name,
            item.kind,
            item.org_type,
            item.level,
            "; ".join(tokens.get(p.pk, f"platform-{p.pk}") for p in item.platforms.all()),
            item.interest,
            item.influence,
            item.importance,
            item.alignment,
            item.engagement_current,
            item.engagement_desired,
            item.strategy,
            item.status,
            item.rationale,
            item.evidence,
        ]


class ImportError_(AllianceError):
    """An import refused as a whole; `row` is the line number in the file (the header is line 1)."""

    def __init__(self, message: str, row: int = 0, column: str = "") -> None:
        super().__init__(message)
        self.row = row
        self.column = column


def _import_error(row: int, column: str, message: str) -> ImportError_:
    return ImportError_(
        _("Line %(row)s, column “%(column)s”: %(problem)s Nothing was imported.")
        % {"row": row, "column": column, "problem": message},
        row,
        column,
    )


def _decode(raw: bytes) -> str:
    # UTF-16 only when the file says so with its byte-order mark: other bytes of even length would
    # "decode" as UTF-16 into nonsense instead of being refused with a useful message
    encodings = ("utf-16",) if raw.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-8-sig",)
    for encoding in encodings:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    raise ImportError_(
        _("The file is not UTF-8 text. Save it from your spreadsheet as “CSV UTF-8” and try again.")
    )


@transaction.atomic
def stakeholders_import(*, actor: Viewer, alliance: LearningAlliance, raw: bytes) -> tuple[int, int]:
    """Import the register from CSV (the columns of the export; name, type and level required). A name
    already in the register updates that stakeholder (its assessment history grows when scores change),
    a new name adds one. Any wrong row refuses the whole file, naming the line and column; cells that
    would run as spreadsheet formulas are refused. Returns (added, updated)."""
    standing = _standing(actor, alliance)
    _require(permissions.can_edit_register(standing))
    LearningAlliance.objects.select_for_update().filter(pk=alliance.pk).first()
    if len(raw) > MAX_IMPORT_BYTES:
        raise ImportError_(_("The file is larger than 2 MB; split it and import the parts."))
    text = _decode(raw)
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        rows = list(reader)
    except csv.Error as error:
        raise ImportError_(
            _("The file is not a readable CSV file (%(error)s).") % {"error": error}
        ) from error
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise ImportError_(_("The file is empty: the first line must name the columns."))
    header = [cell.strip().lower() for cell in rows[0]]
    unknown = [name for name in header if name not in CSV_COLUMNS]
    if unknown:
        raise _import_error(
            1,
            unknown[0],
            _("this column is unknown. The columns are: %(columns)s.") % {"columns": ", ".join(CSV_COLUMNS)},
        )
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise _import_error(1, missing[0], _("this column is missing."))
    duplicates = {name for name in header if header.count(name) > 1}
    if duplicates:
        raise _import_error(1, sorted(duplicates)[0], _("this column appears twice."))
    body = [
        (number, row) for number, row in enumerate(rows[1:], start=2) if any(cell.strip() for cell in row)
    ]
    if len(body) > MAX_IMPORT_ROWS:
        raise ImportError_(_("The file has more than %(count)s rows; split it.") % {"count": MAX_IMPORT_ROWS})
    known = selectors.platforms_of(alliance)
    platforms = {p.community.slug: p for p in known} | {f"platform-{p.pk}": p for p in known}
    existing = {
        item.name.lower(): item
        for item in Stakeholder.objects.select_for_update(of=("self",))
        .filter(alliance=alliance)
        .prefetch_related("platforms")
    }
    seen: set[str] = set()
    parsed: list[tuple[int, StakeholderData, str]] = []
    for number, row in body:
        if len(row) != len(header):
            raise _import_error(
                number,
                header[min(len(row), len(header) - 1)],
                _("this line has %(found)s cells, the header %(expected)s.")
                % {"found": len(row), "expected": len(header)},
            )
        cells = dict(zip(header, row, strict=True))
        for column, value in cells.items():
            value = value.strip()
            if value.startswith("'") and value[1:2] in FORMULA_STARTS:
                value = value[1:]  # our own export's protection, taken off again
                cells[column] = value
            elif value.startswith(FORMULA_STARTS):
                raise _import_error(
                    number, column, _("a cell may not start with = + - @ (a spreadsheet formula).")
                )
            cells[column] = value
        current = existing.get(cells.get("name", "").lower())
        data = _row_data(number, cells, platforms, current)
        status = cells.get("mobilisation", "").lower()
        start = current.status if current is not None else Mobilisation.IDENTIFIED
        if status and status != start:
            # where a stakeholder stands may be set from the file, but only along the state machine:
            # never backwards, and a jump counts as a fast-track with the file's line as its reason
            try:
                mobilisation.check(start, status, reason=f"line {number}", fast_track=True)
            except mobilisation.InvalidTransition as error:
                raise _import_error(number, "mobilisation", transition_message(error)) from error
        parsed.append((number, data, status))
        key = parsed[-1][1].name.lower()
        if key in seen:
            raise _import_error(
                number, "name", _("%(name)s appears twice in the file.") % {"name": parsed[-1][1].name}
            )
        seen.add(key)
    user = cast(User, actor)
    now = timezone.now()
    added = updated = 0
    for number, data, status in parsed:
        current = existing.get(data.name.lower())
        if current is not None:
            current.kind, current.org_type, current.level = data.kind, data.org_type, data.level
            fields = ["kind", "org_type", "level"]
            if _assessment_changed(current, data):
                _assess(current, data, user, now)
                fields += [*ASSESSED, "assessed_by", "assessed_at"]
            current.save(update_fields=fields)
            current.platforms.set(list(data.platforms))
            updated += 1
            target = status or current.status
            item = current
        else:
            item = Stakeholder(
                alliance=alliance, name=data.name, kind=data.kind, org_type=data.org_type, level=data.level
            )
            for name in ASSESSED:
                setattr(item, name, getattr(data, name))
            item.save()
            _assess(item, data, user, now)
            item.platforms.set(list(data.platforms))
            added += 1
            target = status or Mobilisation.IDENTIFIED
        if target != item.status:
            # a register brought in from elsewhere records where each stakeholder stands, as a fast-track step
            MobilisationStep.objects.create(
                stakeholder=item,
                from_status=item.status,
                to_status=target,
                reason=_("Imported from a CSV file, line %(row)s.") % {"row": number},
                fast_track=True,
                actor=user,
            )
            item.status = target
            item.save(update_fields=["status"])
    return added, updated


def _row_data(
    number: int, cells: Mapping[str, str], platforms: Mapping[str, Platform], current: Stakeholder | None
) -> StakeholderData:
    """One line as stakeholder data. A column the file leaves out (or a cell left empty) keeps what the
    register holds for a stakeholder already in it, and takes the default for a new one."""
    name = cells.get("name", "")
    if not name:
        raise _import_error(number, "name", _("a name is needed."))
    if len(name) > 200:
        raise _import_error(number, "name", _("at most 200 characters."))

    def kept(column: str, attribute: str, default: object) -> str:
        return str(getattr(current, attribute) if current is not None else default)

    def choice(column: str, allowed: Sequence[str], default: str, attribute: str = "") -> str:
        value = cells.get(column, "").strip().lower() or kept(column, attribute or column, default)
        if value not in allowed:
            raise _import_error(
                number,
                column,
                _("“%(value)s” is not one of: %(allowed)s.")
                % {"value": value, "allowed": ", ".join(allowed)},
            )
        return value

    def score(column: str) -> int:
        value = cells.get(column, "").strip() or kept(column, column, 3)
        if not (value.isascii() and value.isdecimal() and len(value) == 1) or not 1 <= int(value) <= 5:
            raise _import_error(
                number, column, _("“%(value)s” is not a score from 1 to 5.") % {"value": value}
            )
        return int(value)

    chosen = []
    for slug in [
        part.strip() for part in cells.get("platforms", "").replace(",", ";").split(";") if part.strip()
    ]:
        if slug not in platforms:
            raise _import_error(
                number,
                "platforms",
                _("no platform of this alliance has the address “%(slug)s”.") % {"slug": slug},
            )
        chosen.append(platforms[slug])
    if not cells.get("platforms") and current is not None:
        chosen = list(current.platforms.all())
    texts = {}
    for column in ("rationale", "evidence"):
        if len(cells.get(column, "")) > 3000:
            raise _import_error(number, column, _("at most 3,000 characters."))
        texts[column] = cells.get(column) or kept(column, column, "")
    choice("mobilisation", mobilisation.STATES, "identified", "status")
    return StakeholderData(
        name=name,
        kind=choice("kind", StakeholderKind.values, StakeholderKind.ORGANISATION),
        org_type=choice("type", OrgType.values, "", "org_type"),
        level=choice("level", Level.values, ""),
        platforms=chosen,
        interest=score("interest"),
        influence=score("influence"),
        importance=score("importance"),
        alignment=score("alignment"),
        engagement_current=choice("engagement_current", Engagement.values, Engagement.UNAWARE),
        engagement_desired=choice("engagement_desired", Engagement.values, Engagement.SUPPORTIVE),
        strategy=choice("strategy", Strategy.values, Strategy.INFORM),
        rationale=texts["rationale"],
        evidence=texts["evidence"],
    )


# --- Platform work: action research, process log, dissemination ---------------------------------------


def _platform_work(actor: Viewer, platform: Platform) -> None:
    _require(permissions.can_edit_platform_work(_standing(actor, platform.alliance), platform.pk))


@transaction.atomic
def cycle_save(
    *,
    actor: Viewer,
    platform: Platform,
    values: Mapping[str, Any],
    evidence: Iterable[Any] | None = None,
    cycle: ActionResearchCycle | None = None,
) -> ActionResearchCycle:
    """Start a cycle (it follows the platform's latest one) or record its plan, action, observations and
    reflection. Closing a cycle asks for its reflection: that is what the next cycle learns from."""
    _platform_work(actor, platform)
    if cycle is not None and cycle.platform_id != platform.pk:
        raise PermissionDenied
    Platform.objects.select_for_update().filter(pk=platform.pk).first()
    starts_on = values.get("starts_on", cycle.starts_on if cycle else None)
    ends_on = values.get("ends_on", cycle.ends_on if cycle else None)
    if starts_on and ends_on and ends_on < starts_on:
        raise AllianceError(_("A cycle cannot end before it starts."))
    if "phase" in values and values["phase"] not in CyclePhase.values:
        raise AllianceError(_("Choose a phase: plan, act, observe, reflect or closed."))
    reflection = values.get("reflection", cycle.reflection if cycle else "")
    if values.get("phase") == CyclePhase.CLOSED and not str(reflection or "").strip():
        raise AllianceError(
            _("Write the reflection before closing the cycle: the next cycle starts from it.")
        )
    if cycle is None:
        latest = platform.cycles.order_by("-number").first()
        cycle = ActionResearchCycle(
            platform=platform,
            number=(latest.number if latest else 0) + 1,
            previous=latest if latest is not None and not _has_next(latest) else None,
            created_by=cast(User, actor),
        )
    for name in (
        "question",
        "plan",
        "act_log",
        "observations",
        "reflection",
        "phase",
        "starts_on",
        "ends_on",
    ):
        if name in values:
            value = values[name]
            setattr(cycle, name, value.strip() if isinstance(value, str) else value)
    if not cycle.question:
        raise AllianceError(_("Ask the cycle's research question."))
    cycle.save()
    if evidence is not None:
        cycle.evidence.set(list(evidence))
    return cycle


def _has_next(cycle: ActionResearchCycle) -> bool:
    return ActionResearchCycle.objects.filter(previous=cycle).exists()


PROCESS_FIELDS = (
    "happened_on",
    "title",
    "details",
    "what_changed",
    "enabling",
    "hindering",
    "corrective_action",
    "evidence_url",
    "evidence",
    "tags",
)


@transaction.atomic
def process_entry_save(
    *, actor: Viewer, platform: Platform, values: Mapping[str, Any], entry: ProcessEntry | None = None
) -> ProcessEntry:
    _platform_work(actor, platform)
    if entry is not None and entry.platform_id != platform.pk:
        raise PermissionDenied
    if entry is None:
        entry = ProcessEntry(platform=platform, author=cast(User, actor))
    for name in PROCESS_FIELDS:
        if name in values:
            value = values[name]
            setattr(entry, name, value.strip() if isinstance(value, str) else value)
    entry.tags = ", ".join(dict.fromkeys(tag.strip() for tag in entry.tags.split(",") if tag.strip()))[:200]
    entry.save()
    return entry


def process_entry_delete(*, actor: Viewer, entry: ProcessEntry) -> None:
    _platform_work(actor, entry.platform)
    entry.delete()


@transaction.atomic
def output_save(*, actor: Viewer, platform: Platform, values: Mapping[str, Any]) -> DisseminationOutput:
    _platform_work(actor, platform)
    checks = (("kind", OutputKind.values), ("audience", Audience.values), ("channel", Channel.values))
    for name, allowed in checks:
        if values.get(name) not in allowed:
            raise AllianceError(_("%(field)s: choose one of the listed values.") % {"field": name})
    if not str(values.get("title") or "").strip() or not values.get("published_on"):
        raise AllianceError(_("An output needs a title and a date."))
    known = {"kind", "title", "audience", "channel", "published_on", "url", "resource", "reach"}
    return DisseminationOutput.objects.create(
        platform=platform, author=cast(User, actor), **{k: v for k, v in values.items() if k in known}
    )


def output_delete(*, actor: Viewer, output: DisseminationOutput) -> None:
    _platform_work(actor, output.platform)
    output.delete()
