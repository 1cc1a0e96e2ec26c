"""Every text a person can type has a bound (reliability.md #20): model text fields carry max_length (the
forms built from them enforce it), every API input field is bounded in its serializer, and the database holds
the bound too (varchar on PostgreSQL; a CHECK on each TextField, on both engines)."""

from __future__ import annotations

import inspect

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, models, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework import serializers

from catchment.accounts.models import Profile
from catchment.api import serializers as api_serializers
from catchment.communities.models import CharterVersion, Community
from catchment.core import bounds

# Written by the hub itself from text that was bounded when it came in, never typed into these fields.
SYSTEM_WRITTEN = {
    "discussions.PostRevision.body": "a copy of a post's earlier body (posts: 20,000)",
    "alliances.Assessment.rationale": "a copy of the stakeholder's rationale (3,000)",
    "alliances.Assessment.evidence": "a copy of the stakeholder's evidence (3,000)",
    "search.SearchDocument.body": "the index's text, assembled from bounded fields",
    "api.IdempotentRequest.body": "the API's own first answer, replayed",
    "core.OutboundMail.body": "a message the hub composed from bounded parts (never refused for its length)",
    "core.OutboundMail.html_body": "the same message as HTML",
}


def test_every_model_text_field_has_a_maximum_length():
    unbounded = []
    checked = 0
    for model in apps.get_models():
        if not model.__module__.startswith("catchment."):
            continue
        for field in model._meta.get_fields():
            if isinstance(field, models.TextField | models.CharField):
                checked += 1
                name = f"{model._meta.label}.{field.name}"
                if field.max_length is None and name not in SYSTEM_WRITTEN:
                    unbounded.append(name)
    assert unbounded == []
    assert checked > 200


def test_every_api_input_text_is_bounded():
    unbounded = []
    for name, serializer_class in inspect.getmembers(api_serializers, inspect.isclass):
        # What the API accepts: its input serializers (named …Input / …Change); the others only describe answers.
        if not name.endswith(("Input", "Change")):
            continue
        for field_name, field in serializer_class().get_fields().items():
            if field.read_only:
                continue
            if isinstance(field, serializers.CharField) and field.max_length is None:
                unbounded.append(f"{name}.{field_name}")
            if isinstance(field, serializers.ListField) and field.max_length is None:
                unbounded.append(f"{name}.{field_name}")
    assert unbounded == []


def _bounded_text_fields() -> list[tuple[type[models.Model], models.TextField]]:
    return [
        (model, field)
        for model in apps.get_models()
        if model.__module__.startswith("catchment.")
        for field in model._meta.local_concrete_fields
        if isinstance(field, models.TextField) and field.max_length is not None
    ]


def test_every_bounded_text_field_has_its_check_in_the_model_and_in_the_database(db):
    """core/bounds.py gives each TextField with a max_length a CHECK; the test database (built by the
    migrations) holds each one, so a missing migration or a changed bound cannot slip through."""
    fields = _bounded_text_fields()
    assert len(fields) >= 50
    missing_in_model, missing_in_database = [], []
    with connection.cursor() as cursor:
        for model, field in fields:
            name = bounds.constraint_name(model, field)
            declared = {c.name: c for c in model._meta.constraints}
            check = declared.get(name)
            if not isinstance(check, bounds.LengthCheck) or check.condition.rhs != field.max_length:
                missing_in_model.append(name)
            in_db = connection.introspection.get_constraints(cursor, model._meta.db_table)
            if not in_db.get(name, {}).get("check"):
                missing_in_database.append(name)
    assert missing_in_model == []
    assert missing_in_database == []


def test_the_database_refuses_a_text_one_character_over_its_bound(db):
    """Written past every form and serializer (a queryset update), the database still says no."""
    from catchment.accounts.tests.factories import ProfileFactory
    from catchment.communities.tests.factories import CharterVersionFactory, CommunityFactory

    community = CommunityFactory()
    charter = CharterVersionFactory(community=community)
    profile = ProfileFactory()
    cases = [
        (Community, community.pk, "description"),
        (CharterVersion, charter.pk, "code_of_conduct"),
        (Profile, profile.pk, "bio"),
    ]
    for model, pk, name in cases:
        limit = model._meta.get_field(name).max_length
        model.objects.filter(pk=pk).update(**{name: "é" * limit})  # exactly the bound, in characters
        with pytest.raises(IntegrityError), transaction.atomic():
            model.objects.filter(pk=pk).update(**{name: "é" * (limit + 1)})
        assert len(getattr(model.objects.get(pk=pk), name)) == limit


def test_a_form_save_runs_no_query_for_the_length_checks(db):
    """The form field already checks max_length; LengthCheck adds nothing to a form's validation."""
    check = next(c for c in Community._meta.constraints if isinstance(c, bounds.LengthCheck))
    with CaptureQueriesContext(connection) as queries:
        check.validate(Community, Community(description="x" * 30000))
    assert len(queries) == 0
