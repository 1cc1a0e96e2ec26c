"""Every user-visible string is translated into Spanish, French and Russian, and the catalogues are current."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[1]
LOCALES = ("es", "fr", "ru")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\{\s*\w+\s*\}\}")


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(ROOT / "catchment" / "locale" / language / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("language", LOCALES)
def test_catalogue_has_no_untranslated_or_fuzzy_entry(language):
    po = catalogue(language)
    assert [entry.msgid for entry in po if not entry.translated()] == []
    assert [entry.msgid for entry in po if "fuzzy" in entry.flags] == []
    assert not po.metadata_is_fuzzy


@pytest.mark.parametrize("language", LOCALES)
def test_translations_keep_every_placeholder(language):
    problems = []
    for entry in catalogue(language):
        wanted = sorted(PLACEHOLDER.findall(entry.msgid))
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for translated in translations:
            if sorted(PLACEHOLDER.findall(translated)) != wanted and not (
                entry.msgid_plural and len(wanted) <= 1
            ):
                problems.append((entry.msgid, translated))
    assert problems == []


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext (xgettext) is not installed")
def test_catalogues_contain_every_string_in_the_code_and_templates(tmp_path, settings):
    """Extract messages afresh from a copy of the source: any string missing from the catalogue fails."""
    source = tmp_path / "catchment"
    shutil.copytree(
        ROOT / "catchment", source, ignore=shutil.ignore_patterns("vendor", "*.mo", "__pycache__", "tests")
    )
    settings.LOCALE_PATHS = [source / "locale"]
    import os

    previous = Path.cwd()
    os.chdir(source)
    try:
        call_command(
            "makemessages",
            locale=["es"],
            ignore_patterns=["static/*"],
            no_obsolete=True,
            verbosity=0,
            extensions=["html", "txt", "py", "svg"],
        )
    finally:
        os.chdir(previous)
    fresh = {
        (entry.msgid, entry.msgctxt)
        for entry in polib.pofile(str(source / "locale/es/LC_MESSAGES/django.po"))
    }
    current = {(entry.msgid, entry.msgctxt) for entry in catalogue("es")}
    assert fresh - current == set(), "run `make messages` and translate the new strings"
