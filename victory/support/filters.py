"""The directory's filter form: what a person can narrow the list of services by.

It is read from the address (a GET form), so a filtered list can be bookmarked, shared
and cached per language. A value the form does not know (an old link, a typo, a
language we do not list) is never an error for the reader: ``DirectoryFilter`` drops it
and says which filter it ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.conf import settings
from django.http import QueryDict
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from victory.core.forms import AccessibleFormMixin
from victory.core.vocabulary import SERVICE_GROUPS, ServiceOffer, country_choices

# The groups a service specialises in, in plain words (core.vocabulary.SERVICE_GROUPS).
GROUP_CHOICES = [(str(code), label) for code, label in SERVICE_GROUPS.items()]
GROUP_LABELS = dict(GROUP_CHOICES)

# Languages a person may look for help in: the platform's own, plus languages many
# people in Europe who are targeted by hate speak first.
OTHER_LANGUAGES = ["ar", "de", "fa", "fr", "pl", "ro", "ru", "sq", "tr", "uk"]


def language_name(code: str) -> str:
    """A language named in itself ("español", "Türkçe"), so a reader finds their own."""
    try:
        return str(get_language_info(code)["name_local"])
    except KeyError:
        return code


def language_codes() -> list[str]:
    codes = [code for code, _name in settings.LANGUAGES]
    codes += [code for code in OTHER_LANGUAGES if code not in codes]
    return sorted(codes, key=lambda code: language_name(code).casefold())


class LanguageSelect(forms.Select):
    """Each language option carries its own ``lang``, so a screen reader pronounces it."""

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        if value:
            option["attrs"]["lang"] = value
        return option


class DirectoryFilterForm(AccessibleFormMixin, forms.Form):
    country = forms.ChoiceField(label=_("Country"), required=False)
    region = forms.CharField(
        label=_("Region, town or area"),
        help_text=_("For example Lisbon or Bilbao."),
        required=False,
        max_length=120,
    )
    need = forms.ChoiceField(label=_("What would help"), required=False)
    group = forms.ChoiceField(label=_("Services for"), required=False)
    language = forms.ChoiceField(label=_("Language spoken"), required=False, widget=LanguageSelect)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Built per request: country names are sorted in the reader's language.
        self._choice_field("country").choices = [("", _("Any country")), *country_choices()]
        self._choice_field("need").choices = [("", _("Any kind of help")), *ServiceOffer.choices]
        self._choice_field("group").choices = [("", _("Everyone")), *GROUP_CHOICES]
        self.fields["region"].widget.attrs["autocomplete"] = "off"
        self._choice_field("language").choices = [
            ("", _("Any language")),
            *((code, language_name(code)) for code in language_codes()),
        ]

    def _choice_field(self, name: str) -> forms.ChoiceField:
        return cast(forms.ChoiceField, self.fields[name])

    def suggest_regions(self, regions: list[str]) -> None:
        """Offer these regions as suggestions (a ``<datalist id="regions">``) while typing."""
        if regions:
            self.fields["region"].widget.attrs["list"] = "regions"


@dataclass(frozen=True)
class DirectoryFilter:
    """The filters to apply, the form to show, and the labels of the filters ignored."""

    form: DirectoryFilterForm
    country: str
    region: str
    need: str
    group: str
    language: str
    ignored: list[str]

    @property
    def is_active(self) -> bool:
        return any((self.country, self.region, self.need, self.group, self.language))


def directory_filter(query: QueryDict) -> DirectoryFilter:
    """Read the filters from the address, keeping every value the form knows."""
    data = query.copy()
    if "country" in data:
        # Codes are upper case; "es" in a hand-typed address still means Spain.
        data["country"] = str(data.get("country", "")).strip().upper()
    form = DirectoryFilterForm(data)
    ignored: list[str] = []
    if not form.is_valid():
        ignored = [str(form.fields[name].label) for name in form.fields if name in form.errors]
        for name in form.errors:
            data.pop(name, None)
        form = DirectoryFilterForm(data)
        form.is_valid()
    cleaned = form.cleaned_data
    return DirectoryFilter(
        form=form,
        country=cleaned.get("country", ""),
        region=cleaned.get("region", "").strip(),
        need=cleaned.get("need", ""),
        group=cleaned.get("group", ""),
        language=cleaned.get("language", ""),
        ignored=ignored,
    )
