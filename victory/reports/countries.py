"""The countries VicTory serves (EU member states and their neighbours), with names in
the reader's language. ISO 3166-1 alpha-2 codes."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

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
