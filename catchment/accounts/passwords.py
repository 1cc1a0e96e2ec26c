"""Passwords have a ceiling as well as a floor (reliability.md #20, ASVS 2.1.2): a password longer than
MAX_PASSWORD_LENGTH characters is refused before anything hashes it, wherever one is typed (sign-in through
either backend, a new password, a check of the current one). Argon2 hashes long input cheaply, but a ceiling
keeps a megabyte "password" from reaching the hasher, the similarity validator or the logs at all."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import ngettext

MAX_PASSWORD_LENGTH = 128


def too_long(password: object) -> bool:
    return isinstance(password, str) and len(password) > MAX_PASSWORD_LENGTH


class MaximumLengthValidator:
    """AUTH_PASSWORD_VALIDATORS entry: a new password has at most `max_length` characters."""

    def __init__(self, max_length: int = MAX_PASSWORD_LENGTH) -> None:
        self.max_length = max_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                ngettext(
                    "This password is too long: use at most %(max_length)d character.",
                    "This password is too long: use at most %(max_length)d characters.",
                    self.max_length,
                ),
                code="password_too_long",
                params={"max_length": self.max_length},
            )

    def get_help_text(self) -> str:
        return ngettext(
            "Your password can have at most %(max_length)d character.",
            "Your password can have at most %(max_length)d characters.",
            self.max_length,
        ) % {"max_length": self.max_length}


class PasswordCeilingBackend:
    """The first of AUTHENTICATION_BACKENDS: a password past the ceiling ends the sign-in (Django's documented
    PermissionDenied, which also sends user_login_failed) before Django's or allauth's backend hashes it, not
    even as the dummy hash they make for an unknown name. It authenticates no one and, having no get_user, is
    never the backend a session names, so the sessions of the backends after it stay valid."""

    def authenticate(self, request: HttpRequest | None, **credentials: Any) -> None:
        if too_long(credentials.get("password")):
            raise PermissionDenied
        return None
