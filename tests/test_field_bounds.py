"""Every text a person can type has a bound (reliability.md #20): model text fields carry max_length (the
forms built from them enforce it), and every API input field is bounded in its serializer."""

from __future__ import annotations

import inspect

from django.apps import apps
from django.db import models
from rest_framework import serializers

from catchment.api import serializers as api_serializers

# Written by the hub itself from text that was bounded when it came in, never typed into these fields.
SYSTEM_WRITTEN = {
    "discussions.PostRevision.body": "a copy of a post's earlier body (posts: 20,000)",
    "alliances.Assessment.rationale": "a copy of the stakeholder's rationale (3,000)",
    "alliances.Assessment.evidence": "a copy of the stakeholder's evidence (3,000)",
    "search.SearchDocument.body": "the index's text, assembled from bounded fields",
    "api.IdempotentRequest.body": "the API's own first answer, replayed",
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
