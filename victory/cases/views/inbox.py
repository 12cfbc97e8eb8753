"""Pages for the reporter's side: who has what, giving, refusing and withdrawing consent."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
