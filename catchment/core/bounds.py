"""Length bounds in the database itself (reliability.md #20).

Every text field a person types into carries `max_length`; forms and serializers enforce it. For a CharField the
database enforces it too on PostgreSQL (varchar(n)). A TextField has no length in SQL, so each of ours with a
`max_length` also gets a CHECK constraint `length(column) <= max_length`, on PostgreSQL and SQLite alike: a bug,
a script or a future code path that skips the form still cannot store an unbounded text.

The constraints are added here, when each model class is prepared, rather than written out in every model's
Meta: the field's `max_length` is then the only place the number lives, and the migrations record the
constraints like any other (`makemigrations --check` in CI fails when one is missing). `LengthCheck` leaves
validation to the form field's own max_length check, which already gives a translated message; Django's generic
`CheckConstraint.validate` would only repeat it with one extra query per field on every form save.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.db.models.signals import class_prepared

SUFFIX = "_len"
MAX_NAME = 63  # PostgreSQL's identifier limit


class LengthCheck(models.CheckConstraint):
    """A database CHECK on a text column's length; form and serializer fields validate the same bound."""

    def validate(self, *args: Any, **kwargs: Any) -> None:
        return None


def constraint_name(model: type[models.Model], field: models.Field[Any, Any]) -> str:
    name = f"{model._meta.db_table}_{field.column}{SUFFIX}"
    if len(name) <= MAX_NAME:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    return f"{name[: MAX_NAME - len(SUFFIX) - 9]}_{digest}{SUFFIX}"


def length_checks(model: type[models.Model]) -> list[LengthCheck]:
    """The checks `model` should carry: one per concrete TextField of its own with a max_length."""
    return [
        LengthCheck(
            condition=LessThanOrEqual(Length(field.name), field.max_length),
            name=constraint_name(model, field),
        )
        for field in model._meta.local_concrete_fields
        if isinstance(field, models.TextField) and field.max_length is not None
    ]


def add_length_checks(sender: type[models.Model], **kwargs: Any) -> None:
    meta = sender._meta
    if meta.abstract or meta.proxy or not sender.__module__.startswith("catchment."):
        return
    checks = length_checks(sender)
    if not checks:
        return
    present = {constraint.name for constraint in meta.constraints}
    meta.constraints = [*meta.constraints, *(check for check in checks if check.name not in present)]
    # The migration state reads a model's constraints only when its Meta named them.
    meta.original_attrs["constraints"] = meta.constraints


def connect() -> None:
    """Called when the core app's configuration is imported, before any model of ours is defined."""
    class_prepared.connect(add_length_checks, dispatch_uid="catchment-length-checks")
