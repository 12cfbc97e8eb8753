"""Placeholder: the inbox and public pages of the restorative programme (another helper's)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
