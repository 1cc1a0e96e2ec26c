"""Writing the interaction log. Every service that does something people do together calls `record`;
the insights app reads the log. Recording never fails the action it describes."""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from catchment.core.models import Interaction, Verb

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Entry:
    """One interaction to record; `source` is a stable key of the record it comes from."""

    actor_id: int
    verb: str
    source: str
    community_id: int | None = None
    target_id: int | None = None
    object_type: str = ""
    object_id: int | None = None
    occurred_at: datetime.datetime | None = None


def record(entry: Entry) -> None:
    """Write one interaction, unless one with the same source is already there."""
    record_many([entry])


def record_many(entries: list[Entry]) -> int:
    """Write interactions in bulk, skipping those already recorded (by source); returns how many were new."""
    rows = [
        Interaction(
            actor_id=entry.actor_id,
            verb=Verb(entry.verb),
            community_id=entry.community_id,
            target_id=entry.target_id if entry.target_id != entry.actor_id else None,
            object_type=entry.object_type,
            object_id=entry.object_id,
            occurred_at=entry.occurred_at or timezone.now(),
            source=entry.source[:80],
        )
        for entry in entries
        if entry.actor_id
    ]
    if not rows:
        return 0
    try:
        with transaction.atomic():
            created = Interaction.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
    except (IntegrityError, DatabaseError):
        # The log serves the insights; losing a line must never undo what a person just did.
        logger.exception("could not record %d interaction(s)", len(rows))
        return 0
    return len(created)
