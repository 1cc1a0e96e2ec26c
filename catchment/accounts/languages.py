"""The languages members can say they speak: Django's own list, whose names Django already translates."""

from __future__ import annotations

from django.conf import global_settings
from django.utils.translation import gettext, gettext_noop

# Regional and script variants (en-gb, zh-hans…) are collapsed: the directory asks "who speaks French?".
SPOKEN_LANGUAGE_CODES: dict[str, str] = {}
for _code, _name in global_settings.LANGUAGES:
    _base = _code.split("-")[0]
    if _base not in SPOKEN_LANGUAGE_CODES:
        SPOKEN_LANGUAGE_CODES[_base] = _name
# Languages widely spoken in water communities that Django's own list leaves out; named in our catalogue.
SPOKEN_LANGUAGE_CODES.update(
    {
        "zh": gettext_noop("Chinese"),
        "am": gettext_noop("Amharic"),
        "bm": gettext_noop("Bambara"),
        "ff": gettext_noop("Fula"),
        "ha": gettext_noop("Hausa"),
        "lo": gettext_noop("Lao"),
        "ln": gettext_noop("Lingala"),
        "ny": gettext_noop("Chichewa"),
        "ps": gettext_noop("Pashto"),
        "qu": gettext_noop("Quechua"),
        "rw": gettext_noop("Kinyarwanda"),
        "si": gettext_noop("Sinhala"),
        "sn": gettext_noop("Shona"),
        "so": gettext_noop("Somali"),
        "tl": gettext_noop("Tagalog"),
        "wo": gettext_noop("Wolof"),
        "yo": gettext_noop("Yoruba"),
        "zu": gettext_noop("Zulu"),
    }
)


def spoken_language_choices() -> list[tuple[str, str]]:
    """(code, name) pairs in the active language, sorted by the translated name."""
    return sorted(
        ((code, gettext(name)) for code, name in SPOKEN_LANGUAGE_CODES.items()),
        key=lambda item: item[1].casefold(),
    )


def spoken_language_name(code: str) -> str:
    """The translated name of a spoken-language code, or the code itself if unknown."""
    name = SPOKEN_LANGUAGE_CODES.get(code)
    return gettext(name) if name else code
