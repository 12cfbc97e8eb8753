"""The directory in the admin: services with their translations per language, publish and
review actions, and the import/export of whole files. Every save goes through the
services, so the admin checks and audits exactly what the commands do."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from victory.accounts.admin_site import ServiceModelAdmin, admin_site
from victory.accounts.models import User
from victory.accounts.permissions import administers_platform
from victory.core.messages import form_errors_add
from victory.core.vocabulary import BiasMotivation, country_choices, country_name

from . import importing, services
from .forms import ServiceImportForm
from .models import Channel, ServiceOffer, SupportService, SupportServiceTranslation

FORM_FIELDS = [*importing.SERVICE_COLUMNS, "organisation"]


class SupportServiceAdminForm(forms.ModelForm[SupportService]):
    country = forms.ChoiceField(label=_("Country"), choices=country_choices)
    offers = forms.MultipleChoiceField(
        label=_("What they offer"), choices=ServiceOffer.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    groups = forms.MultipleChoiceField(
        label=_("Groups they specialise in"),
        choices=BiasMotivation.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    channels = forms.MultipleChoiceField(
        label=_("How to reach them"), choices=Channel.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    languages = forms.CharField(
        label=_("Languages spoken"),
        help_text=_("Two-letter ISO 639-1 codes separated by commas, e.g. pt, en, ar."),
        required=False,
    )

    class Meta:
        model = SupportService
        fields = FORM_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["languages"] = ", ".join(self.instance.languages)

    def clean_languages(self) -> list[str]:
        raw = self.cleaned_data["languages"].replace(";", ",")
        return [code.strip().lower() for code in raw.split(",") if code.strip()]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        values = {name: cleaned[name] for name in importing.SERVICE_COLUMNS if name in cleaned}
        form_errors_add(self, importing.service_problems(importing.service_values_normalise(values)))
        return cleaned


class TranslationInlineForm(forms.ModelForm[SupportServiceTranslation]):
    # A blank first choice: with the first language preselected, the empty extra form
    # counted as filled in, and saving a service's change page unchanged failed.
    language = forms.ChoiceField(label=_("Language"), choices=[("", "---------"), *settings.LANGUAGES])

    class Meta:
        model = SupportServiceTranslation
        fields = ["language", "description", "opening_hours", "accessibility"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("DELETE") or "language" not in cleaned or "description" not in cleaned:
            return cleaned
        problems = importing.translation_problems(
            language=cleaned["language"],
            description=cleaned["description"],
            opening_hours=cleaned.get("opening_hours", ""),
            accessibility=cleaned.get("accessibility", ""),
        )
        form_errors_add(self, problems)
        return cleaned


class CountryFilter(admin.SimpleListFilter):
    """The countries that have services, by name in the administrator's language."""

    title = _("country")
    parameter_name = "country"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        codes = set(SupportService.objects.values_list("country", flat=True).distinct())
        return sorted(((code, country_name(code)) for code in codes), key=lambda item: item[1])

    def queryset(self, request: HttpRequest, queryset: QuerySet[SupportService]) -> QuerySet[SupportService]:
        return queryset.filter(country=self.value()) if self.value() else queryset


class SupportServiceTranslationInline(admin.StackedInline[SupportServiceTranslation, SupportService]):
    model = SupportServiceTranslation
    form = TranslationInlineForm
    extra = 1
    verbose_name = _("text in one language")
    verbose_name_plural = _("texts, one per language (English is shown when a language is missing)")


