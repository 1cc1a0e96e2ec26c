"""Forms for systems maps (domain.md §5); every label and message is translated. The forms check shape
(required fields, choices, numbers, the uploaded file); the services check the rest."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import RegexValidator
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from catchment.alliances.models import CauseType, Domain, Force, VariableType

MAX_IMPORT_BYTES = 1024 * 1024
POLARITY_MESSAGE = _("Choose the link's polarity: + (same direction) or − (opposite direction).")
SCALE = [(1, _("1: weak")), (2, _("2: moderate")), (3, _("3: strong"))]
CONFIDENCE = [(1, _("1: a hunch")), (2, _("2: some evidence")), (3, _("3: well established"))]


class MapForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=160)
    framing_question = forms.CharField(
        label=_("Framing question"),
        required=False,
        max_length=300,
        help_text=_(
            "The question the map explores, e.g. why does the aquifer keep falling despite the rules?"
        ),
    )
    guiding_star = forms.CharField(
        label=_("Guiding star"),
        required=False,
        max_length=300,
        help_text=_("The long-term change the group works towards."),
    )
    near_star = forms.CharField(
        label=_("Near star"),
        required=False,
        max_length=300,
        help_text=_("A nearer goal that would show the system is moving."),
    )


class VariableForm(forms.Form):
    label = forms.CharField(
        label=_("Label"),
        max_length=200,
        help_text=_("A neutral, measurable noun phrase: “Groundwater level”, not “Falling groundwater”."),
    )
    type = forms.ChoiceField(
        label=_("Type"),
        choices=VariableType.choices,
        initial=VariableType.FACTOR,
        help_text=_(
            "A stock accumulates (water in the aquifer); a flow changes a stock (abstraction); "
            "a factor is anything else that can rise or fall."
        ),
    )
    domain = forms.ChoiceField(
        label=_("Domain"),
        choices=[("", _("Not classified")), *Domain.choices],
        required=False,
        help_text=_("Hydrological and ecological variables are the water side; the others the human side."),
    )
    force = forms.ChoiceField(
        label=_("Force"),
        choices=Force.choices,
        initial=Force.NEUTRAL,
        help_text=_("Does it push towards the guiding star (enabler) or hold it back (inhibitor)?"),
    )
    cause_type = forms.ChoiceField(
        label=_("Kind of cause"),
        choices=[("", _("Not given")), *CauseType.choices],
        required=False,
        help_text=_(
            "Structural (rules, infrastructure, money), attitudinal (beliefs, norms) or transactional "
            "(exchanges between people)."
        ),
    )
    unit = forms.CharField(
        label=_("Unit"), required=False, max_length=60, help_text=_("For example: m below ground, ha, %.")
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class VariableField(forms.IntegerField):
    """The number of one of the map's variables, chosen in a list (the form gives the choices). A number
    that is not one of this map's variables is not a form error: the view answers 404, as for any address
    that does not exist."""

    widget = forms.Select

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, max_value=2**63 - 1, **kwargs)


class LinkForm(forms.Form):
    source = VariableField(
        label=_("From (the cause)"),
        error_messages={
            "required": _("Choose the variable the link starts from."),
            "invalid": _("Choose one of the map's variables."),
            "min_value": _("Choose one of the map's variables."),
            "max_value": _("Choose one of the map's variables."),
        },
    )
    target = VariableField(
        label=_("To (the effect)"),
        error_messages={
            "required": _("Choose the variable the link leads to."),
            "invalid": _("Choose one of the map's variables."),
            "min_value": _("Choose one of the map's variables."),
            "max_value": _("Choose one of the map's variables."),
        },
    )
    polarity = forms.TypedChoiceField(
        label=_("Polarity"),
        choices=[
            ("1", _("+ same direction: more of the cause brings more of the effect")),
            ("-1", _("− opposite direction: more of the cause brings less of the effect")),
        ],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": POLARITY_MESSAGE, "invalid_choice": POLARITY_MESSAGE},
    )
    delay = forms.BooleanField(label=_("The effect comes with a delay"), required=False)
    strength = forms.TypedChoiceField(
        label=_("Strength"), choices=SCALE, coerce=int, initial=2, required=False, empty_value=None
    )
    confidence = forms.TypedChoiceField(
        label=_("Confidence"), choices=CONFIDENCE, coerce=int, initial=2, required=False, empty_value=None
    )
    evidence = forms.CharField(
        label=_("Evidence"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What shows this link: a study, monitoring data, what people in the room said."),
    )

    def __init__(self, *args: Any, variables: Sequence[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("Choose a variable")), *variables]
        for name in ("source", "target"):
            widget = self.fields[name].widget
            assert isinstance(widget, forms.Select)
            widget.choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("source") is not None and data.get("source") == data.get("target"):
            self.add_error("target", _("A variable cannot cause itself: link it to another variable."))
        return data


class LoopNoteForm(forms.Form):
    key = forms.CharField(
        widget=forms.HiddenInput,
        max_length=200,
        validators=[RegexValidator(r"^\d+(-\d+)+$", message=_("This loop is not on the map."))],
        error_messages={"required": _("This loop is not on the map.")},
    )
    name = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=200,
        help_text=_("A short name people will remember, e.g. “The race to the bottom”."),
    )
    narrative = forms.CharField(
        label=_("The story it tells"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    deep = forms.BooleanField(label=_("Part of the deep structure"), required=False)


def _import_help() -> str:
    from django.utils.translation import gettext

    return gettext(
        "A JSON file exported from Kumu or from this hub (elements, connections and loops), up to %(size)s."
    ) % {"size": filesizeformat(MAX_IMPORT_BYTES)}


class ImportForm(forms.Form):
    title = forms.CharField(
        label=_("Title of the new map"),
        required=False,
        max_length=160,
        help_text=_("Leave empty to use the file's name."),
    )
    file = forms.FileField(
        label=_("File"),
        error_messages={
            "required": _("Choose the JSON file to import."),
            "empty": _("The file is empty."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _import_help()
        self.fields["file"].widget.attrs["accept"] = ".json,application/json"

    def clean_file(self) -> Any:
        """The file's content, decoded: it must be at most MAX_IMPORT_BYTES of UTF-8 JSON."""
        upload: UploadedFile = self.cleaned_data["file"]
        if (upload.size or 0) > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s: import a smaller map."),
                params={"size": filesizeformat(MAX_IMPORT_BYTES)},
            )
        raw = upload.read(MAX_IMPORT_BYTES + 1)
        if len(raw) > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s: import a smaller map."),
                params={"size": filesizeformat(MAX_IMPORT_BYTES)},
            )
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                _("The file is not UTF-8 text: export the map again as JSON and choose that file.")
            ) from None
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise forms.ValidationError(
                _("The file is not valid JSON (line %(line)d, column %(column)d): export the map again."),
                params={"line": error.lineno, "column": error.colno},
            ) from None
        except (ValueError, RecursionError):  # numbers too long to read, or lists nested too deep
            raise forms.ValidationError(
                _("The file is not a map this hub can read: export the map again as JSON.")
            ) from None

    def title_or_file_name(self) -> str:
        title = str(self.cleaned_data.get("title") or "").strip()
        if title:
            return title
        upload = self.files.get(self.add_prefix("file"))
        name = str(getattr(upload, "name", "") or "")
        stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0].replace("_", " ").replace("-", " ").strip()
        return stem[:160]
