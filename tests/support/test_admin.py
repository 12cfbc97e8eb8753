"""The directory in the admin: platform administrators edit services and their texts per
language, publish and review them, and import or export whole files."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client

from tests.support.conftest import csv_bytes, json_bytes, json_item, service_row
from victory.accounts.models import User
from victory.core.models import AuditEvent
from victory.support import services
from victory.support.importing import parse_services
from victory.support.models import PublicationStatus, SupportService, SupportServiceTranslation

pytestmark = pytest.mark.django_db

CHANGELIST = "/en/admin/support/supportservice/"
IMPORT = CHANGELIST + "import/"


def _upload(client: Client, data: bytes, name: str, **extra: Any) -> Any:
    upload = io.BytesIO(data)
    upload.name = name
    return client.post(IMPORT, {"file": upload, **extra})


def _service(slug: str = "a") -> SupportService:
    service = services.service_create(
        actor=None, slug=slug, name=f"Service {slug} (fictional)", organisation_name="Org", country="PT"
    )
    services.service_translation_set(actor=None, service=service, language="en", description="Hello.")
    return service


def _form_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "slug": "new-service",
        "name": "New service (fictional)",
        "organisation_name": "Org (fictional)",
        "organisation": "",
        "status": "draft",
        "country": "ES",
        "region": "Madrid",
        "address": "",
        "offers": ["legal", "emotional"],
        "groups": ["anti_roma"],
        "languages": "es, ar",
        "channels": ["email"],
        "phone": "",
        "email": "new@test.victory.example",
        "website": "",
        "is_free": "on",
        "last_reviewed_on": "",
        "translations-TOTAL_FORMS": "1",
        "translations-INITIAL_FORMS": "0",
        "translations-MIN_NUM_FORMS": "0",
        "translations-MAX_NUM_FORMS": "1000",
        "translations-0-language": "es",
        "translations-0-description": "Te escuchamos.",
        "translations-0-opening_hours": "",
        "translations-0-accessibility": "",
    }
    data.update(overrides)
    return data


def test_the_list_offers_filters_and_import_and_export_links(admin_client: Client) -> None:
    _service()
    page = admin_client.get(CHANGELIST).content.decode()
    assert "Service a (fictional)" in page
    assert IMPORT in page
    assert CHANGELIST + "export/csv/" in page and CHANGELIST + "export/json/" in page
    assert '<a href="?country=PT">Portugal</a>' in page and "?status__exact=draft" in page
    assert "Service a (fictional)" not in admin_client.get(CHANGELIST + "?country=ES").content.decode()


def test_adding_a_service_with_its_text_goes_through_the_services(admin_client: Client, platform_admin: User) -> None:
    response = admin_client.post(CHANGELIST + "add/", _form_data())
    assert response.status_code == 302, response.content.decode()
    service = SupportService.objects.get(slug="new-service")
    assert service.languages == ["es", "ar"] and service.offers == ["legal", "emotional"]
    assert service.translations.get().description == "Te escuchamos."
    assert AuditEvent.objects.filter(action="support_service.created", actor=platform_admin).exists()
    assert AuditEvent.objects.filter(action="support_service.translation_set", actor=platform_admin).exists()


def test_the_admin_form_refuses_markup_and_unknown_languages(admin_client: Client) -> None:
    response = admin_client.post(
        CHANGELIST + "add/",
        _form_data(name="<b>Bold</b>", languages="es, klingon", **{"translations-0-description": "<script>x"}),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "HTML or script" in page and "klingon" in page
    assert not SupportService.objects.exists()


def test_editing_a_translation_replaces_it_and_a_new_language_is_added(admin_client: Client) -> None:
    service = _service()
    translation = service.translations.get()
    data = _form_data(
        slug="a",
        name=service.name,
        country="PT",
        **{
            "translations-TOTAL_FORMS": "2",
            "translations-INITIAL_FORMS": "1",
            "translations-0-id": str(translation.pk),
            "translations-0-service": str(service.pk),
            "translations-0-language": "en",
            "translations-0-description": "Hello again.",
            "translations-1-service": str(service.pk),
            "translations-1-language": "pt",
            "translations-1-description": "Olá.",
            "translations-1-opening_hours": "",
            "translations-1-accessibility": "",
        },
    )
    response = admin_client.post(f"{CHANGELIST}{service.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()
    texts = dict(SupportServiceTranslation.objects.filter(service=service).values_list("language", "description"))
    assert texts == {"en": "Hello again.", "pt": "Olá."}


def test_actions_publish_unpublish_and_mark_reviewed(admin_client: Client) -> None:
    a, b = _service("a"), _service("b")
    ids = [str(a.pk), str(b.pk)]
    admin_client.post(CHANGELIST, {"action": "publish", "_selected_action": ids})
    assert set(SupportService.objects.values_list("status", flat=True)) == {PublicationStatus.PUBLISHED}
    admin_client.post(CHANGELIST, {"action": "mark_reviewed_today", "_selected_action": ids})
    assert SupportService.objects.filter(last_reviewed_on__isnull=False).count() == 2
    admin_client.post(CHANGELIST, {"action": "unpublish", "_selected_action": [str(a.pk)]})
    assert SupportService.objects.get(pk=a.pk).status == PublicationStatus.DRAFT


def test_an_upload_with_problems_shows_each_by_row_and_column_and_imports_nothing(admin_client: Client) -> None:
    data = csv_bytes([service_row("good"), service_row("bad", country="ZZ", description_en="<script>x</script>")])
    response = _upload(admin_client, data, "services.csv")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing was imported" in page
    assert page.count('class="import-problem"') == 2
    assert "<td>3</td><td>country</td>" in page
    assert "<td>3</td><td>description_en</td>" in page
    assert "<script>x" not in page  # shown escaped, never as markup
    assert not SupportService.objects.exists()


def test_a_file_that_is_not_utf8_is_reported(admin_client: Client) -> None:
    row = service_row(region="Setúbal", description_pt="", opening_hours_pt="")
    page = _upload(admin_client, csv_bytes([row], encoding="cp1252"), "services.csv").content.decode()
    assert "not UTF-8" in page
    assert not SupportService.objects.exists()


def test_a_valid_upload_imports_and_shows_a_summary(admin_client: Client, platform_admin: User) -> None:
    _service("lisbon-support")
    response = _upload(admin_client, csv_bytes([service_row(), service_row("new-one")]), "services.csv")
    page = response.content.decode()
    assert "Import done: 1 services created, 1 updated, 0 unchanged." in page
    assert SupportService.objects.count() == 2
    assert AuditEvent.objects.filter(action="support_service.imported", actor=platform_admin).exists()


def test_a_json_upload_in_dry_run_imports_nothing(admin_client: Client) -> None:
    response = _upload(admin_client, json_bytes([json_item("x")]), "directory.json", dry_run="on")
    assert "would create 1" in response.content.decode()
    assert not SupportService.objects.exists()


def test_export_links_download_files_that_import_again(admin_client: Client) -> None:
    _service("a")
    csv_response = admin_client.get(CHANGELIST + "export/csv/")
    assert csv_response["Content-Type"].startswith("text/csv")
    assert "attachment" in csv_response["Content-Disposition"]
    json_response = admin_client.get(CHANGELIST + "export/json/")
    for response, file_format in ((csv_response, "csv"), (json_response, "json")):
        parsed = parse_services(response.content, file_format=file_format)
        assert parsed.problems == [] and [row.slug for row in parsed.rows] == ["a"]
    assert admin_client.get(CHANGELIST + "export/xml/").status_code == 404


def test_a_caseworker_cannot_reach_the_import_page(caseworker_client: Client) -> None:
    response = _upload(caseworker_client, csv_bytes([service_row()]), "services.csv")
    assert response.status_code == 302
    assert caseworker_client.get(CHANGELIST + "export/csv/").status_code == 302
    assert not SupportService.objects.exists()


def test_the_add_change_and_import_pages_open(admin_client: Client) -> None:
    service = _service()
    assert admin_client.get(CHANGELIST + "add/").status_code == 200
    page = admin_client.get(f"{CHANGELIST}{service.pk}/change/").content.decode()
    assert "Hello." in page and 'name="translations-0-language"' in page
    assert 'enctype="multipart/form-data"' in admin_client.get(IMPORT).content.decode()


def test_deleting_a_translation_in_the_admin_is_audited(admin_client: Client, platform_admin: User) -> None:
    service = _service()
    services.service_translation_set(actor=None, service=service, language="pt", description="Olá.")
    en, pt = service.translations.order_by("language")
    data = _form_data(
        slug="a",
        name=service.name,
        country="PT",
        **{
            "translations-TOTAL_FORMS": "2",
            "translations-INITIAL_FORMS": "2",
            "translations-0-id": str(en.pk),
            "translations-0-service": str(service.pk),
            "translations-0-language": "en",
            "translations-0-description": "Hello.",
            "translations-1-id": str(pt.pk),
            "translations-1-service": str(service.pk),
            "translations-1-language": "pt",
            "translations-1-description": "Olá.",
            "translations-1-DELETE": "on",
        },
    )
    response = admin_client.post(f"{CHANGELIST}{service.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()
    assert list(service.translations.values_list("language", flat=True)) == ["en"]
    assert AuditEvent.objects.filter(action="support_service.translation_deleted", actor=platform_admin).exists()
