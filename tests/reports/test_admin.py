"""Which organisation receives a country's reports, set in the admin (issue 7, item 8): the
admin saves through ``country_intake_set``, so a code that is not a country is refused
with a message and every change is audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from tests.conftest import login
from tests.factories import PASSWORD, OrganisationFactory
from tests.html_forms import form_data
from victory.accounts import services as account_services
from victory.accounts.models import Membership, Organisation, User
from victory.core.models import AuditEvent
from victory.reports import services
from victory.reports.models import CountryIntake

pytestmark = pytest.mark.django_db

ADD = "/en/admin/reports/countryintake/add/"


@pytest.fixture
def platform_admin(db: None) -> User:
    user = account_services.user_create(
        email="intake.admin@test.victory.example", password=PASSWORD, is_platform_admin=True
    )
    account_services.totp_device_create_confirmed(user=user)
    return user


@pytest.fixture
def admin_client(client: Client, platform_admin: User) -> Client:
    return login(client, platform_admin)


@pytest.fixture
def intake_organisation(db: None) -> Organisation:
    return OrganisationFactory(name="Intake (fictional)", countries=["PT"], accepts_public_reports=True)


def _add_form(client: Client, **fields: str) -> dict[str, list[str] | str]:
    data: dict[str, list[str] | str] = {**form_data(client.get(ADD).content.decode(), form_id="countryintake_form")}
    data.update(fields)
    return data


@pytest.mark.parametrize("code", ["<x", "ZZ", "p", "PT1"])
def test_a_code_that_is_not_a_country_is_refused_on_the_admin_form(
    admin_client: Client, intake_organisation: Organisation, code: str
) -> None:
    response = admin_client.post(ADD, _add_form(admin_client, country=code, organisation=str(intake_organisation.pk)))
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert not CountryIntake.objects.exists()
    assert not AuditEvent.objects.filter(action="report.intake_configured").exists()


def test_setting_a_countrys_intake_in_the_admin_is_audited(
    admin_client: Client, platform_admin: User, intake_organisation: Organisation
) -> None:
    response = admin_client.post(ADD, _add_form(admin_client, country="PT", organisation=str(intake_organisation.pk)))
    assert response.status_code == 302
    assert CountryIntake.objects.get().organisation == intake_organisation
    event = AuditEvent.objects.get(action="report.intake_configured")
    assert (event.actor, event.organisation_ref, event.reason) == (
        platform_admin,
        f"organisation:{intake_organisation.pk}",
        "PT",
    )


def test_any_other_country_can_be_chosen_as_star(admin_client: Client, intake_organisation: Organisation) -> None:
    page = admin_client.get(ADD).content.decode()
    assert '<option value="*">' in page
    response = admin_client.post(ADD, _add_form(admin_client, country="*", organisation=str(intake_organisation.pk)))
    assert response.status_code == 302
    assert CountryIntake.objects.get().country == "*"


def test_the_country_of_an_entry_is_not_changed_by_its_change_page(
    admin_client: Client, intake_organisation: Organisation
) -> None:
    services.country_intake_set(actor=None, country="PT", organisation=intake_organisation)
    intake = CountryIntake.objects.get()
    other = OrganisationFactory(name="Other intake (fictional)", countries=["ES"], accepts_public_reports=True)
    url = f"/en/admin/reports/countryintake/{intake.pk}/change/"
    data: dict[str, str | list[str]] = {
        **form_data(admin_client.get(url).content.decode(), form_id="countryintake_form")
    }
    data.update(country="ES", organisation=str(other.pk))
    assert admin_client.post(url, data).status_code == 302
    assert list(CountryIntake.objects.values_list("country", "organisation")) == [("PT", other.pk)]


@pytest.mark.parametrize("code", ["<x", "ZZ", "", "P", "PRT", "P1", "ÅÅ"])
def test_the_service_refuses_a_code_that_is_not_a_country(intake_organisation: Organisation, code: str) -> None:
    with pytest.raises(ValidationError) as refused:
        services.country_intake_set(actor=None, country=code, organisation=intake_organisation)
    assert "country" in refused.value.message_dict
    assert not CountryIntake.objects.exists()


def test_the_service_accepts_a_country_in_any_case_and_star(intake_organisation: Organisation) -> None:
    services.country_intake_set(actor=None, country=" es ", organisation=intake_organisation)
    services.country_intake_set(actor=None, country="*", organisation=intake_organisation)
    assert set(CountryIntake.objects.values_list("country", flat=True)) == {"ES", "*"}


def test_a_caseworker_cannot_set_an_intake(caseworker: Membership, intake_organisation: Organisation) -> None:
    with pytest.raises(PermissionDenied):
        services.country_intake_set(actor=caseworker.user, country="PT", organisation=intake_organisation)
