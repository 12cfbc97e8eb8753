"""The support app's addresses, all under the language prefix: the directory
(/<lang>/support/, namespace "support") and the rights pages, the navigator and the
search (/<lang>/rights/, /<lang>/navigator/, /<lang>/search/, namespace "rights")."""

from django.urls import URLPattern, path

from victory.core.cache import public_cache

from . import content_views, views

app_name = "support"

# Public pages are cached whole per address (language and filters are in it); see
# victory.core.cache. The navigator and the search answer a POST: never cached.
urlpatterns = [
    path("", public_cache(views.DirectoryView.as_view()), name="directory"),
    path("<slug:slug>/", public_cache(views.ServiceDetailView.as_view()), name="service"),
]

rights_urlpatterns: tuple[list[URLPattern], str] = (
    [
        path("rights/", public_cache(content_views.RightsIndexView.as_view()), name="index"),
        path("rights/<slug:slug>/", public_cache(content_views.ContentPageView.as_view()), name="page"),
        path("navigator/", content_views.NavigatorView.as_view(), name="navigator"),
        path("search/", content_views.SearchView.as_view(), name="search"),
    ],
    "rights",
)
