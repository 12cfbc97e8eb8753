"""Platform administrators configure which organisation receives a country's reports.
Reports themselves are never shown in the admin: only their organisation reads them."""

from django.contrib import admin

from victory.accounts.admin_site import admin_site

from .models import CountryIntake


@admin.register(CountryIntake, site=admin_site)
class CountryIntakeAdmin(admin.ModelAdmin):
    list_display = ["country", "organisation"]
    autocomplete_fields = ["organisation"]
