"""Writing the directory: one service at a time or a whole file, by a platform
administrator or the platform itself, always audited and never half-done."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.factories import UserFactory
from tests.support.conftest import csv_bytes, service_row
from victory.accounts.models import User
from victory.core.models import AuditEvent
from victory.support import importing, services
from victory.support.importing import ServiceRow, TranslationText, parse_services
from victory.support.models import PublicationStatus, SupportService, SupportServiceTranslation

pytestmark = pytest.mark.django_db


def _create(actor: User | None = None, slug: str = "porto-help", **fields: Any) -> SupportService:
    values: dict[str, Any] = {
        "slug": slug,
        "name": "Porto help (fictional)",
        "organisation_name": "Org (fictional)",
        "country": "PT",
    }
    values.update(fields)
    return services.service_create(actor=actor, **values)


def _rows(*rows: dict[str, object]) -> list[ServiceRow]:
    parsed = parse_services(csv_bytes(list(rows)), file_format="csv")
    assert parsed.problems == []
    return parsed.rows


def test_an_administrator_creates_a_draft_service_and_it_is_audited(platform_admin: User) -> None:
    service = _create(platform_admin, offers=["Legal", "legal"], country="pt")
    assert service.status == PublicationStatus.DRAFT
    assert service.country == "PT" and service.offers == ["legal"]
    assert AuditEvent.objects.filter(action="support_service.created", actor=platform_admin).exists()


def test_a_service_with_markup_or_unknown_codes_is_refused() -> None:
    with pytest.raises(ValidationError) as error:
        _create(name="<script>alert(1)</script>", groups=["anti_nobody"])
    assert set(error.value.message_dict) == {"name", "groups"}


@pytest.mark.parametrize("role_holder", ["caseworker", "org_admin", "nobody"])
def test_anyone_but_a_platform_administrator_gets_permission_denied(
    role_holder: str, request: pytest.FixtureRequest
) -> None:
    actor: User = UserFactory() if role_holder == "nobody" else request.getfixturevalue(role_holder).user
    service = _create()
    row = _rows(service_row())
    for write in (
        lambda: _create(actor, slug="other"),
        lambda: services.service_update(actor=actor, service=service, data={"name": "New"}),
        lambda: services.service_publish(actor=actor, service=service),
        lambda: services.service_unpublish(actor=actor, service=service),
        lambda: services.service_mark_reviewed(actor=actor, service=service),
        lambda: services.service_translation_set(actor=actor, service=service, language="en", description="Hi"),
        lambda: services.services_import(actor=actor, rows=row),
    ):
        with pytest.raises(PermissionDenied):
            write()
    assert SupportService.objects.count() == 1
    assert not SupportServiceTranslation.objects.exists()


def test_update_changes_only_what_differs_and_says_which_fields(platform_admin: User) -> None:
    service = _create()
    services.service_update(actor=platform_admin, service=service, data={"name": "Porto help (fictional)"})
    assert not AuditEvent.objects.filter(action="support_service.updated").exists()
    services.service_update(actor=platform_admin, service=service, data={"region": "Porto", "channels": ["chat"]})
    service.refresh_from_db()
    assert service.region == "Porto" and service.channels == ["chat"]
    assert AuditEvent.objects.get(action="support_service.updated").reason == "channels, region"


def test_publishing_needs_a_description_and_unpublishing_goes_back_to_draft(platform_admin: User) -> None:
    service = _create()
    with pytest.raises(ValidationError):
        services.service_publish(actor=platform_admin, service=service)
    services.service_translation_set(actor=platform_admin, service=service, language="en", description=" Hello. ")
    services.service_publish(actor=platform_admin, service=service)
    assert SupportService.objects.get().status == PublicationStatus.PUBLISHED
    services.service_unpublish(actor=platform_admin, service=service)
    assert SupportService.objects.get().status == PublicationStatus.DRAFT
    actions = list(AuditEvent.objects.filter(object_id=str(service.pk)).values_list("action", flat=True))
    assert actions[-3:] == [
        "support_service.translation_set",
        "support_service.published",
        "support_service.unpublished",
    ]


def test_a_translation_is_set_per_language_and_replaced(platform_admin: User) -> None:
    service = _create()
    services.service_translation_set(actor=platform_admin, service=service, language="pt", description="Olá")
    services.service_translation_set(
        actor=platform_admin, service=service, language="pt", description="Bom dia", opening_hours="9–18"
    )
    translation = SupportServiceTranslation.objects.get(service=service)
    assert (translation.language, translation.description, translation.opening_hours) == ("pt", "Bom dia", "9–18")
    with pytest.raises(ValidationError):
        services.service_translation_set(actor=platform_admin, service=service, language="xx", description="?")


def test_mark_reviewed_defaults_to_today_and_refuses_the_future(platform_admin: User) -> None:
    service = _create()
    services.service_mark_reviewed(actor=platform_admin, service=service)
    assert SupportService.objects.get().last_reviewed_on == timezone.localdate()
    services.service_mark_reviewed(actor=platform_admin, service=service, on=date(2026, 1, 2))
    assert SupportService.objects.get().last_reviewed_on == date(2026, 1, 2)
    with pytest.raises(ValidationError):
        services.service_mark_reviewed(
            actor=platform_admin, service=service, on=timezone.localdate() + timedelta(days=1)
        )


def test_a_valid_import_creates_and_a_second_import_updates_by_slug(platform_admin: User) -> None:
    result = services.services_import(actor=platform_admin, rows=_rows(service_row("a"), service_row("b")))
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    service = SupportService.objects.get(slug="a")
    assert service.status == PublicationStatus.PUBLISHED and service.languages == ["pt", "en", "ar"]
    assert {t.language for t in service.translations.all()} == {"en", "pt"}

    again = services.services_import(
        actor=platform_admin,
        rows=_rows(service_row("a", name="Renamed (fictional)", description_pt="Novo texto."), service_row("b")),
    )
    assert (again.created, again.updated, again.unchanged) == (0, 1, 1)
    assert SupportService.objects.count() == 2
    service.refresh_from_db()
    assert service.name == "Renamed (fictional)"
    assert service.translations.get(language="pt").description == "Novo texto."
    assert AuditEvent.objects.filter(action="support_service.imported").count() == 2


def test_languages_left_empty_in_a_file_keep_their_translation(platform_admin: User) -> None:
    services.services_import(actor=None, rows=_rows(service_row("a")))
    services.services_import(actor=None, rows=_rows(service_row("a", description_pt="", opening_hours_pt="")))
    assert SupportServiceTranslation.objects.filter(service__slug="a", language="pt").exists()


def test_an_interrupted_import_leaves_the_directory_as_it_was() -> None:
    services.services_import(actor=None, rows=_rows(service_row("a")))
    before = importing.services_export(file_format="json")
    rows = _rows(service_row("a", name="Changed (fictional)"), service_row("b"), service_row("c"))
    written = []

    def progress(count: int) -> None:
        written.append(count)
        if len(written) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        services.services_import(actor=None, rows=rows, progress=progress)
    assert importing.services_export(file_format="json") == before
    assert SupportService.objects.count() == 1


def test_a_dry_run_counts_exactly_and_writes_nothing() -> None:
    services.services_import(actor=None, rows=_rows(service_row("a")))
    events = AuditEvent.objects.count()
    result = services.services_import(
        actor=None, rows=_rows(service_row("a", name="New (fictional)"), service_row("b")), dry_run=True
    )
    assert (result.created, result.updated) == (1, 1)
    assert SupportService.objects.count() == 1
    assert SupportService.objects.get().name == "Lisbon support a (fictional)"
    assert AuditEvent.objects.count() == events


def test_rows_with_the_same_slug_are_refused() -> None:
    row = ServiceRow(
        slug="x", name="X", organisation_name="O", country="PT", translations={"en": TranslationText("Hi")}
    )
    with pytest.raises(ValidationError):
        services.services_import(actor=None, rows=[row, row])
    assert not SupportService.objects.exists()


@pytest.mark.parametrize("file_format", ["csv", "json"])
def test_export_then_import_gives_the_same_directory(file_format: str) -> None:
    services.services_import(
        actor=None,
        rows=_rows(
            service_row("a", description_en='Quotes "here", commas, and\nsecond line; ok'),
            service_row(
                "b", status="draft", is_free="0", last_reviewed_on="", offers="", email="", website="", region=""
            ),
        ),
    )
    b = SupportService.objects.get(slug="b")
    services.service_translation_set(actor=None, service=b, language="ar", description="مرحبا", accessibility="♿")
    services.service_update(actor=None, service=b, data={"is_fictional": True, "phone": "+351 210 000 000"})
    exported = importing.services_export(file_format=file_format)
    expected = importing.service_rows_all()

    parsed = parse_services(exported, file_format=file_format)
    assert parsed.problems == []
    assert parsed.rows == expected

    SupportService.objects.all().delete()  # a fresh directory
    result = services.services_import(actor=None, rows=parsed.rows)
    assert result.created == 2
    assert importing.service_rows_all() == expected
    assert importing.services_export(file_format=file_format) == exported
