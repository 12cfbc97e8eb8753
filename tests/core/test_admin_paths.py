"""Every write the Django admin can make goes through the app's services (issue 7, items 6
and 8): a platform administrator adds, changes, deletes and runs every bulk action of every
registered admin through its pages, as a person would, and each write leaves the service's
audit event and nothing in Django's own admin log (which held e-mail addresses in clear).

A model registered in the admin without a recipe here fails ``test_each_admin_page_...``:
walk it too, so nobody can add an admin path that skips the services unnoticed."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Max
from django.test import Client, RequestFactory
from django.urls import reverse

from tests.conftest import login
from tests.factories import PASSWORD
from tests.html_forms import form_data
from victory.accounts import services as account_services
from victory.accounts.admin_site import ServiceModelAdmin, VicToryAdminSite, admin_site
from victory.accounts.models import Membership, Organisation, Role, User
from victory.core.models import AuditEvent
from victory.reports import services as report_services
from victory.reports.models import CountryIntake
from victory.support import content_services
from victory.support import services as support_services
from victory.support.models import ContentKind, ContentPage, HelplineAvailability, HelplineStatus, SupportService

pytestmark = pytest.mark.django_db

Fields = dict[str, str | list[str] | None]  # None: the box is unticked / the field left out


@pytest.fixture
def platform_admin(db: None) -> User:
    user = account_services.user_create(
        email="walking.admin@test.victory.example", password=PASSWORD, is_platform_admin=True
    )
    account_services.totp_device_create_confirmed(user=user)
    return user


@pytest.fixture
def admin_client(client: Client, platform_admin: User) -> Client:
    return login(client, platform_admin)


# --- What a platform administrator does in each admin -------------------------------


def _organisation(name: str = "Walk organisation (fictional)") -> Organisation:
    return account_services.organisation_create(actor=None, name=name, kind="victim_support", countries=["PT"])


def _membership() -> Membership:
    membership = account_services.member_add(
        actor=None,
        organisation=_organisation("Member organisation (fictional)"),
        email="walk.member@test.victory.example",
        role=Role.CASEWORKER,
    )
    assert isinstance(membership, Membership)  # no actor, nobody to approve: given at once
    return membership


def _membership_add() -> Fields:
    user = account_services.user_create(actor=None, email="walk.new.member@test.victory.example")
    return {
        "user": str(user.pk),
        "organisation": str(_organisation().pk),
        "role": Role.CASEWORKER,
        # Given in case the membership service asks why a role is granted.
        "reason": "Walking every admin page in a test",
    }


def _support_service() -> SupportService:
    service = support_services.service_create(
        actor=None, slug="walk", name="Walk service (fictional)", organisation_name="Org (fictional)", country="PT"
    )
    support_services.service_translation_set(actor=None, service=service, language="en", description="Hello.")
    return service


def _content_page() -> ContentPage:
    page = ContentPage(slug="walk-page", kind=ContentKind.EXPLAINER, order=3)
    content_services.content_object_save(actor=None, instance=page)
    return page


def _helpline() -> HelplineAvailability:
    return content_services.helpline_availability_set(
        actor=None,
        country="PT",
        status=HelplineStatus.AVAILABLE,
        source="A walked source (fictional)",
        last_reviewed_on=date(2026, 11, 1),
    )


def _intake() -> CountryIntake:
    report_services.country_intake_set(actor=None, country="PT", organisation=_organisation())
    return CountryIntake.objects.get(country="PT")


@dataclass(frozen=True)
class Recipe:
    """How one model's admin is used, and what every write through it must audit."""

    audit_prefixes: tuple[str, ...]
    make: Callable[[], models.Model]  # an existing object, made through the services
    add: Callable[[], Fields] | None  # the fields a person fills in; None: adding is refused
    change: Callable[[Any], Fields] | None  # None: the change page saves nothing
    delete: bool
    actions: tuple[str, ...] = field(default=())


