"""The public support-service directory, under the language prefix (/<lang>/support/)."""

from django.urls import path
from django.views.decorators.cache import cache_page

from . import views
from .content_views import PUBLIC_PAGE_CACHE_SECONDS

app_name = "support"

# Cached whole per address (language and filters are in it); see content_views.
urlpatterns = [
    path("", cache_page(PUBLIC_PAGE_CACHE_SECONDS)(views.DirectoryView.as_view()), name="directory"),
    path("<slug:slug>/", cache_page(PUBLIC_PAGE_CACHE_SECONDS)(views.ServiceDetailView.as_view()), name="service"),
]
