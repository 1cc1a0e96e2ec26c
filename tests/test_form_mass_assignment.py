"""Mass assignment on the page forms (reliability.md #5): every page route that takes a POST, sent by the
least-privileged person who may use it, with its valid body plus privileged extras (`role`, `is_staff`,
`community`, `author`, `visibility`, `capacity`, `created_at`, `id`, `slug`, …), changes exactly what the
valid body alone changes: no other column of an existing row, and no new row carrying an extra's value.

The routes come from the URL patterns: a page route that answers a POST with anything but 405 must be in
FORMS (or in NOT_FORMS with its reason), so a new form fails here until someone sends it extras. Each
submission runs in a savepoint that is rolled back, so every form starts from the same community.
"""

from __future__ import annotations

import datetime
import functools
import importlib
from contextlib import contextmanager
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection, models, transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catchment.accounts.tests.factories import OrganisationFactory, UserFactory
from tests.sweep import _write_counter, build_community, params_of, payload, value_of
from tests.test_idor import ROUTES
from tests.test_permission_matrix import all_patterns

VICTIM_ID = 424242
HOSTILE_SLUG = "hijacked-slug"
HOSTILE_YEAR = 2001

# (url name) -> (who sends it: the least-privileged role that may, parameter overrides naming world keys)
FORMS: dict[str, tuple[str, dict[str, str]]] = {
    "accounts:profile_edit": ("member", {}),
    "accounts:organisation_create": ("member", {}),
    "accounts:organisation_edit": ("convenor", {}),
    "accounts:organisation_admin_add": ("convenor", {}),
    "accounts:organisation_admin_remove": ("convenor", {}),
    "accounts:organisation_verify": ("staff", {}),
    "set_language": ("member", {}),
    "api_tokens:list": ("member", {}),
    "api_tokens:revoke": ("convenor", {}),
    "webhooks:list": ("co_convenor", {}),
    "webhooks:detail": ("co_convenor", {}),
    "webhooks:act": ("co_convenor", {"action": "ping"}),
    "notifications:read_all": ("member", {}),
    "notifications:topic_level": ("member", {}),
    "notifications:community_level": ("member", {}),
    "notifications:settings": ("member", {}),
    "notifications:unsubscribe": ("member", {}),
    "notifications:digest_unsubscribe": ("member", {}),
    "conversations:start": ("member", {}),
    "conversations:settings": ("member", {}),
    "conversations:reply": ("target", {}),
    "conversations:mark_read": ("target", {}),
    "conversations:add_people": ("target", {}),
    "conversations:leave": ("target", {}),
    "conversations:mute": ("target", {}),
    "conversations:report": ("target", {}),
    "conversations:block": ("member", {}),
    "conversations:unblock": ("member", {}),
    "conversations:resolve": ("staff", {}),
    "conversations:restore": ("staff", {}),
    "newsletters:hub_new": ("staff", {}),
    "newsletters:preferences": ("member", {}),
    "newsletters:unsubscribe": ("member", {}),
    "newsletters:edit": ("convenor", {}),
    "newsletters:test": ("convenor", {}),
    "newsletters:send": ("convenor", {}),
    "newsletters:retry": ("convenor", {}),
    "newsletters:community_new": ("convenor", {}),
    "library:new": ("member", {}),
    "library:edit": ("moderator", {}),
    "library:moderate": ("moderator", {}),
    "library:community_new": ("member", {}),
    "events:new": ("staff", {}),
    "events:edit": ("moderator", {}),
    "events:cancel": ("moderator", {}),
    "events:register": ("applicant", {}),
    "events:unregister": ("member", {}),
    "events:registrations": ("moderator", {}),
    "events:cafe_setup": ("moderator", {}),
    "events:cafe_seat": ("moderator", {}),
    "events:harvest": ("member", {}),
    "events:synthesis": ("moderator", {}),
    "events:community_new": ("moderator", {}),
    "insights:hub_recompute": ("staff", {}),
    "insights:map_opt_out": ("member", {}),
    "insights:recompute": ("moderator", {}),
    "insights:settings": ("co_convenor", {}),
    "insights:story_new": ("member", {}),
    "insights:story_edit": ("moderator", {}),
    "insights:indicators": ("moderator", {}),
    "insights:indicators_seed": ("moderator", {}),
    "insights:observe": ("moderator", {}),
    "insights:survey_new": ("moderator", {}),
    "insights:survey": ("member", {}),
    "insights:survey_edit": ("moderator", {}),
    "insights:survey_status": ("moderator", {}),
    "insights:survey_withdraw": ("member", {}),
    "insights:survey_recompute": ("moderator", {}),
    "alliances:new": ("member", {}),
    "alliances:edit": ("convenor", {}),
    "alliances:platform_new": ("convenor", {}),
    "alliances:platform_edit": ("convenor", {}),
    "alliances:platform_remove": ("convenor", {}),
    "alliances:direction_edit": ("convenor", {}),
    "alliances:stakeholders_import": ("convenor", {}),
    "alliances:stakeholder_new": ("convenor", {}),
    "alliances:stakeholder_edit": ("convenor", {}),
    "alliances:stakeholder_move": ("convenor", {}),
    "alliances:relation_add": ("convenor", {}),
    "alliances:relation_remove": ("convenor", {}),
    "alliances:cycle_new": ("convenor", {}),
    "alliances:cycle": ("convenor", {}),
    "alliances:process_new": ("convenor", {}),
    "alliances:process_edit": ("convenor", {}),
    "alliances:process_delete": ("convenor", {}),
    "alliances:outputs": ("convenor", {}),
    "alliances:output_delete": ("convenor", {}),
    "alliances:maps": ("co_convenor", {}),
    "alliances:map_import": ("co_convenor", {}),
    "alliances:map_edit": ("co_convenor", {}),
    "alliances:variable_add": ("co_convenor", {}),
    "alliances:variable_edit": ("co_convenor", {}),
    "alliances:variable_delete": ("co_convenor", {}),
    "alliances:link_add": ("co_convenor", {}),
    "alliances:link_delete": ("co_convenor", {}),
    "alliances:loop_note": ("co_convenor", {}),
    "discussions:topic_new": ("member", {}),
    "discussions:reply": ("member", {}),
    "discussions:accept": ("member", {}),
    "discussions:topic_moderate": ("moderator", {}),
    "discussions:topic_move": ("moderator", {}),
    "discussions:post_edit": ("member", {"post": "post"}),
    "discussions:post_moderate": ("moderator", {}),
    "discussions:flag": ("member", {}),
    "discussions:react": ("member", {}),
    "discussions:resolve": ("moderator", {}),
    "communities:create": ("member", {}),
    "communities:settings": ("co_convenor", {}),
    "communities:join": ("applicant", {}),
    "communities:request": ("applicant", {}),
    "communities:leave": ("member", {}),
    "communities:conduct": ("member", {}),
    "communities:decide": ("moderator", {}),
    "communities:invitations": ("moderator", {}),
    "communities:invitation": ("applicant", {}),
    "communities:invitation_withdraw": ("moderator", {}),
    "communities:stage": ("co_convenor", {}),
    "communities:member_role": ("co_convenor", {}),
    "communities:member_remove": ("moderator", {}),
    "communities:hand_over": ("convenor", {}),
    "communities:charter_edit": ("co_convenor", {}),
    "communities:charter_approve": ("convenor", {}),
    "communities:consultation": ("co_convenor", {}),
    **{
        f"communities:{name}": ("co_convenor", {})
        for name in (
            "resources",
            "resource_edit",
            "resource_delete",
            "activities",
            "activity_edit",
            "activity_delete",
            "milestones",
            "milestone_edit",
            "milestone_delete",
        )
    },
    "account_signup": ("anonymous", {}),
    "account_email": ("member", {}),
}

