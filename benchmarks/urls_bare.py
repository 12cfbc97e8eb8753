"""Only the bare view: what Django answers at its fastest (``benchmarks/settings_bare.py``)."""

from django.urls import URLPattern, path

from benchmarks.urls_bench import bare

urlpatterns: list[URLPattern] = [path("bench/bare/", bare)]
