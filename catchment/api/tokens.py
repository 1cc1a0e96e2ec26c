"""Personal access tokens: made with a secret shown once, stored as a hash, found again by that hash.

A token reads "cat_" followed by 43 URL-safe characters (256 random bits). Only its SHA-256 is kept: a
leaked database gives no usable token. The first characters are kept in clear so its owner can tell
their tokens apart.
"""

from __future__ import annotations

import hashlib
import secrets

PREFIX = "cat_"
SHOWN = 8


def new_secret() -> str:
    """A fresh token, to be shown to its owner once."""
    return PREFIX + secrets.token_urlsafe(32)


def digest(raw: str) -> str:
    """What is stored for (and looked up by) a token."""
    return hashlib.sha256(raw.encode()).hexdigest()


def shown_prefix(raw: str) -> str:
    """The part of a token kept in clear, to recognise it in a list."""
    return raw[: len(PREFIX) + SHOWN]


def looks_like_token(raw: str) -> bool:
    return raw.startswith(PREFIX) and 20 <= len(raw) <= 100
