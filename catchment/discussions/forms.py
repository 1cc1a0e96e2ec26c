"""Forms for discussions; every message is translated."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from catchment.accounts.languages import spoken_language_choices
from catchment.core.uploads import MultipleFileField, describe
from catchment.discussions.models import FlagReason, ModerationAction, TopicKind

BODY_HELP = _("Markdown: **bold**, *italic*, [links](https://example.org), lists, > quotes.")


def _body_field(label: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=BODY_HELP,
        error_messages={"required": _("Write a message first.")},
    )


def _attachments_help() -> str:
    from django.template.defaultfilters import filesizeformat
    from django.utils.translation import gettext

    from catchment.discussions.services import ATTACHMENT_FAMILIES

    return gettext("Up to %(count)d files of %(size)s each: %(kinds)s.") % {
        "count": settings.ATTACHMENTS_PER_POST,
        "size": filesizeformat(settings.ATTACHMENT_MAX_BYTES),
        "kinds": describe(ATTACHMENT_FAMILIES),
    }


def _attachments_field() -> MultipleFileField:
    return MultipleFileField(
        label=_("Attach files"),
        help_text=lazy(_attachments_help, str)(),
        max_files=settings.ATTACHMENTS_PER_POST,
    )


class TopicForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), widget=forms.RadioSelect)
    title = forms.CharField(label=_("Title"), max_length=200)
    body = _body_field(_("Message"))
    attachments = _attachments_field()
    language = forms.ChoiceField(label=_("Language of the topic"))

    def __init__(self, *args: Any, kinds: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [(value, label) for value, label in TopicKind.choices if value in kinds]
        language = self.fields["language"]
        assert isinstance(language, forms.ChoiceField)
        language.choices = spoken_language_choices()


class ReplyForm(forms.Form):
    body = _body_field(_("Your reply"))
    attachments = _attachments_field()
    reply_to = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)


class EditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    body = _body_field(_("Message"))
    attachments = _attachments_field()
    remove = forms.TypedMultipleChoiceField(
        label=_("Remove attached files"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, attached: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        remove = self.fields["remove"]
        assert isinstance(remove, forms.ChoiceField)
        remove.choices = attached or []
        if not attached:
            del self.fields["remove"]


class ModerationForm(forms.Form):
    verb = forms.ChoiceField(choices=ModerationAction.Verb.choices)
    reason = forms.CharField(label=_("Reason (shown in the moderation log)"), required=False, max_length=300)


class TopicFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *TopicKind.choices]
    )
    unanswered = forms.BooleanField(label=_("Unanswered questions only"), required=False)


class FlagForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why?"), choices=FlagReason.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note for the moderators (optional)"), required=False, max_length=500)


class ResolveForm(forms.Form):
    decision = forms.ChoiceField(choices=[("hide", _("Hide the message")), ("keep", _("Keep it"))])
    reason = forms.CharField(label=_("Reason (shown in the moderation log)"), required=False, max_length=300)
