"""URL map: every HTML page lives under a language prefix (/en/, /es/ …) so a page's
language is in its address, cacheable per language, with no cookie needed."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import URLPattern, URLResolver, include, path

from victory.accounts.admin_site import admin_site
from victory.api import api
from victory.support.urls import rights_urlpatterns

urlpatterns: list[URLPattern | URLResolver] = [
    path("api/v1/", api.urls),
]

urlpatterns += i18n_patterns(
    path("", include("victory.core.urls")),
    path("staff/", include("victory.accounts.urls")),
    path("", include("victory.reports.urls")),
    path("", include("victory.cases.urls")),
    path("", include("victory.restorative.urls", namespace="restorative")),
    path("", include(rights_urlpatterns)),
    path("support/", include("victory.support.urls")),
    path("admin/", admin_site.urls),
    prefix_default_language=True,
)

handler404 = "victory.core.views.page_not_found"
