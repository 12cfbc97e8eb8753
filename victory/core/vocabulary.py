"""The domain vocabulary every app shares: the countries VicTory serves, the OSCE/ODIHR
bias motivations and incident types, and the support a person may need.

Needs have one vocabulary with two explicit mappings, so that what a reporter asks
for, what the directory lists and what the needs navigator offers always line up:

- ``SupportNeed``: what a person would like (a report's "support wanted", later a case's
  needs assessment);
- ``ServiceOffer``: what a service in the directory offers; ``OFFERS_FOR_NEED`` says
  which offers meet each need (``offers_for``);
- ``HelpChoice``: the navigator's short question "What would help you now?", in plain
  words; ``NEEDS_FOR_HELP`` says which needs each answer stands for (``needs_for``).

One module, so that reports, the directory, cases and statistics speak the same
codes; stored codes never change (they are in the database), only labels do. The
countries are EU member states and their neighbours, ISO 3166-1 alpha-2 codes, with
names in the reader's language.
"""

from __future__ import annotations

from collections.abc import Iterable

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


# The groups a directory service may specialise in, named as the people in them; the codes
# are the bias motivations that target them ("not sure" names no group).
SERVICE_GROUPS: dict[BiasMotivation, Promise] = {
    BiasMotivation.RACISM_XENOPHOBIA: _("People targeted for their skin colour, ethnicity, nationality or origin"),
    BiasMotivation.ANTI_ROMA: _("Roma and Travellers"),
    BiasMotivation.ANTISEMITISM: _("Jewish people"),
    BiasMotivation.ANTI_MUSLIM: _("Muslim people, and people seen as Muslim"),
    BiasMotivation.ANTI_CHRISTIAN: _("Christian people"),
    BiasMotivation.OTHER_RELIGION: _("People targeted for another religion or belief, or for having none"),
    BiasMotivation.ANTI_LGBTI: _("Lesbian, gay, bisexual, trans and intersex people"),
    BiasMotivation.GENDER: _("People targeted because of their gender"),
    BiasMotivation.DISABILITY: _("Disabled people and people with an illness"),
    BiasMotivation.OTHER: _("Other groups"),
}


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


class ServiceOffer(models.TextChoices):
    """What a support service in the directory offers (stored in ``SupportService.offers``)."""

    EMOTIONAL = "emotional", _("Emotional support")
    PRACTICAL = "practical", _("Practical help")
    LEGAL = "legal", _("Legal advice")
    PSYCHOLOGICAL = "psychological", _("Psychological help")
    MEDICAL = "medical", _("Medical help")
    ACCOMMODATION = "accommodation", _("A safe place to stay")
    INTERPRETATION = "interpretation", _("Interpreting and translation")
    RESTORATIVE_JUSTICE = "restorative_justice", _("Restorative justice")
    REPORTING = "reporting", _("Help with reporting")


# Which offers meet a need. Several offers mean "any of these": a general victim support
# service (Art. 9) gives information and emotional support, and helps with forms.
OFFERS_FOR_NEED: dict[SupportNeed, tuple[ServiceOffer, ...]] = {
    SupportNeed.SAFETY: (ServiceOffer.EMOTIONAL, ServiceOffer.ACCOMMODATION),
    SupportNeed.TALK: (ServiceOffer.EMOTIONAL,),
    SupportNeed.INFORMATION: (ServiceOffer.EMOTIONAL, ServiceOffer.PRACTICAL, ServiceOffer.LEGAL),
    SupportNeed.LEGAL: (ServiceOffer.LEGAL,),
    SupportNeed.MEDICAL: (ServiceOffer.MEDICAL,),
    SupportNeed.PSYCHOLOGICAL: (ServiceOffer.PSYCHOLOGICAL,),
    SupportNeed.ACCOMMODATION: (ServiceOffer.ACCOMMODATION,),
    SupportNeed.INTERPRETATION: (ServiceOffer.INTERPRETATION,),
    SupportNeed.PRACTICAL: (ServiceOffer.PRACTICAL,),
    SupportNeed.COMPENSATION: (ServiceOffer.LEGAL, ServiceOffer.PRACTICAL),
    SupportNeed.REPORTING: (ServiceOffer.REPORTING,),
}

# Offers that meet no support need because the report asks for them otherwise.
# Restorative justice (Art. 4(1)(j), Art. 12) is asked as its own consent, "Tell me about
# a restorative dialogue" (reports' ConsentPurpose.RESTORATIVE), never as one more
# kind of support among others: the restorative programme takes it from there, with its
# own safeguards, and a caseworker never sees two answers to one question.
OFFERS_ASKED_OTHERWISE: tuple[ServiceOffer, ...] = (ServiceOffer.RESTORATIVE_JUSTICE,)


class HelpChoice(models.TextChoices):
    """The needs navigator's answers to "What would help you now?": fewer, plainer words
    than ``SupportNeed`` for someone in a hurry. Not stored; codes appear in the form."""

    SAFETY = "safety", _("Feeling safe")
    TALK = "talk", _("Someone to talk to")
    LEGAL = "legal", _("Legal advice")
    HEALTH = "health", _("Medical or psychological help")
    ACCOMMODATION = "accommodation", _("A place to stay")
    INTERPRETER = "interpreter", _("An interpreter")
    REPORTING = "reporting", _("Reporting what happened")


NEEDS_FOR_HELP: dict[HelpChoice, tuple[SupportNeed, ...]] = {
    HelpChoice.SAFETY: (SupportNeed.SAFETY,),
    HelpChoice.TALK: (SupportNeed.TALK,),
    HelpChoice.LEGAL: (SupportNeed.LEGAL, SupportNeed.COMPENSATION),
    HelpChoice.HEALTH: (SupportNeed.MEDICAL, SupportNeed.PSYCHOLOGICAL),
    HelpChoice.ACCOMMODATION: (SupportNeed.ACCOMMODATION,),
    HelpChoice.INTERPRETER: (SupportNeed.INTERPRETATION,),
    HelpChoice.REPORTING: (SupportNeed.REPORTING,),
}


def offers_for(needs: Iterable[str]) -> list[ServiceOffer]:
    """The offers that meet any of these needs, in the order the needs and offers come;
    a code that is not a need (an old form, a typo) meets nothing."""
    offers = (offer for need in needs if need in SupportNeed.values for offer in OFFERS_FOR_NEED[SupportNeed(need)])
    return list(dict.fromkeys(offers))


def needs_for(choices: Iterable[str]) -> list[SupportNeed]:
    """The needs the navigator's answers stand for; unknown answers stand for none."""
    needs = (need for choice in choices if choice in HelpChoice.values for need in NEEDS_FOR_HELP[HelpChoice(choice)])
    return list(dict.fromkeys(needs))


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
