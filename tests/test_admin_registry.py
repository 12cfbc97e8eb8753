"""Over the admin registry (issue 9, "tests that must exist"): every admin's saves,
deletions, inline rows and bulk actions go through the services and write audit events.

tests/core/test_admin_paths.py walks each registered admin's add, change, delete and
bulk actions through its pages. This module adds what that walk does not reach: the
rows of every inline (added and deleted from the parent's page), the shape of every
admin class (a write it allows has its service), and Django's default admin site,
which the platform does not serve: a model registered there by mistake would have no
admin at all, so nothing of the platform may be registered there.

An inline or an admin added later without its entry here fails these tests."""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib import admin
from django.db import models
from django.test import Client, RequestFactory
from django.urls import resolve, reverse

from tests.core.test_admin_paths import (
    RECIPES,
    _assert_audited,
    _last_sequence,
    _url,
    admin_client,  # noqa: F401  (a fixture)
    platform_admin,  # noqa: F401  (a fixture)
)
from tests.html_forms import form_data
from victory.accounts.admin_site import ServiceModelAdmin, admin_site
from victory.accounts.models import User
from victory.core.models import AuditEvent
from victory.support.models import ContentTranslation, CountryNote, SupportServiceTranslation

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class InlineRow:
    """What a person types into a new row of an inline, and the audit event the row's
    own service writes when it is added and when it is deleted (the parent's event alone
    does not prove the row went through a service)."""

    fields: dict[str, str]
    added: str
    deleted: str


INLINE_ROWS: dict[type[models.Model], InlineRow] = {
    SupportServiceTranslation: InlineRow(
        fields={"language": "pt", "description": "Alguém ouve e explica os seus direitos."},
        added="support_service.translation_set",
        deleted="support_service.translation_deleted",
    ),
    ContentTranslation: InlineRow(
        fields={"language": "pt", "status": "draft", "title": "Uma página", "body": "O que esta página explica."},
        added="content.contenttranslation.created",
        deleted="content.contenttranslation.deleted",
    ),
    CountryNote: InlineRow(
        fields={
            "country": "PT",
            "language": "en",
            "status": "draft",
            "last_reviewed_on": "2026-11-01",
            "source": "A listed source (fictional)",
            "text": "What differs in Portugal.",
        },
        added="content.countrynote.created",
        deleted="content.countrynote.deleted",
    ),
}


def _actions_since(sequence: int) -> list[str]:
    return list(AuditEvent.objects.filter(sequence__gt=sequence).values_list("action", flat=True))


# Any inline of any registered model (the admin site types its registry so).
AnyInline = type[admin.options.InlineModelAdmin[Any, Any]]

INLINES = [(model, inline) for model, model_admin in admin_site._registry.items() for inline in model_admin.inlines]


def _fk_name(inline: AnyInline, parent: type[models.Model]) -> str:
    field = next(
        f for f in inline.model._meta.get_fields() if isinstance(f, models.ForeignKey) and f.related_model is parent
    )
    return field.name


def _prefix(inline: AnyInline, parent: type[models.Model]) -> str:
    remote = inline.model._meta.get_field(_fk_name(inline, parent)).remote_field
    return str(remote.get_accessor_name())


def _one(value: Any) -> str:
    """A field's value as the form parser gives it (a list, one per input of that name)."""
    return str(value[0] if isinstance(value, list) else value)


def _send(client: Client, url: str, form_id: str, change: Any) -> None:
    data: dict[str, Any] = form_data(client.get(url).content.decode(), form_id=form_id)
    change(data)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]


