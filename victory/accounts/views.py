"""Professional login with a mandatory second factor, enrolment, and member management.

Views parse input, call services and render; every rule lives in services/permissions.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, ngettext, ngettext_lazy
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import FormView, TemplateView
from django_otp import login as otp_login

from victory.accounts.permissions import (
    can_decide_role_grant,
    can_withdraw_role_grant,
    is_professional,
)
from victory.core.http import ClientRequest
from victory.core.kept_input import kept_input_discard_unless
from victory.core.messages import form_errors_add, throttled_message
from victory.core.ratelimit import Throttled
from victory.core.session_keys import NEW_BACKUP_CODES_KEY as NEW_BACKUP_CODES
from victory.core.session_keys import PENDING_LOGIN_KEY as PENDING_LOGIN

from . import selectors, services
from .forms import (
    BackupCodesForm,
    CodeForm,
    EnrolmentCodeForm,
    LoginForm,
    MemberAddForm,
    MemberRoleForm,
    PasswordResetForm,
    SetPasswordForm,
    role_grant_pending_message,
)
from .http import ProfessionalRequest
from .middleware import session_touch
from .models import AuthenticatorDevice, Role, RoleGrant, RoleGrantStatus, User

# Time allowed between the password step and the code step.
PENDING_LOGIN_SECONDS = 300


def _throttled_message(retry_after: int) -> str:
    # A short slow-down is said in seconds; a lock in whole minutes (core.messages).
    if retry_after < 60:
        return ngettext(
            "Too many failed attempts. Wait %(seconds)s second, then try again.",
            "Too many failed attempts. Wait %(seconds)s seconds, then try again.",
            retry_after,
        ) % {"seconds": retry_after}
    return throttled_message(
        ngettext_lazy(
            "Too many failed attempts. This account is locked for %(minutes)s minute.",
            "Too many failed attempts. This account is locked for %(minutes)s minutes.",
            "minutes",
        ),
        retry_after,
    )


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


class ProfessionalRequiredMixin(AccessMixin, View):
    """The gate to every professional page: logged in, with the second factor. Behind it,
    ``self.request`` is a ProfessionalRequest: its user is the platform's User."""

    request: ProfessionalRequest

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not is_professional(request.user):
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)


@method_decorator([sensitive_post_parameters("password"), never_cache], name="dispatch")
class LoginView(FormView[LoginForm]):
    template_name = "accounts/login.html"
    form_class = LoginForm
    request: ClientRequest

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if is_professional(request.user):
            return redirect(_safe_next(request))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(next=self.request.GET.get("next", ""), **kwargs)

    def form_valid(self, form: LoginForm) -> HttpResponse:
        try:
            user = services.password_check(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                client=self.request.client_fingerprint,
            )
        except Throttled as error:
            form.add_error(None, _throttled_message(error.retry_after))
            return self.form_invalid(form)
        except services.AuthenticationFailed:
            form.add_error(None, _("The e-mail address or password is not right. Check them and try again."))
            return self.form_invalid(form)
        self.request.session.cycle_key()
        self.request.session[PENDING_LOGIN] = {"user": user.pk, "at": time.time(), "next": _safe_next(self.request)}
        if services.has_confirmed_totp(user):
            return redirect("accounts:login_verify")
        return redirect("accounts:login_enrol")


class PendingLoginMixin(View):
    """For the steps after the password: the user who passed it, if recently."""

    request: ClientRequest
    user: User

    def pending_user(self) -> User | None:
        pending = self.request.session.get(PENDING_LOGIN)
        if not pending or time.time() - pending["at"] > PENDING_LOGIN_SECONDS:
            return None
        return User.objects.filter(pk=pending["user"], is_active=True).first()

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = self.pending_user()
        if user is None:
            request.session.pop(PENDING_LOGIN, None)
            messages.info(request, _("Your login took too long. Enter your e-mail address and password again."))
            return redirect("accounts:login")
        self.user = user
        return super().dispatch(request, *args, **kwargs)

    def finish_login(self, device: Any) -> HttpResponse:
        target = self.request.session[PENDING_LOGIN].get("next") or reverse(settings.LOGIN_REDIRECT_URL)
        del self.request.session[PENDING_LOGIN]
        auth_login(self.request, self.user, backend="django.contrib.auth.backends.ModelBackend")
        otp_login(self.request, device)
        # Text kept from a form sent after a timeout is offered back to its writer only.
        kept_input_discard_unless(request=self.request, owner=f"user:{self.user.pk}")
        # However active, a session ends this long after the login (the idle timeout is shorter).
        self.request.session.set_expiry(timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE))
        return HttpResponseRedirect(target)


