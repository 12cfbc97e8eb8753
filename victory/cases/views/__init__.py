"""The cases app's pages, one module per area; each exposes ``urlpatterns`` and, for
the case page, ``detail_context`` (what its section of the page shows)."""
