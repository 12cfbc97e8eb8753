"""Every page of the cases app: each area's module lists its own addresses."""

from django.urls import URLPattern

from .views import assessment, case, conference, inbox, parts, rights, sharing

app_name = "cases"

urlpatterns: list[URLPattern] = [
    *case.urlpatterns,
    *parts.urlpatterns,
    *assessment.urlpatterns,
    *sharing.urlpatterns,
    *inbox.urlpatterns,
    *conference.urlpatterns,
    *rights.urlpatterns,
]
