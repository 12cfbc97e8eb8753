"""The public support-service directory: the filtered list, and one page per service.

Both pages only read (through ``selectors``), set no cookie and touch no session, so
they can be cached whole, per language. They work without JavaScript. Texts a service
wrote are shown exactly as written (escaped), in the reader's language when there is
a translation, otherwise in English with a note that says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _
from django.views import View

from victory.core.vocabulary import ServiceOffer, country_name

from . import content_selectors, selectors
from .filters import GROUP_LABELS, directory_filter, language_name
from .models import Channel, SupportService

PAGE_SIZE = 20
OFFER_LABELS = dict(ServiceOffer.choices)
CHANNEL_LABELS = dict(Channel.choices)


@dataclass(frozen=True)
class Language:
    code: str
    name: str


@dataclass(frozen=True)
class ServiceFacts:
    """What a reader sees of a service, every code turned into words of their language."""

    service: SupportService
    place: str
    offers: list[str]
    groups: list[str]
    languages: list[Language]
    channels: list[str]


def _labels(codes: list[str], labels: dict[str, Any]) -> list[str]:
    # A code the platform no longer knows (an old import) is left out, never shown raw.
    return [str(labels[code]) for code in codes if code in labels]


def service_facts(service: SupportService) -> ServiceFacts:
    country = country_name(service.country)
    place = country
    if service.region:
        place = _("%(region)s, %(country)s") % {"region": service.region, "country": country}
    return ServiceFacts(
        service=service,
        place=place,
        offers=_labels(service.offers, OFFER_LABELS),
        groups=_labels(service.groups, GROUP_LABELS),
        languages=[Language(code=code, name=language_name(code)) for code in service.languages],
        channels=_labels(service.channels, CHANNEL_LABELS),
    )


class DirectoryView(View):
    """The services matching the filters in the address; unknown filters are ignored."""

    def get(self, request: HttpRequest) -> HttpResponse:
        filters = directory_filter(request.GET)
        services = selectors.service_list_published(
            country=filters.country,
            region=filters.region,
            offer=filters.need,
            group=filters.group,
            language=filters.language,
        )
        page = Paginator(services, PAGE_SIZE).get_page(request.GET.get("page"))
        regions = selectors.service_regions(country=filters.country) if filters.country else []
        filters.form.suggest_regions(regions)
        return render(
            request,
            "support/directory.html",
            {
                "filters": filters,
                "form": filters.form,
                "page": page,
                "cards": [service_facts(service) for service in page.object_list],
                "regions": regions,
                # 112 and 116 006 are offered only where they answer, once a country is chosen.
                "law": content_selectors.country_law(country=filters.country) if filters.country else None,
            },
        )


def _phone_href(phone: str) -> str:
    return "tel:" + re.sub(r"[^\d+]", "", phone)


def _is_web_address(url: str) -> bool:
    # Only ordinary web links are offered; anything else is shown as text.
    return url.lower().startswith(("https://", "http://"))


def _language_info(code: str) -> dict[str, Any]:
    try:
        return dict(get_language_info(code))
    except KeyError:
        return {"name_translated": code, "bidi": False}


class ServiceDetailView(View):
    """One published service with its texts in the reader's language; 404 otherwise."""

    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        service = selectors.service_get_published(slug=slug)
        reader_language = get_language()
        text = selectors.service_text(service=service, language=reader_language)
        language_info = _language_info(text.language) if text and text.is_fallback else {}
        return render(
            request,
            "support/service.html",
            {
                "service": service,
                "facts": service_facts(service),
                "text": text,
                "text_language_name": language_info.get("name_translated", ""),
                "text_is_bidi": bool(language_info.get("bidi")),
                "phone_href": _phone_href(service.phone) if service.phone else "",
                "website_is_link": _is_web_address(service.website),
                "law": content_selectors.country_law(country=service.country),
            },
        )
