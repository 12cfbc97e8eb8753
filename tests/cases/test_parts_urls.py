"""The project's addresses, plus a plain case page where the cases app has none yet.

The parts' pages send people back to ``cases:detail`` (the case page, another area's
view). Until that view exists in this branch, the tests here use this URL map, which
adds a bare page under that name showing this area's section; once the real page is
there, this map is exactly the project's. Use: ``pytest.mark.urls(PARTS_URLS)``."""

from __future__ import annotations

from django.conf.urls.i18n import i18n_patterns
from django.http import Http404, HttpRequest, HttpResponse
from django.template import engines
from django.urls import URLPattern, URLResolver, include, path

from victory import urls as project_urls
from victory.accounts.models import User
from victory.cases import urls as case_urls

PARTS_URLS = "tests.cases.test_parts_urls"


_PAGE = (
    '{% extends "staff_base.html" %}{% block content %}<h1>{{ case.reference }}</h1>'
    '{% include "cases/detail/_parts.html" %}{% endblock %}'
)


def _case_page(request: HttpRequest, reference: str) -> HttpResponse:
    from victory.accounts.permissions import is_professional
    from victory.cases.selectors.common import case_get
    from victory.cases.views import parts

    user = request.user
    if not is_professional(user) or not isinstance(user, User):
        raise Http404
    case = case_get(user=user, reference=reference)
    context = {"case": case, **parts.detail_context(request=request, case=case)}  # type: ignore[arg-type]
    return HttpResponse(engines["django"].from_string(_PAGE).render(context, request))


def _with_case_page() -> list[URLPattern | URLResolver]:
    if any(getattr(pattern, "name", None) == "detail" for pattern in case_urls.urlpatterns):
        return list(project_urls.urlpatterns)
    cases = ([*case_urls.urlpatterns, path("staff/cases/<str:reference>/", _case_page, name="detail")], "cases")
    patterns: list[URLPattern | URLResolver] = []
    for pattern in project_urls.urlpatterns:
        patterns.append(pattern)
    # The language-prefixed part, rebuilt with the cases app's addresses plus the page.
    prefixed = [
        p for p in patterns if isinstance(p, URLResolver) and p.pattern.__class__.__name__ == "LocalePrefixPattern"
    ]
    for resolver in prefixed:
        patterns.remove(resolver)
        inner = [
            path("", include(cases)) if getattr(child, "app_name", None) == "cases" else child
            for child in resolver.url_patterns
        ]
        patterns += i18n_patterns(*inner, prefix_default_language=True)
    return patterns


urlpatterns = _with_case_page()
