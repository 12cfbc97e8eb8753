"""Django admin for platform administrators. Saving goes through the services, so the
admin checks the same permissions and writes the same audit events as every other path."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from . import services
from .admin_site import ServiceModelAdmin, admin_site
from .forms import MembershipAdminForm, role_grant_pending_message
from .http import professional_user
from .models import Membership, Organisation, RoleGrant, User
from .services import organisation_public_profile_set, validate_languages

# Set on a membership that was not saved because its role waits for approval: the request.
_ROLE_GRANT = "_victory_role_grant"


class OrganisationAdminForm(forms.ModelForm[Organisation]):
    countries = forms.CharField(
        label=_("Countries served"),
        help_text=_("Two-letter country codes separated by commas, e.g. PT, ES."),
        required=False,
    )
    languages = forms.CharField(
        label=_("Languages it works in"),
        help_text=_(
            "Language codes separated by commas, main language first, e.g. pt, en. "
            "People choosing who receives their report see them."
        ),
        required=False,
    )

    class Meta:
        model = Organisation
        fields = ["name", "kind", "countries", "languages", "description", "accepts_public_reports", "is_active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["countries"] = ", ".join(self.instance.countries)
            self.initial["languages"] = ", ".join(self.instance.languages)

    def clean_countries(self) -> list[str]:
        return [code.strip() for code in self.cleaned_data["countries"].split(",") if code.strip()]

    def clean_languages(self) -> list[str]:
        try:
            return validate_languages(self.cleaned_data["languages"].split(","))
        except ValidationError as error:  # shown on the field, not as a server error on saving
            raise ValidationError(error.message_dict["languages"]) from error


@admin.register(Organisation, site=admin_site)
class OrganisationAdmin(ServiceModelAdmin[Organisation]):
    form = OrganisationAdminForm
    list_display = ["name", "kind", "accepts_public_reports", "is_fictional", "is_active"]
    list_filter = ["kind", "accepts_public_reports", "is_active"]
    search_fields = ["name"]

    def save_model(self, request: HttpRequest, obj: Organisation, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if change:
            fresh = Organisation.objects.get(pk=obj.pk)
            services.organisation_update(
                actor=professional_user(request),
                organisation=fresh,
                name=data["name"],
                kind=data["kind"],
                countries=data["countries"],
                accepts_public_reports=data["accepts_public_reports"],
                is_active=data["is_active"],
            )
        else:
            created = services.organisation_create(
                actor=professional_user(request),
                name=data["name"],
                kind=data["kind"],
                countries=data["countries"],
                accepts_public_reports=data["accepts_public_reports"],
            )
            obj.pk = created.pk
        organisation_public_profile_set(
            actor=professional_user(request),
            organisation=Organisation.objects.get(pk=obj.pk),
            languages=data["languages"],
            description=data["description"],
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deactivate instead: cases and audit events refer to organisations


@admin.register(Membership, site=admin_site)
class MembershipAdmin(ServiceModelAdmin[Membership]):
    """Memberships through the same services as the members page: a role that reads reports
    becomes a request that another administrator approves there, never the platform
    administrator for themselves."""

    list_display = ["user", "organisation", "role"]
    list_filter = ["role", "organisation"]
    fields = ["user", "organisation", "role", "reason"]
    autocomplete_fields = ["organisation"]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        kwargs["form"] = MembershipAdminForm
        return super().get_form(request, obj, change, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["user", "organisation"] if obj else []

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        actor = professional_user(request)
        reason = form.cleaned_data.get("reason", "")
        try:
            if change:
                result = services.member_change_role(
                    actor=actor,
                    membership=Membership.objects.get(pk=obj.pk),
                    role=form.cleaned_data["role"],
                    reason=reason,
                )
            else:
                result = services.member_add(
                    actor=actor,
                    organisation=form.cleaned_data["organisation"],
                    email=form.cleaned_data["user"].email,
                    role=form.cleaned_data["role"],
                    reason=reason,
                    language=get_language() or "en",
                )
        except ValidationError as refusal:
            # The service names the person "email"; this form chooses them in "user".
            if hasattr(refusal, "error_dict") and "email" in refusal.error_dict:
                refusal.error_dict["user"] = refusal.error_dict.pop("email")
            raise
        if isinstance(result, RoleGrant):
            setattr(obj, _ROLE_GRANT, result)  # nothing was saved: see response_*
        else:
            obj.pk = result.pk

    def _pending_response(self, request: HttpRequest, obj: Membership) -> HttpResponse | None:
        grant: RoleGrant | None = getattr(obj, _ROLE_GRANT, None)
        if grant is None:
            return None
        self.message_user(request, role_grant_pending_message(email=grant.user.email, role=grant.role), messages.INFO)
        return HttpResponseRedirect(reverse("admin:accounts_membership_changelist", current_app=self.admin_site.name))

    def response_add(self, request: HttpRequest, obj: Membership, post_url_continue: str | None = None) -> HttpResponse:
        return self._pending_response(request, obj) or super().response_add(request, obj, post_url_continue)

    def response_change(self, request: HttpRequest, obj: Membership) -> HttpResponse:
        return self._pending_response(request, obj) or super().response_change(request, obj)

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        services.member_remove(actor=professional_user(request), membership=obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is not None  # one at a time, through the service (no bulk delete)


class UserAdminForm(forms.ModelForm[User]):
    email = forms.EmailField(label=_("E-mail address"))
    full_name = forms.CharField(label=_("Full name"), required=False)

    class Meta:
        model = User
        # No password: nobody sets another person's password here (a new account chooses
        # its own through the e-mailed link); administrators change their own on the
        # admin's password page, which goes through the service.
        fields = ["email", "full_name", "is_platform_admin", "is_active"]


@admin.register(User, site=admin_site)
class UserAdmin(ServiceModelAdmin[User]):
    form = UserAdminForm
    list_display = ["email", "is_platform_admin", "is_active", "date_joined"]
    list_filter = ["is_platform_admin", "is_active"]
    # E-mail addresses are encrypted: the database cannot search them.

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["email", "is_platform_admin"] if obj else []

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        if change:
            services.user_update(
                actor=professional_user(request),
                user=User.objects.get(pk=obj.pk),
                full_name=form.cleaned_data["full_name"],
                is_active=form.cleaned_data["is_active"],
            )
        else:
            created = services.user_create(
                actor=professional_user(request),
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                is_platform_admin=form.cleaned_data["is_platform_admin"],
            )
            obj.pk = created.pk

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deactivate instead, so the audit trail keeps its actors
