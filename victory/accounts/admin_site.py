"""The Django admin, for platform administrators only, behind two-factor authentication.

Every write the admin makes goes through the app's services, which check permissions,
validate and audit: the site accepts only ``ServiceModelAdmin`` classes, whose saves and
deletions fail unless a subclass routes them to a service. Django's own admin log is never
written: the audit chain already records every change, and the log kept ``str(obj)`` (an
e-mail address, for people) in clear."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.forms import AdminPasswordChangeForm
from django.contrib.admin.models import LogEntry
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminSite

from victory.core.messages import form_errors_add

from . import services
from .models import User
from .permissions import administers_platform

# Set on the request while a form refused by a service is shown again (see changeform_view).
_REFUSAL = "_victory_service_refusal"


class ServiceModelAdmin[M: Model](admin.ModelAdmin[M]):
    """The base of every admin: writes go through services, or do not happen.

    A subclass that lets administrators add or change objects overrides ``save_model``
    (and ``save_formset`` for inlines, ``delete_model`` if deleting is allowed) to call
    the app's service. The defaults below refuse rather than write, so a forgotten
    override is an error in the first test, never an unaudited write."""

    def _no_service(self, method: str) -> ImproperlyConfigured:
        return ImproperlyConfigured(
            f"{type(self).__name__}.{method} has no service to call: override it to call the app's service."
        )

    def save_model(self, request: HttpRequest, obj: M, form: Any, change: bool) -> None:
        raise self._no_service("save_model")

    def delete_model(self, request: HttpRequest, obj: M) -> None:
        raise self._no_service("delete_model")

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[M]) -> None:
        raise self._no_service("delete_queryset")

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.has_changed():
            raise self._no_service("save_formset")

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # Django's version also calls form.save_m2m(), a direct write; no model here has
        # a many-to-many field, and one added later must be saved by its service.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    # --- No admin log: the services audit every change -----------------------------

    # Django ignores what these return; with no row written there is none to return.
    def log_addition(self, request: HttpRequest, obj: Model, message: Any) -> None:  # type: ignore[override]
        return None

    def log_change(self, request: HttpRequest, obj: Model, message: Any) -> None:  # type: ignore[override]
        return None

    def log_deletions(self, request: HttpRequest, queryset: Any) -> list[LogEntry]:
        return []

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> HttpResponse:
        raise Http404  # it listed the admin log, which is no longer written

    # --- A service's refusal is shown on the form, not as a server error -------------

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form_class = super().get_form(request, obj, change, **kwargs)
        if not hasattr(request, _REFUSAL):
            return form_class
        refusal: ValidationError = getattr(request, _REFUSAL)

        class RefusedForm(form_class):  # type: ignore[misc, valid-type]
            def clean(self) -> Any:
                cleaned = super().clean()
                form_errors_add(self, refusal)
                return cleaned

        return RefusedForm

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as refusal:
            if request.method != "POST" or hasattr(request, _REFUSAL):
                raise
            # The service refused a form that was valid on its own, and everything it
            # wrote was rolled back. The same form is shown again with the service's
            # reasons, and what the administrator typed, to be corrected.
            setattr(request, _REFUSAL, refusal)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def delete_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> HttpResponse:
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as refusal:
            self.message_user(request, " ".join(refusal.messages), messages.ERROR)
            opts = self.model._meta
            change = f"admin:{opts.app_label}_{opts.model_name}_change"
            return HttpResponseRedirect(reverse(change, args=[object_id], current_app=self.admin_site.name))


class ServicePasswordChangeForm(AdminPasswordChangeForm):
    """An administrator's own new password, set by the service: it ends every API token of
    the account (a token taken with the old password dies with it) and is audited."""

    def save(self, commit: bool = True) -> User:
        user: User = self.user
        services.user_set_password(actor=user, user=user, password=self.cleaned_data["new_password1"])
        return user


class VicToryAdminSite(OTPAdminSite):
    site_header = _("VicTory administration")
    site_title = _("VicTory administration")
    index_title = _("Organisations, users and content")
    password_change_form = ServicePasswordChangeForm

    def __init__(self, name: str = "admin") -> None:
        super().__init__(name)
        # Deletes a whole selection with queryset.delete(): no service, no audit.
        self.disable_action("delete_selected")

    def register(self, model_or_iterable: Any, admin_class: Any = None, **options: Any) -> None:
        admin_class = admin_class or ServiceModelAdmin
        if not issubclass(admin_class, ServiceModelAdmin):
            raise ImproperlyConfigured(
                f"{admin_class.__name__} must subclass ServiceModelAdmin, so that its writes go through the services."
            )
        super().register(model_or_iterable, admin_class, **options)

    def get_log_entries(self, request: HttpRequest) -> QuerySet[LogEntry]:
        return LogEntry.objects.none()

    def has_permission(self, request: HttpRequest) -> bool:
        return bool(super().has_permission(request) and administers_platform(request.user))

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """One way in for everyone: the platform's own login, with its second factor and
        its slow-down and lock (the admin's form has neither)."""
        return redirect_to_login(request.GET.get("next") or reverse("admin:index"), reverse("accounts:login"))


admin_site = VicToryAdminSite(name="admin")