@method_decorator(never_cache, name="dispatch")
class LoginVerifyView(PendingLoginMixin, FormView[CodeForm]):
    template_name = "accounts/login_verify.html"
    form_class = CodeForm
    request: ClientRequest  # as PendingLoginMixin has it (TemplateResponseMixin says HttpRequest)

    def form_valid(self, form: CodeForm) -> HttpResponse:
        try:
            device = services.second_factor_check(
                user=self.user,
                code=form.cleaned_data["code"],
                client=self.request.client_fingerprint,
            )
        except Throttled as error:
            form.add_error("code", _throttled_message(error.retry_after))
            return self.form_invalid(form)
        except services.AuthenticationFailed:
            form.add_error("code", _("That code is not right. Enter the code your app shows now."))
            return self.form_invalid(form)
        return self.finish_login(device)


@method_decorator(never_cache, name="dispatch")
class LoginEnrolView(PendingLoginMixin, FormView[EnrolmentCodeForm]):
    """First login: set up the authenticator app. Nobody gets in without it."""

    template_name = "accounts/login_enrol.html"
    form_class = EnrolmentCodeForm
    request: ClientRequest  # as PendingLoginMixin has it (TemplateResponseMixin says HttpRequest)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if services.has_confirmed_totp(self.user):
            return redirect("accounts:login_verify")
        return super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if services.has_confirmed_totp(self.user):
            return redirect("accounts:login_verify")
        return super().post(request, *args, **kwargs)

    def get_device(self) -> AuthenticatorDevice:
        device = AuthenticatorDevice.objects.filter(user=self.user, confirmed=False).first()
        return device or services.totp_enrolment_start(user=self.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        device = self.get_device()
        qr = segno.make(device.config_url, error="m")
        return super().get_context_data(
            qr_svg=qr.svg_inline(scale=4, dark="#000", light="#fff", omitsize=True),
            secret=_base32_secret(device),
            **kwargs,
        )

    def form_valid(self, form: EnrolmentCodeForm) -> HttpResponse:
        device = self.get_device()
        try:
            codes = services.totp_enrolment_confirm(
                user=self.user,
                device=device,
                code=form.cleaned_data["code"],
                client=self.request.client_fingerprint,
            )
        except Throttled as error:
            form.add_error("code", _throttled_message(error.retry_after))
            return self.form_invalid(form)
        except services.AuthenticationFailed:
            form.add_error("code", _("That code is not right. Check the time on your phone and enter the new code."))
            return self.form_invalid(form)
        device.refresh_from_db()
        self.finish_login(device)
        self.request.session[NEW_BACKUP_CODES] = codes
        return redirect("accounts:backup_codes")


def _base32_secret(device: AuthenticatorDevice) -> str:
    import base64

    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@method_decorator([sensitive_post_parameters("password"), never_cache], name="dispatch")
class BackupCodesView(ProfessionalRequiredMixin, FormView[BackupCodesForm]):
    """Shows new backup codes once; the form (with the password again) makes a new set."""

    template_name = "accounts/backup_codes.html"
    form_class = BackupCodesForm
    request: ProfessionalRequest  # as the gate has it (TemplateResponseMixin says HttpRequest)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(codes=self.request.session.pop(NEW_BACKUP_CODES, None), **kwargs)

    def form_valid(self, form: BackupCodesForm) -> HttpResponse:
        try:
            codes = services.backup_codes_regenerate(
                user=self.request.user,
                password=form.cleaned_data["password"],
                client=self.request.client_fingerprint,
            )
        except Throttled as error:
            form.add_error("password", _throttled_message(error.retry_after))
            return self.form_invalid(form)
        except services.AuthenticationFailed:
            form.add_error(
                "password", _("That password is not right. Enter the password you log in with, then try again.")
            )
            return self.form_invalid(form)
        self.request.session[NEW_BACKUP_CODES] = codes
        return redirect("accounts:backup_codes")


class KeepAliveView(View):
    """The "Stay logged in" button: restarts the idle clock (204). A session that already ended is
    answered 401 by ProfessionalSessionMiddleware, or here when nobody is logged in."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        if not is_professional(request.user):
            return HttpResponse(status=401)
        session_touch(request)
        response = HttpResponse(status=204)
        add_never_cache_headers(response)
        return response


class LogoutView(View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        auth_logout(request)
        messages.success(request, _("You are logged out."))
        return redirect("accounts:login")


class DashboardView(ProfessionalRequiredMixin, TemplateView):
    template_name = "accounts/dashboard.html"
    request: ProfessionalRequest  # as the gate has it (TemplateResponseMixin says HttpRequest)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = self.request.user
        memberships = selectors.membership_list_for_user(user=user)
        return super().get_context_data(
            memberships=memberships,
            managed_organisations=selectors.organisation_list_managed_by(user=user),
            handles_reports=selectors.organisation_list_handled_by(user=user).exists(),
            **kwargs,
        )


class MemberListView(ProfessionalRequiredMixin, FormView[MemberAddForm]):
    """An organisation administrator's page: who has which role, add, change, remove, and
    the requests for roles that read reports, with approve and refuse for those who may."""

    template_name = "accounts/members.html"
    form_class = MemberAddForm
    request: ProfessionalRequest  # as the gate has it (TemplateResponseMixin says HttpRequest)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not is_professional(request.user):
            return self.handle_no_permission()
        self.organisation = selectors.organisation_get_managed(
            user=request.user,
            organisation_id=kwargs["organisation_id"],
        )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, *, row_form: tuple[int, MemberRoleForm] | None = None, **kwargs: Any) -> dict[str, Any]:
        """``row_form``: a member's role form sent with a mistake, shown again as typed."""
        user = self.request.user
        members = selectors.member_list(user=user, organisation=self.organisation)
        rows = [
            (
                m,
                row_form[1]
                if row_form and row_form[0] == m.pk
                else MemberRoleForm(initial={"role": m.role}, prefix=f"m{m.pk}"),
            )
            for m in members
        ]
        pending = [
            (grant, can_decide_role_grant(user, grant), can_withdraw_role_grant(user, grant))
            for grant in selectors.role_grant_list_pending(user=user, organisation=self.organisation)
        ]
        return super().get_context_data(
            organisation=self.organisation,
            members=rows,
            pending_grants=pending,
            row_error_form=row_form[1] if row_form else None,
            **kwargs,
        )

    def form_valid(self, form: MemberAddForm) -> HttpResponse:
        try:
            result = services.member_add(
                actor=self.request.user,
                organisation=self.organisation,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                role=form.cleaned_data["role"],
                reason=form.cleaned_data["reason"],
                language=get_language() or "en",
            )
        except ValidationError as error:
            form_errors_add(form, error)
            return self.form_invalid(form)
        if isinstance(result, RoleGrant):
            messages.info(self.request, role_grant_pending_message(email=form.cleaned_data["email"], role=result.role))
        else:
            messages.success(
                self.request,
                _("%(email)s now has the role %(role)s.")
                % {"email": form.cleaned_data["email"], "role": Role(form.cleaned_data["role"]).label},
            )
        return redirect(self.request.path)


class MemberChangeView(MemberListView):
    """POST only: change a member's role, or remove the membership. A mistake shows the
    members page again with the member's form as it was sent."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = self.request.user  # the same request, as the gate typed it
        organisation = self.organisation
        membership = selectors.membership_get_managed(
            user=user, organisation=organisation, membership_id=kwargs["membership_id"]
        )
        members_url = reverse("accounts:members", kwargs={"organisation_id": organisation.pk})
        if "remove" in request.POST:
            try:
                services.member_remove(actor=user, membership=membership)
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("The role was removed."))
            return redirect(members_url)
        form = MemberRoleForm(request.POST, prefix=f"m{membership.pk}")
        if form.is_valid():
            try:
                result = services.member_change_role(
                    actor=user,
                    membership=membership,
                    role=form.cleaned_data["role"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                form_errors_add(form, error)
            else:
                if isinstance(result, RoleGrant):
                    messages.info(request, role_grant_pending_message(email=membership.user.email, role=result.role))
                else:
                    messages.success(request, _("The role was changed."))
                return redirect(members_url)
        context = self.get_context_data(form=MemberAddForm(), row_form=(membership.pk, form))
        return self.render_to_response(context)


class RoleGrantDecideView(ProfessionalRequiredMixin, View):
    """POST only: approve, refuse or withdraw a request for a role that reads reports. The
    service decides who may (victory.accounts.permissions.role_grant_deciders)."""

    http_method_names = ["post"]

    def post(self, request: ProfessionalRequest, organisation_id: int, grant_id: int) -> HttpResponse:
        user = request.user
        organisation = selectors.organisation_get_managed(user=user, organisation_id=organisation_id)
        grant = selectors.role_grant_get(user=user, organisation=organisation, grant_id=grant_id)
        decision = request.POST.get("decision")
        try:
            if decision == "approve":
                services.role_grant_approve(actor=user, grant=grant)
                messages.success(
                    request,
                    _("Approved: %(email)s now has the role %(role)s.")
                    % {"email": grant.user.email, "role": Role(grant.role).label},
                )
            elif decision in ("refuse", "withdraw"):
                decided = services.role_grant_refuse(actor=user, grant=grant)
                if decided.status == RoleGrantStatus.WITHDRAWN:
                    messages.success(request, _("The request was withdrawn."))
                else:
                    messages.success(request, _("The request was refused."))
            else:
                messages.error(request, _("Choose whether to approve or refuse the request."))
        except PermissionDenied as refusal:
            # The service says why when the reason is where the person's standing comes from.
            messages.error(
                request,
                str(refusal)
                or _(
                    "Only another administrator may approve or refuse this request: not the person who asked "
                    "for it, nor the person it is for."
                ),
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        return redirect("accounts:members", organisation_id=organisation.pk)


@method_decorator(never_cache, name="dispatch")
class PasswordResetView(FormView[PasswordResetForm]):
    template_name = "accounts/password_reset.html"
    form_class = PasswordResetForm
    request: ClientRequest

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        try:
            services.password_reset_request(
                email=form.cleaned_data["email"],
                language=get_language() or settings.LANGUAGE_CODE,
                client=self.request.client_fingerprint,
            )
        except Throttled as error:
            form.add_error(None, _throttled_reset_message(error.retry_after))
            return self.form_invalid(form)
        return redirect("accounts:password_reset_done")


def _throttled_reset_message(retry_after: int) -> str:
    return throttled_message(
        ngettext_lazy(
            "Too many requests for a new password. Try again in %(minutes)s minute.",
            "Too many requests for a new password. Try again in %(minutes)s minutes.",
            "minutes",
        ),
        retry_after,
    )


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


@method_decorator(never_cache, name="dispatch")
class PasswordResetLinkView(View):
    """The address e-mailed to choose a password, with the token in its query string
    (``services.password_link``). The token goes into the session at once and the browser
    continues at the set-password address, which does not carry it; a wrong or expired
    token leads to the same address, which then says so."""

    http_method_names = ["get"]

    def get(self, request: HttpRequest, uidb64: str) -> HttpResponse:
        token = request.GET.get("token", "")
        confirm = PasswordResetConfirmView()
        user = confirm.get_user(uidb64)
        if user is not None and token and confirm.token_generator.check_token(user, token):
            request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN] = token
        elif auth_views.INTERNAL_RESET_SESSION_TOKEN in request.session:
            del request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return redirect("accounts:password_reset_confirm", uidb64=uidb64, token=confirm.reset_url_token)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = SetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(link_hours=settings.PASSWORD_RESET_TIMEOUT // 3600, **kwargs)


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
