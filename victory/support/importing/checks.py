"""The checks of a service's values, shared by the importer, the services and the admin
form, so all three refuse the same things with the same words."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from victory.core.vocabulary import COUNTRIES

from ..models import PublicationStatus
from .schema import (
    BOOLEAN_COLUMNS,
    CONTROL_RE,
    FORMULA_RE,
    LIST_COLUMNS,
    MARKUP_RE,
    PHONE_RE,
    REQUIRED_COLUMNS,
    SLUG_RE,
    TEXT_COLUMNS,
    TRANSLATION_LIMITS,
    WEBSITE_VALIDATOR,
    _codes,
    _max_length,
    translation_languages,
)

# --- Checks shared by the importer, the services and the admin --------------


def _text_problems(value: str, *, limit: int) -> list[str]:
    problems = []
    if MARKUP_RE.search(value):
        problems.append(
            _(
                "Remove the HTML or script: text is shown exactly as written, so tags such as "
                "“<b>” or “<script>” are not accepted."
            )
        )
    if CONTROL_RE.search(value):
        problems.append(_("Remove the invisible control character from this text."))
    if FORMULA_RE.match(value):
        problems.append(
            _("Do not start the text with “=”, “@”, “+” or “-” followed by a word: spreadsheets run that as a formula.")
        )
    if limit and len(value) > limit:
        problems.append(
            _("This text is too long: %(length)s characters, at most %(limit)s are allowed.")
            % {"length": len(value), "limit": limit}
        )
    return problems


def _required_problem() -> str:
    return _("Fill this in: it is required.")


def _slug_problem(value: str) -> str | None:
    if SLUG_RE.match(value):
        return None
    return _("Use only lower-case letters a–z, digits and hyphens, e.g. lisbon-victim-support.")


def _country_problem(value: str) -> str | None:
    if value in COUNTRIES:
        return None
    return _("“%(value)s” is not a country code the platform knows. Use a two-letter code such as PT or ES.") % {
        "value": value
    }


def _phone_problem(value: str) -> str | None:
    if PHONE_RE.match(value) and any(ch.isdigit() for ch in value):
        return None
    return _("Enter a phone number with digits, spaces and an optional leading +, e.g. +351 210 000 000.")


def _email_problem(value: str) -> str | None:
    try:
        validate_email(value)
    except ValidationError:
        return _("Enter an e-mail address like name@example.org, or leave it empty.")
    return None


def _website_problem(value: str) -> str | None:
    try:
        WEBSITE_VALIDATOR(value)
    except ValidationError:
        return _("Enter a full web address starting with https:// or http://, or leave it empty.")
    return None


# The text columns with a format of their own, checked once the text itself is acceptable.
_FORMAT_PROBLEMS: dict[str, Callable[[str], str | None]] = {
    "slug": _slug_problem,
    "country": _country_problem,
    "phone": _phone_problem,
    "email": _email_problem,
    "website": _website_problem,
}


def _text_value_problems(name: str, value: str) -> list[str]:
    if not value:
        return [_required_problem()] if name in REQUIRED_COLUMNS else []
    problems = _text_problems(value, limit=_max_length(name))
    if problems or name not in _FORMAT_PROBLEMS:
        return problems
    problem = _FORMAT_PROBLEMS[name](value)
    return [problem] if problem else []


def _code_problems(name: str, codes: list[str]) -> list[str]:
    known = _codes(name)
    unknown = [code for code in codes if code not in known]
    if name == "languages":
        return [
            _("“%(value)s” is not a two-letter ISO 639-1 language code (such as en, pt, ar).") % {"value": code}
            for code in unknown
        ]
    return [
        _("“%(value)s” is not a known code. Use one of: %(codes)s.")
        % {"value": code, "codes": ", ".join(sorted(known))}
        for code in unknown
    ]


def _check_value(name: str, value: Any) -> list[str]:
    """The problems of one normalised service value (text stripped, codes lower-case)."""
    if name in TEXT_COLUMNS:
        return _text_value_problems(name, value)
    if name in LIST_COLUMNS:
        return _code_problems(name, value)
    if name == "status":
        return [] if value in PublicationStatus.values else [_("Use “draft” or “published”.")]
    if name == "last_reviewed_on":
        in_future = value is not None and value > timezone.localdate()
        return [_("The review date cannot be in the future.")] if in_future else []
    if name in BOOLEAN_COLUMNS:
        return [] if isinstance(value, bool) else [_("Use true or false.")]
    return []


def _dedupe(codes: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(codes))


def service_values_normalise(values: Mapping[str, Any]) -> dict[str, Any]:
    """Strip text, upper-case the country, lower-case and de-duplicate codes."""
    normal: dict[str, Any] = {}
    for name, value in values.items():
        if name in TEXT_COLUMNS:
            value = (value or "").strip()
            if name == "country":
                value = value.upper()
        elif name in LIST_COLUMNS:
            value = _dedupe(str(code).strip().lower() for code in (value or []) if str(code).strip())
        elif name == "status":
            value = str(value or PublicationStatus.DRAFT).strip().lower()
        normal[name] = value
    return normal


def service_problems(values: Mapping[str, Any]) -> dict[str, list[str]]:
    """The problems of a service's (normalised) values, by field; only the given fields
    are checked, so an update may pass just what it changes."""
    problems: dict[str, list[str]] = {}
    for name, value in values.items():
        found = _check_value(name, value)
        if found:
            problems[name] = found
    return problems


def translation_problems(
    *, language: str, description: str, opening_hours: str = "", accessibility: str = ""
) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    if language not in translation_languages():
        problems["language"] = [_language_problem(language)]
    texts = {"description": description, "opening_hours": opening_hours, "accessibility": accessibility}
    for name, text in texts.items():
        found = _text_problems(text, limit=TRANSLATION_LIMITS[name])
        if found:
            problems[name] = found
    if not description.strip() and "description" not in problems:
        if opening_hours.strip() or accessibility.strip():
            problems["description"] = [_("Add a description in this language, or leave all its texts empty.")]
        else:
            problems["description"] = [_required_problem()]
    return problems


def _language_problem(language: str) -> str:
    return _("“%(value)s” is not one of the platform's languages: %(codes)s.") % {
        "value": language,
        "codes": ", ".join(translation_languages()),
    }


def normalise_text(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()