RECIPES: dict[type[models.Model], Recipe] = {
    Organisation: Recipe(
        audit_prefixes=("organisation.",),
        make=_organisation,
        add=lambda: {"name": "Added organisation (fictional)", "kind": "police", "countries": "PT, ES"},
        change=lambda org: {"name": "Renamed organisation (fictional)", "accepts_public_reports": "on"},
        delete=False,
    ),
    Membership: Recipe(
        # A role that reads reports becomes a request another administrator approves.
        audit_prefixes=("membership.", "role_grant."),
        make=_membership,
        add=_membership_add,
        change=lambda membership: {"role": Role.SUPERVISOR, "reason": "Walking every admin page in a test"},
        delete=True,
    ),
    User: Recipe(
        audit_prefixes=("user.",),
        make=lambda: account_services.user_create(actor=None, email="walk.user@test.victory.example"),
        add=lambda: {"email": "added.user@test.victory.example", "full_name": "Added Person (fictional)"},
        change=lambda user: {"full_name": "Renamed Person (fictional)", "is_active": None},
        delete=False,
    ),
    CountryIntake: Recipe(
        audit_prefixes=("report.intake_configured",),
        make=_intake,
        add=lambda: {"country": "ES", "organisation": str(_organisation("Spanish intake (fictional)").pk)},
        change=lambda intake: {"organisation": str(_organisation("Another intake (fictional)").pk)},
        delete=False,
    ),
    SupportService: Recipe(
        audit_prefixes=("support_service.",),
        make=_support_service,
        add=lambda: {
            "slug": "added-service",
            "name": "Added service (fictional)",
            "organisation_name": "Org (fictional)",
            "country": "ES",
            "region": "Madrid",
            "languages": "es",
            "translations-0-language": "es",
            "translations-0-description": "Te escuchamos.",
        },
        change=lambda service: {"name": "Renamed service (fictional)", "region": "Porto"},
        delete=False,
        actions=("publish", "unpublish", "mark_reviewed_today"),
    ),
    ContentPage: Recipe(
        audit_prefixes=("content.",),
        make=_content_page,
        add=lambda: {
            "slug": "added-page",
            "kind": ContentKind.EXPLAINER,
            "order": "9",
            "translations-TOTAL_FORMS": "1",
            "translations-0-language": "en",
            "translations-0-status": "draft",
            "translations-0-title": "Added page",
            "translations-0-body": "What this page explains.",
        },
        change=lambda page: {"order": "4"},
        delete=True,
    ),
    HelplineAvailability: Recipe(
        audit_prefixes=("content.helpline_availability.",),
        make=_helpline,
        add=lambda: {
            "country": "ES",
            "status": HelplineStatus.NOT_AVAILABLE,
            "source": "A walked source (fictional)",
            "last_reviewed_on": "2026-11-30",
        },
        change=lambda entry: {"status": HelplineStatus.UNKNOWN},
        delete=False,
    ),
}


# --- Walking the pages ---------------------------------------------------------------


def _url(model: type[models.Model], view: str, *args: Any) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _last_sequence() -> int:
    return AuditEvent.objects.aggregate(last=Max("sequence"))["last"] or 0


def _post_form(client: Client, url: str, form_id: str, fields: Fields) -> Any:
    """Open the page, fill in ``fields`` over what it shows, and send it, as a browser does."""
    page = client.get(url)
    assert page.status_code == 200, url
    data: dict[str, Any] = form_data(page.content.decode(), form_id=form_id)
    for name, value in fields.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    response = client.post(url, data)
    if response.status_code != 302:
        errors = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode(), re.S)
        raise AssertionError(f"{url} did not save ({response.status_code}): {errors}")
    return response


def _assert_audited(since: int, actor: User, prefixes: tuple[str, ...], what: str) -> None:
    events = AuditEvent.objects.filter(sequence__gt=since)
    actions = list(events.values_list("action", flat=True))
    assert actions, f"{what} wrote no audit event: it did not go through a service"
    assert all(action.startswith(prefixes) for action in actions), f"{what} audited {actions}"
    assert set(events.values_list("actor", flat=True)) == {actor.pk}, f"{what} audited another actor"
    assert not LogEntry.objects.exists(), f"{what} wrote Django's admin log"


def _offered_actions(page: str) -> set[str]:
    select = re.search(r'<select name="action"[^>]*>(.*?)</select>', page, re.S)
    return set(re.findall(r'<option value="([^"]+)"', select.group(1))) if select else set()


def test_every_registered_admin_subclasses_the_service_admin() -> None:
    for model, model_admin in admin_site._registry.items():
        assert isinstance(model_admin, ServiceModelAdmin), model


@pytest.mark.parametrize("model", list(admin_site._registry), ids=lambda model: model._meta.label_lower)
def test_each_admin_page_writes_only_through_the_services(
    admin_client: Client, platform_admin: User, model: type[models.Model]
) -> None:
    recipe = RECIPES.get(model)
    if recipe is None:
        pytest.fail(f"{model._meta.label} is in the admin but not walked here: add a Recipe for it to RECIPES.")
    form_id = f"{model._meta.model_name}_form"

    if recipe.add is None:
        assert admin_client.get(_url(model, "add")).status_code == 403
    else:
        fields = recipe.add()
        since = _last_sequence()
        _post_form(admin_client, _url(model, "add"), form_id, fields)
        _assert_audited(since, platform_admin, recipe.audit_prefixes, f"Adding a {model._meta.label}")

    obj = recipe.make()
    if recipe.change is not None:
        fields = recipe.change(obj)
        since = _last_sequence()
        _post_form(admin_client, _url(model, "change", obj.pk), form_id, fields)
        _assert_audited(since, platform_admin, recipe.audit_prefixes, f"Changing a {model._meta.label}")

    changelist = admin_client.get(_url(model, "changelist")).content.decode()
    assert _offered_actions(changelist) == set(recipe.actions), "a bulk action not walked here (or delete_selected)"
    for action in recipe.actions:
        since = _last_sequence()
        response = admin_client.post(_url(model, "changelist"), {"action": action, "_selected_action": [obj.pk]})
        assert response.status_code == 302
        _assert_audited(since, platform_admin, recipe.audit_prefixes, f"The action {action} on {model._meta.label}")

    delete_url = _url(model, "delete", obj.pk)
    if not recipe.delete:
        assert admin_client.get(delete_url).status_code == 403
        assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
        assert model._default_manager.filter(pk=obj.pk).exists()
    else:
        since = _last_sequence()
        assert admin_client.get(delete_url).status_code == 200
        assert admin_client.post(delete_url, {"post": "yes"}).status_code == 302
        assert not model._default_manager.filter(pk=obj.pk).exists()
        _assert_audited(since, platform_admin, recipe.audit_prefixes, f"Deleting a {model._meta.label}")

    assert not LogEntry.objects.exists()