@admin.register(SupportService, site=admin_site)
class SupportServiceAdmin(ServiceModelAdmin[SupportService]):
    form = SupportServiceAdminForm
    inlines = [SupportServiceTranslationInline]
    list_display = ["name", "organisation_name", "country", "region", "status", "last_reviewed_on", "is_fictional"]
    list_filter = [CountryFilter, "status", "is_fictional"]
    search_fields = ["name", "organisation_name", "slug", "region"]
    autocomplete_fields = ["organisation"]
    actions = ["publish", "unpublish", "mark_reviewed_today"]
    change_list_template = "admin/support/supportservice/change_list.html"
    fieldsets = [
        (None, {"fields": ["slug", "name", "organisation_name", "organisation", "status", "is_fictional"]}),
        (_("Where"), {"fields": ["country", "region", "address"]}),
        (_("What they offer"), {"fields": ["offers", "groups", "languages", "channels"]}),
        (_("Contact"), {"fields": ["phone", "email", "website"]}),
        (_("Terms"), {"fields": ["is_free", "accepts_reports_via_victory", "last_reviewed_on"]}),
    ]

    # --- Saving through the services --------------------------------------

    def save_model(self, request: HttpRequest, obj: SupportService, form: Any, change: bool) -> None:
        actor: User = request.user  # type: ignore[assignment]
        data = {name: form.cleaned_data[name] for name in FORM_FIELDS}
        if change:
            services.service_update(actor=actor, service=SupportService.objects.get(pk=obj.pk), data=data)
        else:
            obj.pk = services.service_create(actor=actor, **data).pk

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        actor: User = request.user  # type: ignore[assignment]
        service = SupportService.objects.get(pk=form.instance.pk)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline in formset.forms:
            data = getattr(inline, "cleaned_data", None)
            if not data or not inline.has_changed():
                continue
            original = inline.instance if inline.instance.pk else None
            if original is not None and (data.get("DELETE") or "language" in inline.changed_data):
                services.service_translation_delete(
                    actor=actor, translation=SupportServiceTranslation.objects.get(pk=original.pk)
                )
                formset.deleted_objects.append(original)
            if data.get("DELETE"):
                continue
            translation = services.service_translation_set(
                actor=actor,
                service=service,
                language=data["language"],
                description=data["description"],
                opening_hours=data.get("opening_hours", ""),
                accessibility=data.get("accessibility", ""),
            )
            if original is None or "language" in inline.changed_data:
                formset.new_objects.append(translation)
            else:
                formset.changed_objects.append((translation, inline.changed_data))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # unpublish instead: the audit trail refers to services

    # --- Actions ------------------------------------------------------------

    def _each(self, request: HttpRequest, queryset: QuerySet[SupportService], action: Any) -> int:
        done = 0
        for service in queryset:
            try:
                action(actor=request.user, service=service)
            except ValidationError as error:
                self.message_user(
                    request,
                    _("%(service)s: %(problem)s") % {"service": service, "problem": " ".join(error.messages)},
                    level=messages.WARNING,
                )
            else:
                done += 1
        return done

    @admin.action(description=_("Publish the selected services"))
    def publish(self, request: HttpRequest, queryset: QuerySet[SupportService]) -> None:
        done = self._each(request, queryset, services.service_publish)
        self.message_user(
            request,
            ngettext("%(count)s service is published.", "%(count)s services are published.", done) % {"count": done},
        )

    @admin.action(description=_("Unpublish the selected services (back to draft)"))
    def unpublish(self, request: HttpRequest, queryset: QuerySet[SupportService]) -> None:
        done = self._each(request, queryset, services.service_unpublish)
        self.message_user(
            request,
            ngettext("%(count)s service is back to draft.", "%(count)s services are back to draft.", done)
            % {"count": done},
        )

    @admin.action(description=_("Mark the selected services as reviewed today"))
    def mark_reviewed_today(self, request: HttpRequest, queryset: QuerySet[SupportService]) -> None:
        done = self._each(request, queryset, services.service_mark_reviewed)
        self.message_user(
            request,
            ngettext(
                "%(count)s service is marked as reviewed today.",
                "%(count)s services are marked as reviewed today.",
                done,
            )
            % {"count": done},
        )

    # --- Import and export --------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_view), name="support_supportservice_import"),
            path("export/<str:file_format>/", view(self.export_view), name="support_supportservice_export"),
            *super().get_urls(),
        ]

    def _require_platform_admin(self, request: HttpRequest) -> User:
        if not administers_platform(request.user):
            raise PermissionDenied
        return request.user  # type: ignore[return-value]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        actor = self._require_platform_admin(request)
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import services"),
            "problems": [],
            "result": None,
        }
        form = ServiceImportForm(request.POST, request.FILES) if request.method == "POST" else ServiceImportForm()
        if form.is_bound and form.is_valid():
            upload = form.cleaned_data["file"]
            parsed = importing.parse_services(upload.read(), file_format=form.cleaned_data["file_format"])
            if parsed.problems:
                context["problems"] = parsed.problems
            else:
                dry_run = form.cleaned_data["dry_run"]
                context["result"] = services.services_import(actor=actor, rows=parsed.rows, dry_run=dry_run)
                context["dry_run"] = dry_run
        context["form"] = form
        return TemplateResponse(request, "admin/support/supportservice/import.html", context)

    def export_view(self, request: HttpRequest, file_format: str) -> HttpResponse:
        self._require_platform_admin(request)
        if file_format not in importing.FORMATS:
            raise Http404
        content_type = "text/csv; charset=utf-8" if file_format == "csv" else "application/json; charset=utf-8"
        response = HttpResponse(importing.services_export(file_format=file_format), content_type=content_type)
        filename = f"support-services-{timezone.localdate().isoformat()}.{file_format}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