@pytest.mark.parametrize(("model", "inline"), INLINES, ids=lambda item: getattr(item, "model", item)._meta.label_lower)
def test_each_inline_row_is_added_and_deleted_through_the_services(
    admin_client: Client,  # noqa: F811
    platform_admin: User,  # noqa: F811
    model: type[models.Model],
    inline: AnyInline,
) -> None:
    row = INLINE_ROWS.get(inline.model)
    if row is None:
        pytest.fail(f"{inline.model._meta.label} is an inline of the admin not walked here: add it to INLINE_ROWS.")
    parent = RECIPES[model].make()
    rows = inline.model._default_manager.filter(**{_fk_name(inline, model): parent})
    before = set(rows.values_list("pk", flat=True))
    prefix, url, form_id = _prefix(inline, model), _url(model, "change", parent.pk), f"{model._meta.model_name}_form"
    prefixes = RECIPES[model].audit_prefixes

    def add_row(data: dict[str, Any]) -> None:
        total, initial = int(_one(data[f"{prefix}-TOTAL_FORMS"])), int(_one(data[f"{prefix}-INITIAL_FORMS"]))
        index = initial  # the first form after the saved rows: an empty extra one, or a new one
        data[f"{prefix}-TOTAL_FORMS"] = str(max(total, index + 1))
        data.update({f"{prefix}-{index}-{name}": value for name, value in row.fields.items()})

    since = _last_sequence()
    _send(admin_client, url, form_id, add_row)
    added = set(rows.values_list("pk", flat=True)) - before
    assert len(added) == 1, f"adding a {inline.model._meta.label} row saved {len(added)}"
    _assert_audited(since, platform_admin, prefixes, f"Adding a {inline.model._meta.label} row")
    assert row.added in _actions_since(since), f"the new row's service did not audit it ({_actions_since(since)})"

    (new_pk,) = added

    def delete_row(data: dict[str, Any]) -> None:
        index = next(
            int(name.split("-")[-2])
            for name, value in data.items()
            if name.startswith(f"{prefix}-") and name.endswith("-id") and _one(value) == str(new_pk)
        )
        data[f"{prefix}-{index}-DELETE"] = "on"

    since = _last_sequence()
    _send(admin_client, url, form_id, delete_row)
    assert not rows.filter(pk=new_pk).exists(), f"deleting a {inline.model._meta.label} row left it"
    _assert_audited(since, platform_admin, prefixes, f"Deleting a {inline.model._meta.label} row")
    assert row.deleted in _actions_since(since), (
        f"the row's service did not audit its deletion ({_actions_since(since)})"
    )


def _overrides(model_admin: admin.ModelAdmin[models.Model], method: str) -> bool:
    return getattr(type(model_admin), method) is not getattr(ServiceModelAdmin, method)


@pytest.mark.parametrize("model", list(admin_site._registry), ids=lambda model: model._meta.label_lower)
def test_each_write_an_admin_allows_has_its_service(platform_admin: User, model: type[models.Model]) -> None:  # noqa: F811
    """What the walk cannot see on a page is read from the class: an admin that allows
    adding or changing saves through a service; one with inlines saves their rows through
    one; one that allows deleting deletes through one, one object at a time."""
    model_admin = admin_site._registry[model]
    request = RequestFactory().get("/")
    request.user = platform_admin
    obj = RECIPES[model].make() if model in RECIPES else None
    can_add, can_change = model_admin.has_add_permission(request), model_admin.has_change_permission(request, obj)
    if can_add or can_change:
        assert _overrides(model_admin, "save_model"), f"{type(model_admin).__name__} saves without a service"
    if model_admin.inlines and (can_add or can_change):
        assert _overrides(model_admin, "save_formset"), f"{type(model_admin).__name__} saves inlines without one"
    if model_admin.has_delete_permission(request, obj):
        assert _overrides(model_admin, "delete_model"), f"{type(model_admin).__name__} deletes without a service"
    assert not _overrides(model_admin, "delete_queryset"), "a bulk deletion skips the services' checks per object"
    assert "delete_selected" not in model_admin.get_actions(request)


def test_nothing_of_the_platform_is_in_djangos_default_admin_site() -> None:
    """``@admin.register(Model)`` without ``site=admin_site`` lands on Django's default
    site, which no address serves: the model would silently have no admin, and none of
    the site's safeguards (two factors, services only, no admin log)."""
    ours = [model._meta.label for model in admin.site._registry if model.__module__.startswith("victory.")]
    assert not ours, f"registered on django.contrib.admin.site instead of victory's admin_site: {ours}"

    # The one admin the platform serves is its own (both sites are named "admin").
    index = inspect.unwrap(resolve(reverse("admin:index")).func)
    assert getattr(index, "__self__", None) is admin_site
