"""The domain vocabulary every app shares: the countries VicTory serves, the OSCE/ODIHR
bias motivations and incident types, and the support a person may need.

One module, so that reports, the directory, cases and statistics speak the same
codes; stored codes never change (they are in the database), only labels do. The
countries are EU member states and their neighbours, ISO 3166-1 alpha-2 codes, with
names in the reader's language.
"""

from __future__ import annotations

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class BiasMotivation(models.TextChoices):
    """OSCE/ODIHR bias motivations, plus "not sure"."""

    RACISM_XENOPHOBIA = "racism_xenophobia", _("Racism and xenophobia")
    ANTI_ROMA = "anti_roma", _("Anti-Roma")
    ANTISEMITISM = "antisemitism", _("Antisemitism")
    ANTI_MUSLIM = "anti_muslim", _("Anti-Muslim")
    ANTI_CHRISTIAN = "anti_christian", _("Anti-Christian")
    OTHER_RELIGION = "other_religion", _("Other religion or belief")
    ANTI_LGBTI = "anti_lgbti", _("Anti-LGBTI")
    GENDER = "gender", _("Gender-based")
    DISABILITY = "disability", _("Disability")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Not sure")


class IncidentType(models.TextChoices):
    """ODIHR incident types."""

    VIOLENT_ATTACK = "violent_attack", _("Violent attack against people")
    THREAT_HARASSMENT = "threat_harassment", _("Threats and harassment")
    PROPERTY_ATTACK = "property_attack", _("Attack against property")
    OTHER = "other", _("Other")


class SupportNeed(models.TextChoices):
    """What a person would like, mapped to Directive 2012/29/EU Art. 4(1) and Art. 9."""

    SAFETY = "safety", _("Feeling safe (protection)")
    TALK = "talk", _("Someone to talk to (emotional support)")
    INFORMATION = "information", _("Information about my rights and what happens next")
    LEGAL = "legal", _("Legal advice")
    MEDICAL = "medical", _("Medical help")
    PSYCHOLOGICAL = "psychological", _("Psychological help")
    ACCOMMODATION = "accommodation", _("A safe place to stay")
    INTERPRETATION = "interpretation", _("An interpreter or translation")
    PRACTICAL = "practical", _("Practical help (for example with forms or repairs)")
    COMPENSATION = "compensation", _("Compensation")
    REPORTING = "reporting", _("Help with reporting to the police")

COUNTRIES: dict[str, Promise] = {
    "AT": _("Austria"),
    "BE": _("Belgium"),
    "BG": _("Bulgaria"),
    "HR": _("Croatia"),
    "CY": _("Cyprus"),
    "CZ": _("Czechia"),
    "DK": _("Denmark"),
    "EE": _("Estonia"),
    "FI": _("Finland"),
    "FR": _("France"),
    "DE": _("Germany"),
    "GR": _("Greece"),
    "HU": _("Hungary"),
    "IE": _("Ireland"),
    "IT": _("Italy"),
    "LV": _("Latvia"),
    "LT": _("Lithuania"),
    "LU": _("Luxembourg"),
    "MT": _("Malta"),
    "NL": _("Netherlands"),
    "PL": _("Poland"),
    "PT": _("Portugal"),
    "RO": _("Romania"),
    "SK": _("Slovakia"),
    "SI": _("Slovenia"),
    "ES": _("Spain"),
    "SE": _("Sweden"),
    "AL": _("Albania"),
    "BA": _("Bosnia and Herzegovina"),
    "IS": _("Iceland"),
    "XK": _("Kosovo"),
    "LI": _("Liechtenstein"),
    "MD": _("Moldova"),
    "ME": _("Montenegro"),
    "MK": _("North Macedonia"),
    "NO": _("Norway"),
    "RS": _("Serbia"),
    "CH": _("Switzerland"),
    "TR": _("Türkiye"),
    "UA": _("Ukraine"),
    "GB": _("United Kingdom"),
}


def country_choices() -> list[tuple[str, str]]:
    """Sorted by name in the current language."""
    return sorted(((code, str(name)) for code, name in COUNTRIES.items()), key=lambda item: item[1])


def country_name(code: str) -> str:
    return str(COUNTRIES.get(code, code))
