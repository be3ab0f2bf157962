"""The German and French catalogues are complete and current: `make test` fails when a string was added or
changed without running makemessages, when a message has no translation (or a fuzzy one), when a translation
loses a placeholder, and when a compiled .mo does not say what its .po says.

Regenerate: `python manage.py makemessages -l de -l fr --ignore=.venv --ignore=node_modules --ignore=.local`,
translate, then `python manage.py compilemessages --ignore=.venv`.
"""

import gettext
import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from tests.i18n import po

LOCALE = Path(settings.BASE_DIR) / "locale"
LANGUAGES = ["de", "fr"]
# %(name)s, %s, %d and {name}: what the code fills in; an HTML tag or entity a translation must keep.
PLACEHOLDER = re.compile(r"%\([a-z_0-9]+\)[sd]|%[sd]|\{[a-z_0-9]+\}")
MARKUP = re.compile(r"</?[a-z]+[^>]*>|&[a-z]+;")


def catalogue(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "django.po"


def entries(language: str) -> list[po.Entry]:
    return po.read(catalogue(language))


# What makemessages reads; everything else (the virtualenv, node_modules, the real catalogues) stays behind.
SOURCES = ["prm", "partners", "dealreg", "enablement", "tiering", "mdf", "analytics", "templates"]


@pytest.fixture(scope="module")
def fresh_catalogue(tmp_path_factory):
    """What makemessages extracts from the code now, run in a temporary copy of the sources: it writes next to
    the copy, never over the committed catalogues."""
    if shutil.which("xgettext") is None:
        if os.environ.get("CI"):
            pytest.fail("xgettext is missing: install gettext (apt-get install gettext) to check the catalogues.")
        pytest.skip("xgettext is not installed (apt-get install gettext): cannot check that the catalogues are current")
    copy = tmp_path_factory.mktemp("sources")
    for name in SOURCES:
        shutil.copytree(Path(settings.BASE_DIR) / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
    cwd = os.getcwd()
    os.chdir(copy)
    try:
        with override_settings(LOCALE_PATHS=[copy / "locale"]):
            call_command("makemessages", locale=["de"], verbosity=0)
    finally:
        os.chdir(cwd)
    return po.read(copy / "locale" / "de" / "LC_MESSAGES" / "django.po")


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_lists_exactly_the_messages_of_the_code(language, fresh_catalogue):
    extracted = {entry.key for entry in fresh_catalogue}
    committed = {entry.key for entry in entries(language)}
    missing, stale = sorted(extracted - committed, key=str), sorted(committed - extracted, key=str)
    assert not missing and not stale, (
        f"locale/{language} is out of date: run makemessages (see this module's docstring).\n"
        f"Not in the catalogue: {[key[1][:60] for key in missing[:10]]}\n"
        f"No longer in the code: {[key[1][:60] for key in stale[:10]]}"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(language):
    untranslated = [e.msgid[:60] for e in entries(language) if not e.msgstr or not all(e.msgstr.values())]
    fuzzy = [e.msgid[:60] for e in entries(language) if "fuzzy" in e.flags]
    assert not untranslated, f"{len(untranslated)} messages without a {language} translation: {untranslated[:10]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy {language} translations to review: {fuzzy[:10]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_placeholders_and_markup(language):
    broken = []
    for entry in entries(language):
        for index, text in entry.msgstr.items():
            source = entry.msgid_plural if index and entry.msgid_plural else entry.msgid
            for pattern in (PLACEHOLDER, MARKUP):
                wanted, found = sorted(pattern.findall(source)), sorted(pattern.findall(text))
                # A singular may name its number in words ("one row") where the plural says "%(count)s rows".
                if wanted != found and not (entry.msgid_plural and set(found) <= set(wanted)):
                    broken.append(f"{entry.msgid[:50]!r}: {wanted} → {found}")
    assert not broken, f"{language} translations that lose or add a placeholder or a tag:\n" + "\n".join(broken)


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_matches_its_source(language):
    """The committed .mo (laptops without gettext use it as it is) holds exactly the .po's translations."""
    path = catalogue(language).with_suffix(".mo")
    assert path.exists(), f"{path} is missing: run compilemessages"
    with path.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog
    expected = {}
    for entry in entries(language):
        key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural:
            expected.update({(key, index): text for index, text in entry.msgstr.items()})
        else:
            expected[key] = entry.msgstr[0]
    compiled = {key: value for key, value in compiled.items() if key != ""}
    assert compiled == expected, f"{path.name} is older than or differs from its .po: run compilemessages"
