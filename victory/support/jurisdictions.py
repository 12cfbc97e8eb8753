"""Which rules reach which country: EU membership (the Victims' Rights Directive
2012/29/EU applies only in EU member states), Council of Europe membership, and where
the European emergency number 112 is known to work. Facts that change rarely, kept in
code with their source; whether 116 006 answers is content (``HelplineAvailability``).
"""

from __future__ import annotations

# The 27 member states of the European Union (europa.eu, "EU countries").
EU_MEMBER_STATES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
    ]
)

# The 46 member states of the Council of Europe (coe.int, "46 member states") among the
# countries the platform serves: all but Kosovo.
COUNCIL_OF_EUROPE_MEMBERS = EU_MEMBER_STATES | frozenset(
    ["AL", "BA", "IS", "LI", "MD", "ME", "MK", "NO", "RS", "CH", "TR", "UA", "GB"]
)

# 112 answers in every EU member state (Directive (EU) 2018/1972, Art. 109). Outside the
# EU only where we are sure it does; elsewhere pages say "the local emergency number".
EMERGENCY_112 = EU_MEMBER_STATES | frozenset(["IS", "NO", "CH", "LI", "GB", "TR", "MD"])


def in_eu(country: str) -> bool:
    return country.upper() in EU_MEMBER_STATES


def in_council_of_europe(country: str) -> bool:
    return country.upper() in COUNCIL_OF_EUROPE_MEMBERS


def has_112(country: str) -> bool:
    return country.upper() in EMERGENCY_112