# Page routes that take a POST but store nothing a person typed into a model's privileged fields.
NOT_FORMS = {
    "account_login": "signs in; stores no row but the session",
    "account_logout": "signs out",
    "account_reauthenticate": "checks the password again; stores nothing",
    "account_change_password": "sets the password only (tests in accounts/tests/test_sessions.py)",
    "account_set_password": "sets the password only",
    "account_reset_password": "sends mail; stores nothing",
    "account_reset_password_from_key": "sets the password from a mailed key",
    "account_confirm_email": "confirms an address from a mailed key",
    "account_confirm_login_code": "signs in with a mailed code",
    "mfa_authenticate": "second factor at sign-in",
    "mfa_reauthenticate": "second factor again",
    "mfa_activate_totp": "sets up an authenticator from a code",
    "mfa_deactivate_totp": "removes the authenticator",
    "mfa_generate_recovery_codes": "makes new recovery codes",
    "mfa_download_recovery_codes": "a download of the person's own codes",
    "api_tokens:made": "shows a token just made, once; stores nothing",
    "accounts:data_export": "the person's own data as a download; stores no field of the form",
    "accounts:account_delete": "erases the person's own account (its tests are the erasure suite's)",
}

EXTRAS: dict[str, Any] = {
    "role": "co_convenor",
    "is_staff": "on",
    "is_superuser": "on",
    "is_active": "",
    "community": "",  # filled with community B's id
    "community_id": "",
    "author": VICTIM_ID,
    "author_id": VICTIM_ID,
    "user": VICTIM_ID,
    "user_id": VICTIM_ID,
    "owner": VICTIM_ID,
    "created_by": VICTIM_ID,
    "added_by": VICTIM_ID,
    "organiser": VICTIM_ID,
    "sent_by": VICTIM_ID,
    "visibility": "secret",
    "join_policy": "invitation",
    "capacity": "7",
    "pinned": "on",
    "is_pinned": "on",
    "is_locked": "on",
    "featured": "on",
    "banner": "banner.png",
    "created_at": f"{HOSTILE_YEAR}-01-01T00:00:00Z",
    "id": VICTIM_ID,
    "pk": VICTIM_ID,
    "status": "hidden",
    "stage": "archived",
    "slug": HOSTILE_SLUG,
    "scope": "admin",
    "secret": "attacker-known",
    "member_count": "999999",
}
WRITES_TO_LINK = {"communities:invitation"}
# Compared column by column, less what follows from any write: stamps, the search index (rebuilt from the
# rows compared here), the interaction log and mail claims (both written by services after the rows).
IGNORED_COLUMNS = {"updated_at", "last_login", "last_used_at"}
IGNORED_TABLES = {"django_session", "search_searchdocument", "core_interaction", "core_mailclaim"}


