"""Platform administrators configure which organisation receives a country's reports.
Reports themselves are never shown in the admin: only their organisation reads them.
Saving goes through ``country_intake_set``, which validates the country and audits."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from victory.accounts.admin_site import ServiceModelAdmin, admin_site
from victory.accounts.http import professional_user
from victory.core.vocabulary import country_choices

from . import services
from .models import CountryIntake

ANY_OTHER_COUNTRY = "*"


def _intake_country_choices() -> list[tuple[str, str]]:
    return [(ANY_OTHER_COUNTRY, str(_("Any other country (*)"))), *country_choices()]


class CountryIntakeForm(forms.ModelForm[CountryIntake]):
    # Choices, not free text: an entry saved as "<x" or "pt" would never receive a report.
    country = forms.ChoiceField(label=_("Country"), choices=_intake_country_choices)

    class Meta:
        model = CountryIntake
        fields = ["country", "organisation"]


@admin.register(CountryIntake, site=admin_site)
class CountryIntakeAdmin(ServiceModelAdmin[CountryIntake]):
    form = CountryIntakeForm
    list_display = ["country", "organisation"]
    autocomplete_fields = ["organisation"]

    def get_readonly_fields(self, request: HttpRequest, obj: CountryIntake | None = None) -> list[str]:
        # Another country is another entry: changing it here would leave the old one behind.
        return ["country"] if obj else []

    def save_model(self, request: HttpRequest, obj: CountryIntake, form: CountryIntakeForm, change: bool) -> None:
        actor = professional_user(request)
        country = CountryIntake.objects.get(pk=obj.pk).country if change else form.cleaned_data["country"]
        services.country_intake_set(actor=actor, country=country, organisation=form.cleaned_data["organisation"])
        obj.pk = CountryIntake.objects.get(country=country.strip().upper()).pk

    def has_delete_permission(self, request: HttpRequest, obj: CountryIntake | None = None) -> bool:
        # Point the country at another organisation instead: without an entry (and
        # without "*"), reports from it would have nowhere to go.
        return False
