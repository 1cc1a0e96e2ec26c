"""Personal access tokens: hashed, shown once, scoped, revocable, and never able to widen a person's rights."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from catchment.api import services, tokens
from catchment.api.models import AccessToken
from catchment.api.services import TokenError

from .conftest import bearer, token_for


def test_a_new_token_is_stored_only_as_a_hash_and_works_as_a_bearer_token(hub):
    token, secret = services.token_create(actor=hub.member, name="Website feed", scope="read")
    assert secret.startswith("cat_") and len(secret) > 40
    stored = AccessToken.objects.get(pk=token.pk)
    assert secret not in {stored.key_hash, stored.prefix, stored.name}
    assert stored.key_hash == tokens.digest(secret)
    assert secret.startswith(stored.prefix)
    response = bearer(secret).get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["username"] == hub.member.username
    assert response.json()["token_scope"] == "read"
    assert AccessToken.objects.get(pk=token.pk).last_used_at is not None


@pytest.mark.parametrize("raw", ["cat_" + "x" * 43, "not-a-token", "cat_", "Bearer", "cat_" + "é" * 30])
def test_unknown_or_malformed_tokens_get_401_in_the_error_shape(hub, raw):
    response = bearer(raw).get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["error"]["status"] == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_or_expired_token_stops_working_at_once(hub):
    revoked, secret = services.token_create(actor=hub.member, name="Old", scope="read")
    assert bearer(secret).get("/api/v1/me/").status_code == 200
    services.token_revoke(actor=hub.member, token=revoked)
    assert bearer(secret).get("/api/v1/me/").status_code == 401
    expired, secret2 = services.token_create(actor=hub.member, name="Short", scope="read")
    AccessToken.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert bearer(secret2).get("/api/v1/me/").status_code == 401


def test_a_deactivated_account_s_tokens_stop_working(hub):
    secret = token_for(hub.member, "read")
    hub.member.is_active = False
    hub.member.save()
    assert bearer(secret).get("/api/v1/me/").status_code == 401


def test_a_read_token_cannot_change_anything(hub):
    secret = token_for(hub.outsider, "read")
    response = bearer(secret).post("/api/v1/communities/rivers/join/", {}, format="json")
    assert response.status_code == 403
    assert "read-only" in response.json()["error"]["message"]
    assert not hub.public.memberships.filter(user=hub.outsider).exists()


def test_a_write_token_acts_as_its_owner_but_cannot_run_a_community(hub):
    secret = token_for(hub.convenor, "write")
    response = bearer(secret).get("/api/v1/communities/rivers/webhooks/")
    assert response.status_code == 403
    admin = token_for(hub.convenor, "admin", community=hub.public)
    assert bearer(admin).get("/api/v1/communities/rivers/webhooks/").status_code == 200
    assert bearer(admin).get("/api/v1/communities/cwp/webhooks/").status_code == 403


def test_an_admin_token_is_only_made_for_a_community_its_owner_runs(hub):
    with pytest.raises(TokenError):
        services.token_create(actor=hub.member, name="Sneaky", scope="admin", community=hub.public)
    with pytest.raises(TokenError):
        services.token_create(actor=hub.convenor, name="No community", scope="admin")
    assert not AccessToken.objects.filter(user=hub.member).exists()


def test_a_token_never_widens_its_owner_s_rights(hub):
    secret = token_for(hub.outsider, "write")
    assert (
        bearer(secret).get(f"/api/v1/communities/cwp/topics/{hub.private_topic.pk}/posts/").status_code == 404
    )
    assert bearer(secret).get("/api/v1/communities/board/").status_code == 404


def test_tokens_cannot_make_or_revoke_tokens(hub):
    secret = token_for(hub.member, "write")
    response = bearer(secret).post("/api/v1/tokens/", {"name": "More power", "scope": "write"}, format="json")
    assert response.status_code == 403
    assert AccessToken.objects.filter(user=hub.member).count() == 1


def test_only_the_owner_revokes_a_token(hub):
    token, _secret = services.token_create(actor=hub.member, name="Mine", scope="read")
    with pytest.raises(PermissionDenied):
        services.token_revoke(actor=hub.outsider, token=token)
    assert AccessToken.objects.get(pk=token.pk).revoked_at is None


def test_the_tokens_page_makes_a_token_shown_once_and_revokes_it(client, hub):
    client.force_login(hub.member)
    page = client.get(reverse("api_tokens:list"))
    assert page.status_code == 200
    made = client.post(reverse("api_tokens:list"), {"name": "Partner site", "scope": "read"}, follow=True)
    assert made.redirect_chain == [(reverse("api_tokens:made"), 302)]
    assert "no-store" in made["Cache-Control"]
    assert client.get(reverse("api_tokens:made")).status_code == 302  # shown once
    token = AccessToken.objects.get(user=hub.member)
    secret = made.context["secret"]
    assert secret in made.content.decode() and tokens.digest(secret) == token.key_hash
    listing = client.get(reverse("api_tokens:list")).content.decode()
    assert token.prefix in listing and secret not in listing
    revoked = client.post(reverse("api_tokens:revoke", args=[token.pk]))
    assert revoked.status_code == 302
    assert bearer(secret).get("/api/v1/me/").status_code == 401


def test_someone_else_s_token_cannot_be_revoked_from_the_page(client, hub):
    token, secret = services.token_create(actor=hub.member, name="Mine", scope="read")
    client.force_login(hub.outsider)
    assert client.post(reverse("api_tokens:revoke", args=[token.pk])).status_code == 404
    assert bearer(secret).get("/api/v1/me/").status_code == 200


def test_the_tokens_page_refuses_a_bad_form_with_messages_and_makes_nothing(client, hub):
    client.force_login(hub.member)
    response = client.post(
        reverse("api_tokens:list"), {"name": "", "scope": "root", "expires_on": "2001-01-01"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not AccessToken.objects.filter(user=hub.member).exists()


def test_session_requests_that_change_things_need_the_csrf_token(hub):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(hub.outsider)
    response = client.post("/api/v1/communities/rivers/join/", {}, format="json")
    assert response.status_code == 403
    assert not hub.public.memberships.filter(user=hub.outsider).exists()