# --- Rights pages, explainers and country notes ------------------------------------

from . import content_services  # noqa: E402
from .models import ContentPage, ContentTranslation, CountryNote, HelplineAvailability  # noqa: E402


class ContentTranslationForm(forms.ModelForm[ContentTranslation]):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)

    class Meta:
        model = ContentTranslation
        fields = ["language", "status", "last_reviewed_on", "title", "summary", "body", "what_you_can_do"]


class CountryNoteForm(forms.ModelForm[CountryNote]):
    # Choices, not free text: a note saved as "pt" or "XX" would never be shown.
    country = forms.ChoiceField(label=_("Country"), choices=country_choices)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)

    class Meta:
        model = CountryNote
        fields = ["country", "language", "status", "last_reviewed_on", "source", "text"]


class ContentTranslationInline(admin.StackedInline[ContentTranslation, ContentPage]):
    """One text per language: each is drafted, reviewed and published on its own."""

    model = ContentTranslation
    form = ContentTranslationForm
    extra = 0
    fields = ["language", "status", "last_reviewed_on", "title", "summary", "body", "what_you_can_do"]


class CountryNoteInline(admin.StackedInline[CountryNote, ContentPage]):
    model = CountryNote
    form = CountryNoteForm
    extra = 0
    fields = ["country", "language", "status", "last_reviewed_on", "source", "text"]


@admin.register(ContentPage, site=admin_site)
class ContentPageAdmin(ServiceModelAdmin[ContentPage]):
    list_display = ["slug", "kind", "right_letter", "need", "order"]
    list_filter = ["kind"]
    inlines = [ContentTranslationInline, CountryNoteInline]

    def save_model(self, request: HttpRequest, obj: ContentPage, form: Any, change: bool) -> None:
        content_services.content_object_save(actor=request.user, instance=obj)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        for instance in formset.save(commit=False):
            content_services.content_object_save(actor=request.user, instance=instance)
        for instance in formset.deleted_objects:
            content_services.content_object_delete(actor=request.user, instance=instance)

    def delete_model(self, request: HttpRequest, obj: ContentPage) -> None:
        content_services.content_object_delete(actor=request.user, instance=obj)


class HelplineAvailabilityForm(forms.ModelForm[HelplineAvailability]):
    country = forms.ChoiceField(label=_("Country"), choices=country_choices)

    class Meta:
        model = HelplineAvailability
        fields = ["country", "status", "source", "last_reviewed_on"]


@admin.register(HelplineAvailability, site=admin_site)
class HelplineAvailabilityAdmin(ServiceModelAdmin[HelplineAvailability]):
    """Where 116 006 answers: each country's entry with its source and review date."""

    form = HelplineAvailabilityForm
    list_display = ["country", "status", "last_reviewed_on"]
    list_filter = ["status"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # Another country is another entry.
        return ["country"] if obj else []

    def save_model(self, request: HttpRequest, obj: HelplineAvailability, form: Any, change: bool) -> None:
        saved = content_services.helpline_availability_set(
            actor=request.user,
            country=obj.country,
            status=obj.status,
            source=obj.source,
            last_reviewed_on=obj.last_reviewed_on,
        )
        obj.pk = saved.pk

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Mark the country "not known" instead: its pages then point to the directory.
        return False
