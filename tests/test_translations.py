"""Every shipped language is complete: no string missing, untranslated or fuzzy, and
every placeholder and HTML tag kept, so no page shows English or breaks."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from victory.settings.env import BASE_DIR

LOCALE_DIR = BASE_DIR / "victory" / "locale"
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != "en"]
# Names spelled the same in some languages as in English: not a copied string.
SAME_IN_OTHER_LANGUAGES = {"Liechtenstein", "VicTory administration"}
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]")
TAG = re.compile(r"</?[a-z]+[^>]*>")
# The placeholders that hold the number a plural form is chosen by.
NUMBER_PLACEHOLDERS = {f"%({name})s" for name in ("count", "counter", "minutes", "seconds", "hours", "limit")}


def _catalogue(lang: str) -> polib.POFile:
    path = LOCALE_DIR / lang / "LC_MESSAGES" / "django.po"
    assert path.exists(), f"{path} is missing"
    return polib.pofile(str(path))


@pytest.mark.parametrize("lang", TRANSLATED)
def test_catalogue_has_no_untranslated_or_fuzzy_string(lang: str) -> None:
    catalogue = _catalogue(lang)
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not untranslated, f"{lang}: untranslated: {untranslated[:5]}"
    assert not fuzzy, f"{lang}: fuzzy: {fuzzy[:5]}"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_keep_placeholders_and_markup(lang: str) -> None:
    problems = []
    for entry in _catalogue(lang).translated_entries():
        translations = entry.msgstr_plural.items() if entry.msgid_plural else [(None, entry.msgstr)]
        for form, msgstr in translations:
            found = sorted(PLACEHOLDER.findall(msgstr))
            expected = sorted(PLACEHOLDER.findall(entry.msgid))
            # A plural form follows the singular or the plural msgid (as msgfmt -c checks):
            # English "every week" / "every %(weeks)s weeks" puts the number in the plural
            # only, and a language's other forms (Spanish's for 12) need it.
            if entry.msgid_plural and found == sorted(PLACEHOLDER.findall(entry.msgid_plural)):
                expected = found
            # Arabic's dual (form 2, n == 2) says the number in the word itself ("دقيقتين",
            # two minutes): writing the digit too reads "2 two minutes". It may leave out
            # the one number placeholder, and nothing else.
            dual_without_number = (
                lang == "ar"
                and form == 2
                and len(expected) - len(found) == 1
                and set(found) <= set(expected)
                and set(expected) - set(found) <= set(NUMBER_PLACEHOLDERS)
            )
            if expected != found and not dual_without_number:
                problems.append(("placeholder", entry.msgid))
            if sorted(TAG.findall(entry.msgid)) != sorted(TAG.findall(msgstr)):
                problems.append(("markup", entry.msgid))
            if (
                msgstr.strip() == entry.msgid.strip()
                and len(entry.msgid) > 12
                # "%(region)s, %(country)s" has nothing to translate
                and any(ch.isalpha() for ch in PLACEHOLDER.sub("", entry.msgid))
                and entry.msgid not in SAME_IN_OTHER_LANGUAGES
            ):
                problems.append(("copied English", entry.msgid))
    assert not problems, f"{lang}: {problems[:5]}"


def test_catalogues_hold_every_string_of_the_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Extract the strings afresh from a copy of the code and compare with the catalogue."""
    source = BASE_DIR / "victory"
    copy = tmp_path / "victory"
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("locale", "__pycache__", "static"))
    (copy / "locale").mkdir()
    monkeypatch.chdir(copy)
    with override_settings(LOCALE_PATHS=[copy / "locale"]):
        call_command("makemessages", locale=["es"], no_location=True, verbosity=0)
    extracted = {entry.msgid for entry in polib.pofile(str(copy / "locale" / "es" / "LC_MESSAGES" / "django.po"))}
    for lang in TRANSLATED:
        shipped = {entry.msgid for entry in _catalogue(lang) if not entry.obsolete}
        missing = sorted(extracted - shipped)
        assert not missing, f"{lang}: run `make messages` and translate: {missing[:5]}"


_TRANSLATION_CALLS = {
    "_",
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
}


def test_no_string_to_translate_hides_inside_an_f_string() -> None:
    """``makemessages`` (xgettext) does not look inside f-strings: a ``gettext("…")``
    there is translated at run time only if some other place keeps its message in the
    catalogues, and silently English once none does ("closing to approve" dropped out
    of every catalogue that way). The call goes before the f-string instead."""
    import io
    import tokenize

    found = []
    for path in sorted((BASE_DIR / "victory").rglob("*.py")):
        tokens = list(tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline))
        depth = 0
        for token, following in zip(tokens, tokens[1:], strict=False):
            if token.type == tokenize.FSTRING_START:
                depth += 1
            elif token.type == tokenize.FSTRING_END:
                depth -= 1
            elif (
                depth and token.type == tokenize.NAME and token.string in _TRANSLATION_CALLS and following.string == "("
            ):
                found.append(f"{path.relative_to(BASE_DIR)}:{token.start[0]} {token.string}(")
    assert not found, f"translation calls inside f-strings, invisible to makemessages: {found}"