def _models():
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.db_table not in IGNORED_TABLES and not model._meta.proxy and model._meta.managed
    ]


@functools.cache
def _queries():
    quote = connection.ops.quote_name
    built = []
    for model in _models():
        fields = [f for f in model._meta.concrete_fields if f.attname not in IGNORED_COLUMNS]
        columns = [f.attname for f in fields]
        names = ", ".join(quote(f.column) for f in fields)
        table, order = quote(model._meta.db_table), quote(model._meta.pk.column)
        sql = f"SELECT {names} FROM {table} ORDER BY {order}"  # noqa: S608 - names from the models, quoted
        built.append((model._meta.db_table, columns, columns.index(model._meta.pk.attname), sql))
    return built


def rows() -> dict[str, dict[Any, dict[str, Any]]]:
    """Every row of every table (bookkeeping left out), as the database gives them, by primary key."""
    result = {}
    with connection.cursor() as cursor:
        for table, columns, pk_index, sql in _queries():
            cursor.execute(sql)
            converted = {}
            for raw in cursor.fetchall():
                converted[raw[pk_index]] = dict(zip(columns, raw, strict=True))
            result[table] = converted
    return result


def diff(before, after):
    """(changed (table, column) of rows that existed, new rows by table)."""
    changed, new = set(), {}
    for table, now in after.items():
        old = before[table]
        for pk, row in now.items():
            if pk not in old:
                new.setdefault(table, []).append(row)
                continue
            for column, value in row.items():
                if old[pk][column] != value:
                    changed.add((table, column))
        for pk in set(old) - set(now):
            changed.add((table, f"<deleted {pk}>"))
    return changed, new


def _user_columns():
    user = get_user_model()
    found = set()
    for model in _models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.ForeignKey) and field.related_model is user:
                found.add((model._meta.db_table, field.attname))
    return found


def hostile_values(table, row, victim_pk, other_community_pk, user_columns):
    """Columns of a new row that hold a value only an extra could have put there."""

    def hostile(column, value):
        return (
            ((table, column) in user_columns and value == victim_pk)
            or (column == "community_id" and value == other_community_pk)
            or (isinstance(value, datetime.datetime | datetime.date) and value.year == HOSTILE_YEAR)
            or (isinstance(value, str) and value.startswith(f"{HOSTILE_YEAR}-01-01"))
            or (column == "id" and value == VICTIM_ID)
            or (column == "slug" and value == HOSTILE_SLUG)
            or (column in ("is_staff", "is_superuser") and bool(value))
            or (column == "role" and value == "co_convenor")
            or (column in ("capacity", "member_count") and value in (7, 999999))
            or (column == "secret" and value == "attacker-known")
        )

    return [column for column, value in row.items() if hostile(column, value)]


@contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture
def place(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        world = build_community("m")
        other = build_community("mo")
    world["people"]["staff"] = UserFactory(is_staff=True)
    victim = UserFactory(pk=VICTIM_ID, display_name="Victim")
    OrganisationFactory(slug="victim-org")
    return world, other, victim


def form_url(name, entry, world):
    role, overrides = FORMS[name]
    keys = list(ROUTES.get(name, ()))
    values = {}
    for param, key in zip(params_of(entry), keys, strict=True):
        key = overrides.get(param, key)
        if key == "forged":
            values[param] = _token_for(name, world, role)
        else:
            values[param] = value_of(world, key)
    return reverse(name, kwargs=values)


def _token_for(name, world, role):
    """The credential a link in a mail would carry, for the person sending the form."""
    user = world["people"][role]
    if name == "notifications:unsubscribe":
        from catchment.notifications.services import unsubscribe_token

        return unsubscribe_token(user.pk, topic_id=world["topic"].pk)
    if name == "notifications:digest_unsubscribe":
        from catchment.notifications import digests

        return digests.digest_token(user.pk)
    if name == "newsletters:unsubscribe":
        from catchment.newsletters.services import unsubscribe_token

        return unsubscribe_token(user.pk, world["community"].pk)
    if name == "communities:invitation":
        from catchment.communities import services

        sent = services.invitation_create(
            actor=world["people"]["convenor"], community=world["community"], email=user.email
        )
        return sent.token
    return "forged"


def _body(name, world, role):
    body = dict(payload(name, world))
    if name == "account_signup":
        body = {
            "email": "new.person@example.org",
            "password1": "a-long-passphrase-77",
            "password2": "a-long-passphrase-77",
            "display_name": "New person",
        }
    if name == "account_email":
        body = {"email": "second@example.org", "action_add": "1"}
    if name == "communities:invitation":
        body = {"accept_conduct": "on"}
    return body


def _client(world, role):
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(world["people"][role])
    return client


def _submit(client, url, body, before):
    """POST, then what changed against `before` (the state every rolled-back submission starts from)."""
    cache.clear()
    counter = _write_counter()
    response = client.post(url, body)
    if counter is not None and _write_counter() == counter:
        return response, (set(), {})
    return response, diff(before, rows())


def _url_and_state(name, entry, world, start):
    """The form's URL, and the state before it is sent (making a mailed link writes a row first)."""
    url = form_url(name, entry, world)
    return url, (rows() if name in WRITES_TO_LINK else start)


def page_routes():
    return [
        (name, entry)
        for name, _route, entry in all_patterns()
        if name and not name.startswith(("admin:", "api:"))
    ]


def test_every_page_route_taking_a_post_is_a_listed_form(place):
    world, _other, _victim = place
    client = _client(world, "convenor")
    unlisted = []
    for name, entry in page_routes():
        if name in FORMS or name in NOT_FORMS:
            continue
        keys = ROUTES.get(name, ())
        values = ["forged" if key == "forged" else value_of(world, key) for key in keys]
        url = reverse(name, kwargs=dict(zip(params_of(entry), values, strict=True)))
        with rolled_back():
            response = client.post(url, {})
        if response.status_code != 405:
            unlisted.append(f"{name}: POST answers {response.status_code}")
    assert unlisted == [], (
        "\n".join(unlisted) + "\na page route takes a POST: add it to FORMS (or NOT_FORMS with a reason)"
    )


def test_privileged_extras_change_nothing_on_any_form(place):
    world, other, victim = place
    entries = dict(page_routes())
    user_columns = _user_columns()
    extras = {**EXTRAS, "community": str(other["community"].pk), "community_id": str(other["community"].pk)}
    problems = []
    no_effect = []
    sent = 0
    start = rows()
    for name in sorted(FORMS):
        role, _overrides = FORMS[name]
        client = _client(world, role)
        body = _body(name, world, role)
        with rolled_back():
            url, before = _url_and_state(name, entries[name], world, start)
            _response, (baseline, _new) = _submit(client, url, body, before)
        with rolled_back():
            url, before = _url_and_state(name, entries[name], world, start)
            response, (changed, new) = _submit(client, url, {**extras, **body}, before)
        sent += 1
        if response.status_code >= 500:
            problems.append(f"{name}: {response.status_code}")
        for table, column in sorted(changed - baseline):
            problems.append(f"{name}: {table}.{column} changed only with the extras")
        for table, created in new.items():
            for row in created:
                hostile = hostile_values(table, row, victim.pk, other["community"].pk, user_columns)
                if hostile:
                    problems.append(f"{name}: new {table} row took {hostile} from the extras")
        if not baseline and not new:
            # Refused or a no-op for this body (a task queued after commit, a link already used…): the extras
            # were still sent and still changed nothing.
            no_effect.append(f"{name} ({response.status_code})")
    print(
        f"page forms: {sent} forms × {len(extras)} extras; {len(problems)} privileged changes; "
        f"{len(no_effect)} valid bodies changed nothing: " + ", ".join(no_effect)
    )
    assert problems == [], "\n".join(problems)
    assert len(EXTRAS) >= 15 and sent >= 100


def _form_fields(dotted):
    module, name = dotted.rsplit(".", 1)
    return set(getattr(importlib.import_module(module), name).base_fields)


# (url name) -> (the model it writes, the form whose own fields are legitimate input, not extras)
HYPOTHESIS_FORMS = {
    "discussions:topic_new": ("discussions.Topic", "catchment.discussions.forms.TopicForm"),
    "events:edit": ("events.Event", "catchment.events.forms.EventForm"),
    "communities:settings": ("communities.Community", "catchment.communities.forms.CommunityForm"),
    "accounts:profile_edit": ("accounts.Profile", "catchment.accounts.forms.ProfileForm"),
    "communities:join": ("communities.Membership", "catchment.communities.forms.JoinForm"),
}


def _hostile_for(field, other_community_pk):
    if isinstance(field, models.ForeignKey):
        if field.related_model is get_user_model():
            return str(VICTIM_ID)
        if field.related_model._meta.label == "communities.Community":
            return str(other_community_pk)
        return str(VICTIM_ID)
    if isinstance(field, models.BooleanField):
        return "on"
    if isinstance(field, models.DateTimeField | models.DateField):
        return f"{HOSTILE_YEAR}-01-01T00:00:00Z"
    if isinstance(field, models.IntegerField):
        return "7"
    if field.name == "slug":
        return HOSTILE_SLUG
    if field.choices:
        return str(field.choices[-1][0])
    return "HIJACK"


def _fuzz(name, url, client, body, baseline, by_key, start, context):
    other, victim, user_columns = context

    @settings(
        max_examples=8,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(st.sets(st.sampled_from(sorted(by_key)), min_size=1, max_size=8))
    def check(chosen):
        extras = {key: _hostile_for(by_key[key], other["community"].pk) for key in chosen}
        with rolled_back():
            response, (changed, new) = _submit(client, url, {**extras, **body}, start)
        assert response.status_code < 500, (name, extras)
        assert changed - baseline == set(), (name, extras, changed - baseline)
        for table, created in new.items():
            for row in created:
                hostile = hostile_values(table, row, victim.pk, other["community"].pk, user_columns)
                assert hostile == [], (name, extras, table, hostile)

    check()


def test_random_model_fields_as_extras_change_nothing(place):
    """Hypothesis picks extra keys among the written model's own fields (those its form does not offer) and
    sends each a hostile value for its type: nothing beyond the valid body's effect changes."""
    world, other, victim = place
    user_columns = _user_columns()
    start = rows()
    for name in sorted(HYPOTHESIS_FORMS):
        label, form = HYPOTHESIS_FORMS[name]
        own = _form_fields(form)
        fields = [
            f
            for f in apps.get_model(label)._meta.concrete_fields
            if f.attname not in IGNORED_COLUMNS and f.name not in own and f.attname not in own
        ]
        by_key = {f.name: f for f in fields} | {f.attname: f for f in fields}
        url = form_url(name, dict(page_routes())[name], world)
        client = _client(world, FORMS[name][0])
        body = _body(name, world, FORMS[name][0])
        with rolled_back():
            _response, (baseline, made) = _submit(client, url, body, start)
        assert baseline or made, (
            f"{name}: the valid body must take effect for the comparison to mean anything"
        )

        _fuzz(name, url, client, body, baseline, by_key, start, (other, victim, user_columns))