# --- The base class refuses what does not go through a service ------------------------


def test_the_admin_refuses_a_model_admin_that_writes_without_the_services() -> None:
    site = VicToryAdminSite(name="probe")
    with pytest.raises(ImproperlyConfigured, match="ServiceModelAdmin"):
        site.register(Group, admin.ModelAdmin)


def test_a_service_admin_that_forgets_its_service_saves_and_deletes_nothing(platform_admin: User) -> None:
    site = VicToryAdminSite(name="probe")
    site.register(Group)  # the base class, with no service to call
    model_admin = site.get_model_admin(Group)
    request = RequestFactory().post("/")
    request.user = platform_admin
    with pytest.raises(ImproperlyConfigured, match="service"):
        model_admin.save_model(request, Group(name="Bypass"), None, False)
    assert not Group.objects.exists()
    group = Group.objects.create(name="Existing")
    with pytest.raises(ImproperlyConfigured, match="service"):
        model_admin.delete_model(request, group)
    with pytest.raises(ImproperlyConfigured, match="service"):
        model_admin.delete_queryset(request, Group.objects.all())
    assert Group.objects.filter(pk=group.pk).exists()


def test_delete_selected_is_offered_by_no_admin(admin_client: Client) -> None:
    _support_service()
    _content_page()
    for model in admin_site._registry:
        page = admin_client.get(_url(model, "changelist")).content.decode()
        assert "delete_selected" not in _offered_actions(page), model


# --- Django's admin log: nothing written, nothing shown ----------------------------


def test_adding_people_in_the_admin_leaves_no_email_in_the_admin_log(admin_client: Client) -> None:
    _post_form(
        admin_client,
        _url(User, "add"),
        "user_form",
        {"email": "victim.helper@test.victory.example", "full_name": "Helper (fictional)"},
    )
    _post_form(admin_client, _url(Membership, "add"), "membership_form", _membership_add())
    assert not LogEntry.objects.exists()
    index = admin_client.get(reverse("admin:index")).content.decode()
    assert "Recent actions" not in index and "victim.helper@" not in index


def test_the_admin_keeps_its_messages_out_of_cookies(admin_client: Client) -> None:
    """Its messages name the object ("The user “…” was added"): for a person, the e-mail
    address. A message cookie is signed, not encrypted; the session is encrypted at rest."""
    response = _post_form(
        admin_client, _url(User, "add"), "user_form", {"email": "in.a.cookie@test.victory.example", "full_name": ""}
    )
    assert "messages" not in response.cookies
    shown = admin_client.get(response["Location"]).content.decode()
    assert "in.a.cookie@test.victory.example" in shown and "was added successfully" in shown
    assert "messages" not in admin_client.cookies or not admin_client.cookies["messages"].value


def test_an_objects_history_page_is_gone(admin_client: Client) -> None:
    organisation = _organisation()
    change_page = admin_client.get(_url(Organisation, "change", organisation.pk)).content.decode()
    assert _url(Organisation, "history", organisation.pk) not in change_page
    assert admin_client.get(_url(Organisation, "history", organisation.pk)).status_code == 404


# --- A service's refusal is shown on the form, never a server error -------------------


def test_a_refusal_by_the_service_is_shown_on_the_admin_form(admin_client: Client) -> None:
    url = _url(Organisation, "add")
    data = form_data(admin_client.get(url).content.decode(), form_id="organisation_form")
    data.update({"name": ["Bad countries (fictional)"], "kind": ["police"], "countries": ["PT, <x"]})
    response = admin_client.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "“&lt;X” is not a two-letter country code." in page
    assert 'value="PT, &lt;x"' in page  # what was typed is kept, to be corrected
    assert not Organisation.objects.filter(name="Bad countries (fictional)").exists()
    assert not AuditEvent.objects.filter(action="organisation.created").exists()


def test_a_refused_deletion_is_explained_and_nothing_is_removed(admin_client: Client) -> None:
    only_admin = account_services.member_add(
        actor=None, organisation=_organisation(), email="only.admin@test.victory.example", role=Role.ORG_ADMIN
    )
    response = admin_client.post(_url(Membership, "delete", only_admin.pk), {"post": "yes"}, follow=True)
    assert response.status_code == 200
    assert "An organisation needs at least one administrator." in response.content.decode()
    assert Membership.objects.filter(pk=only_admin.pk).exists()
