"""The public support-service directory, under the language prefix (/<lang>/support/)."""

from django.urls import path

from victory.core.cache import public_cache

from . import views

app_name = "support"

# Cached whole per address (language and filters are in it); see victory.core.cache.
urlpatterns = [
    path("", public_cache(views.DirectoryView.as_view()), name="directory"),
    path("<slug:slug>/", public_cache(views.ServiceDetailView.as_view()), name="service"),
]
