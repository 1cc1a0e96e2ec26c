"""The mobilisation state machine (domain.md §3.2): identified → contacted → briefed → consulted →
committed → active member; declined and withdrawn from anywhere; a re-approach (declined or withdrawn →
contacted) needs a reason. A forward jump over intermediate states is refused unless the facilitator
fast-tracks it, with a reason. Pure: no database."""

from __future__ import annotations

PIPELINE = ("identified", "contacted", "briefed", "consulted", "committed", "active_member")
EXITS = ("declined", "withdrawn")
STATES = PIPELINE + EXITS
COMMITTED_OR_FURTHER = ("committed", "active_member")


class InvalidTransition(ValueError):
    """A move the state machine does not allow."""

    def __init__(self, current: str, target: str, reason: str) -> None:
        super().__init__(f"{current} → {target}: {reason}")
        self.current = current
        self.target = target
        self.code = reason


class ReasonRequired(InvalidTransition):
    """Allowed, but only with a reason (a re-approach, a fast-track)."""


def next_states(current: str) -> list[str]:
    """The moves allowed from `current` without fast-tracking (a re-approach still needs its reason)."""
    if current in EXITS:
        return ["contacted"] + [state for state in EXITS if state != current]
    index = PIPELINE.index(current)
    forward = [PIPELINE[index + 1]] if index + 1 < len(PIPELINE) else []
    return forward + list(EXITS)


def check(current: str, target: str, reason: str = "", fast_track: bool = False) -> None:
    """Raise InvalidTransition (or ReasonRequired) unless `current → target` is allowed."""
    if current not in STATES:
        raise InvalidTransition(current, target, "unknown_state")
    if target not in STATES:
        raise InvalidTransition(current, target, "unknown_state")
    if current == target:
        raise InvalidTransition(current, target, "same_state")
    reason = reason.strip()
    if target in EXITS:
        return
    if current in EXITS:
        if target != "contacted":
            raise InvalidTransition(current, target, "reapproach_via_contacted")
        if not reason:
            raise ReasonRequired(current, target, "reason_required")
        return
    step = PIPELINE.index(target) - PIPELINE.index(current)
    if step == 1:
        return
    if step < 1:
        raise InvalidTransition(current, target, "backwards")
    if not fast_track:
        raise InvalidTransition(current, target, "skips_states")
    if not reason:
        raise ReasonRequired(current, target, "reason_required")


def is_reapproach(current: str, target: str) -> bool:
    return current in EXITS and target == "contacted"
