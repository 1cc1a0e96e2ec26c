"""Hooks into django-allauth: profiles for new accounts, and mail rendered in the recipient's language."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from django.utils.text import slugify

from catchment.accounts.models import User
from catchment.accounts.passwords import MaximumLengthValidator, too_long
from catchment.accounts.services import profile_ensure
from catchment.core.mail import queue_mail


class AccountAdapter(DefaultAccountAdapter):
    def set_password(self, user: Any, password: str) -> None:
        """A new password (changed, or reset by email) also ends every API token: whoever knew the old
        password may have made one. Other browser sessions end by themselves (their hash no longer matches)."""
        super().set_password(user, password)
        # The API sits above accounts; imported here, where allauth calls in, to keep accounts free of it.
        from catchment.api.services import tokens_revoke_all

        tokens_revoke_all(user=user)

    def clean_password(self, password: str, user: Any = None) -> str:
        """A password past the ceiling is refused before the other validators (the similarity check among
        them) spend any time on it."""
        if too_long(password):
            MaximumLengthValidator().validate(password)
        return super().clean_password(password, user)

    def populate_username(self, request: HttpRequest, user: Any) -> None:
        """Handles are slugs (they appear in profile addresses), unique, derived from the email's local part."""
        if user.username:
            return
        base = slugify(user.email.split("@")[0])[:30] or "member"
        candidate, suffix = base, 2
        while User.objects.filter(username=candidate).exists():
            candidate = f"{base}-{suffix}"
            suffix += 1
        user.username = candidate

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        user = super().save_user(request, user, form, commit=False)
        if not user.display_name:
            user.display_name = user.email.split("@")[0]
        if not user.language:
            user.language = translation.get_language() or settings.LANGUAGE_CODE
            if user.language not in {code for code, _name in settings.LANGUAGES}:
                user.language = settings.LANGUAGE_CODE
        if commit:
            user.save()
            profile_ensure(user=user)
        return user

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Render now, in the recipient's own language, and send through the task queue."""
        recipient = User.objects.filter(email__iexact=email).only("language").first()
        language = (recipient.language if recipient else "") or translation.get_language()
        with translation.override(language):
            context = {**context, "email": email}
            message = self.render_mail(template_prefix, email, context)
        html_body = None
        for alternative in getattr(message, "alternatives", []):
            if alternative[1] == "text/html":
                html_body = alternative[0]
        for address in message.to:
            queue_mail(
                subject=message.subject,
                body=message.body,
                to=address,
                from_email=message.from_email,
                html_body=html_body,
            )
