import re

from django.core import mail

from catchment.accounts.models import Profile, User
from catchment.accounts.tests.factories import UserFactory


def signup(client, email="amina@example.org", **extra):
    data = {
        "email": email,
        "password1": "a-long-pass-phrase-42",
        "password2": "a-long-pass-phrase-42",
        "display_name": "Amina Diallo",
    }
    data.update(extra)
    return client.post("/accounts/signup/", data)


def test_sign_up_sends_a_verification_email_and_confirming_it_signs_in(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = signup(client)
    assert response.status_code == 302
    user = User.objects.get(email="amina@example.org")
    assert user.display_name == "Amina Diallo"
    assert Profile.objects.filter(user=user).exists()
    assert re.fullmatch(r"[-a-z0-9_]+", user.username)
    assert len(mail.outbox) == 1
    link = re.search(r"https?://testserver(/accounts/confirm-email/[^\s]+)", mail.outbox[0].body).group(1)
    confirm = client.post(link)
    assert confirm.status_code == 302
    assert client.get("/me/profile/").status_code == 200


def test_login_before_verification_is_refused_with_a_resent_email(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        signup(client)
    client.logout()
    response = client.post(
        "/accounts/login/", {"login": "amina@example.org", "password": "a-long-pass-phrase-42"}
    )
    assert response.status_code == 302
    assert "confirm-email" in response["Location"]


def test_verification_email_is_in_the_language_of_the_page(client, db, django_capture_on_commit_callbacks):
    client.cookies["catchment_language"] = "es"
    with django_capture_on_commit_callbacks(execute=True):
        signup(client, email="lucia@example.org")
    assert User.objects.get(email="lucia@example.org").language == "es"
    assert "confirme su dirección de correo electrónico" in mail.outbox[0].subject


def test_duplicate_email_is_a_clear_error_and_no_second_account(client, db):
    UserFactory(email="taken@example.org")
    response = signup(client, email="Taken@Example.org")
    # With enumeration prevention allauth pretends to succeed and mails the owner instead.
    assert response.status_code in {200, 302}
    assert User.objects.filter(email__iexact="taken@example.org").count() == 1


def test_sign_up_field_errors_are_translated(client, db):
    client.cookies["catchment_language"] = "fr"
    response = signup(client, email="not-an-email", display_name="")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Ce champ est obligatoire" in body or "adresse électronique" in body.lower()


def test_sign_up_is_rate_limited(client, db):
    statuses = [signup(client, email=f"person{n}@example.org").status_code for n in range(12)]
    assert statuses[:10] == [302] * 10
    assert statuses[-1] == 429


def test_broken_confirmation_token_gives_a_clear_page(client, db):
    response = client.get("/accounts/confirm-email/not-a-real-key/")
    assert response.status_code in {200, 404}
    assert response.status_code != 500


def test_password_reset_mails_a_link_to_known_accounts_and_a_notice_to_unknown_ones(
    client, db, django_capture_on_commit_callbacks
):
    UserFactory(email="known@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": "known@example.org"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": "unknown@example.org"})
    known, unknown = mail.outbox
    assert known.to == ["known@example.org"]
    assert "/accounts/password/reset/key/" in known.body
    # Enumeration prevention: the page answers the same, and the stranger learns nothing but that no account exists.
    assert unknown.to == ["unknown@example.org"]
    assert "/accounts/password/reset/key/" not in unknown.body


def test_mail_is_written_in_the_recipients_language_not_the_requesters(
    client, db, django_capture_on_commit_callbacks
):
    UserFactory(email="olga@example.org", language="ru")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": "olga@example.org"})
    (message,) = mail.outbox
    assert re.search(r"[а-яА-Я]{4,}", message.subject + message.body)
    assert "Password Reset" not in message.subject


def test_broken_password_reset_key_gives_a_clear_page(client, db):
    response = client.get("/accounts/password/reset/key/zz-bad-token/", follow=True)
    assert response.status_code == 200
    assert "bad token" in response.content.decode().lower() or "invalid" in response.content.decode().lower()


def test_after_repeated_failed_logins_even_the_right_password_is_refused_for_a_while(client, db):
    UserFactory(email="target@example.org")
    for _ in range(5):
        client.post("/accounts/login/", {"login": "target@example.org", "password": "wrong-guess"})
    response = client.post(
        "/accounts/login/", {"login": "target@example.org", "password": "correct-horse-battery"}
    )
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_in_requests_are_rate_limited_per_address(client, db, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "3/m/ip"}
    statuses = [
        client.post("/accounts/login/", {"login": f"p{n}@example.org", "password": "x"}).status_code
        for n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    assert (
        "Too many attempts"
        in client.post("/accounts/login/", {"login": "a@b.c", "password": "x"}).content.decode()
    )


def test_member_turns_on_two_factor_authentication_with_a_valid_code(client, db):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import hotp_value, yield_hotp_counters_from_time

    user = UserFactory(email="secure@example.org")
    client.force_login(user)
    # Security settings ask for the password again first.
    ask = client.get("/accounts/2fa/totp/activate/")
    assert ask.status_code == 302
    assert ask["Location"].startswith("/accounts/reauthenticate/")
    client.post(ask["Location"], {"password": "correct-horse-battery"})
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = page.context["form"].secret
    code = f"{hotp_value(secret, next(yield_hotp_counters_from_time())):06d}"
    wrong = client.post("/accounts/2fa/totp/activate/", {"code": "000000"})
    assert wrong.status_code == 200
    assert not Authenticator.objects.filter(user=user).exists()
    response = client.post("/accounts/2fa/totp/activate/", {"code": code})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def test_changing_the_email_address_needs_the_new_address_confirmed(
    client, db, django_capture_on_commit_callbacks
):
    user = UserFactory(email="old@example.org")
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/email/", {"action_add": "", "email": "new@example.org"})
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["new@example.org"]
    user.refresh_from_db()
    assert user.email == "old@example.org"
