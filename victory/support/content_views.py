"""Public pages for rights, explainers, the needs navigator and site search.

Nothing a person answers in the navigator or types into the search is stored or logged
by these views; both post what they are given (so it stays out of addresses and the
browser history) and their results are never cached."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from victory.core.vocabulary import HelpChoice, country_choices, country_name, needs_for, offers_for

from . import content_selectors, selectors
from .models import ContentKind
from .text import render_plain


def _language() -> str:
    return get_language() or "en"


class RightsIndexView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        language = _language()
        return render(
            request,
            "support/rights_index.html",
            {
                "rights": content_selectors.content_list(language=language, kind=ContentKind.RIGHT),
                "explainers": content_selectors.content_list(language=language, kind=ContentKind.EXPLAINER),
            },
        )


class ContentPageView(View):
    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        language = _language()
        item = content_selectors.content_get(slug=slug, language=language)
        country = request.GET.get("country", "").upper()
        known_country = country in dict(country_choices())
        notes = (
            content_selectors.country_notes(page=item.page, country=country, language=language) if known_country else []
        )
        return render(
            request,
            "support/content_page.html",
            {
                "item": item,
                "body": render_plain(item.text.body),
                "what_you_can_do": render_plain(item.text.what_you_can_do),
                "countries": country_choices(),
                "country": country if known_country else "",
                "country_label": country_name(country) if known_country else "",
                "unknown_country": bool(country) and not known_country,
                "notes": [(note, render_plain(note.text)) for note in notes],
                "law": content_selectors.country_law(country=country) if known_country else None,
            },
        )


# What would help now → the rights pages that answer it; the directory services come from
# the vocabulary of needs (HelpChoice → SupportNeed → ServiceOffer, core.vocabulary).
HELP_PAGES: dict[HelpChoice, list[str]] = {
    HelpChoice.SAFETY: ["protection", "staying-safe-online"],
    HelpChoice.TALK: ["support", "support-without-reporting"],
    HelpChoice.LEGAL: ["legal-advice", "compensation"],
    HelpChoice.HEALTH: ["support"],
    HelpChoice.ACCOMMODATION: ["support"],
    HelpChoice.INTERPRETER: ["interpretation"],
    HelpChoice.REPORTING: ["reporting", "reporting-to-the-police"],
}
WHAT_CHOICES = [
    ("violence", _("I was attacked or hurt")),
    ("threats", _("I was threatened, insulted or harassed")),
    ("property", _("My home, car or other things were damaged")),
    ("online", _("It happened online")),
    ("other", _("Something else, or I would rather not say")),
]
WHAT_PAGES = {
    "violence": ["what-is-a-hate-crime"],
    "threats": ["what-is-a-hate-crime"],
    "property": ["what-is-a-hate-crime"],
    "online": ["staying-safe-online"],
    "other": [],
}


class NavigatorForm(forms.Form):
    country = forms.ChoiceField(label=_("Where are you?"), required=False)
    what = forms.ChoiceField(
        label=_("What happened, in broad terms?"), choices=WHAT_CHOICES, required=False, widget=forms.RadioSelect
    )
    help = forms.MultipleChoiceField(
        label=_("What would help you now?"),
        choices=HelpChoice.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        country = cast(forms.ChoiceField, self.fields["country"])
        country.choices = [("", _("I would rather not say")), *country_choices()]


@method_decorator([csrf_exempt, never_cache], name="dispatch")
class NavigatorView(View):
    """A read-only form: it changes nothing, so it needs no CSRF token (and no cookie)."""

    template_name = "support/navigator.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template_name, {"form": NavigatorForm(), "results": None})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = NavigatorForm(request.POST)
        form.is_valid()
        # An unknown value is dropped on its own; every other answer is kept.
        answers: dict[str, Any] = {"country": "", "what": "", "help": [], **form.cleaned_data}
        if form.errors:
            form = NavigatorForm(initial=answers)
        language = _language()
        wanted = [slug for choice in answers["help"] for slug in HELP_PAGES[HelpChoice(choice)]]
        wanted += WHAT_PAGES.get(answers["what"] or "", [])
        wanted += ["support-without-reporting"]
        pages = []
        for slug in dict.fromkeys(wanted):
            try:
                pages.append(content_selectors.content_get(slug=slug, language=language))
            except Http404:  # a page not published (yet) is simply left out
                continue
        offers: list[str] = [str(offer) for offer in offers_for(needs_for(answers["help"]))]
        services: dict[int, Any] = {}
        for offer in offers or [""]:
            for service in selectors.service_list_published(country=answers["country"], offer=offer)[:10]:
                services.setdefault(service.pk, service)
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "results": {
                    "pages": pages,
                    "services": list(services.values())[:10],
                    "country": answers["country"],
                    "country_label": country_name(answers["country"]) if answers["country"] else "",
                    "offers": offers,
                    "law": content_selectors.country_law(country=answers["country"]) if answers["country"] else None,
                    # Someone just attacked or hurt gets the steps for right now first.
                    "right_now": answers["what"] == "violence",
                },
            },
        )


@method_decorator([csrf_exempt, never_cache], name="dispatch")
class SearchView(View):
    """Search posts its words, like the navigator its answers, so they stay out of the
    address, the browser history and server logs; read-only, so no CSRF token (or
    cookie) is needed, and the result is never cached. Nothing typed is stored."""

    template_name = "support/search.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        if "q" in request.GET:
            # An old link with the words in its address: open the empty search instead,
            # so the words do not stay on the screen or reach a new address.
            return HttpResponseRedirect(reverse("rights:search"), status=303)
        return render(request, self.template_name, {"query": "", "rights_url": reverse("rights:index")})

    def post(self, request: HttpRequest) -> HttpResponse:
        query = request.POST.get("q", "").strip()[:200]
        language = _language()
        return render(
            request,
            self.template_name,
            {
                "query": query,
                "results": content_selectors.content_search(query=query, language=language) if query else [],
                "services": selectors.service_search(query=query, language=language) if query else [],
                "rights_url": reverse("rights:index"),
            },
        )
