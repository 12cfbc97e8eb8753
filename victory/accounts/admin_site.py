"""The Django admin, for platform administrators only, behind two-factor authentication."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminSite


class VicToryAdminSite(OTPAdminSite):
    site_header = _("VicTory administration")
    site_title = _("VicTory administration")
    index_title = _("Organisations, users and content")

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(super().has_permission(request) and getattr(user, "is_platform_admin", False))

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """One way in for everyone: the platform's own login, with its second factor and
        its slow-down and lock (the admin's form has neither)."""
        return redirect_to_login(request.GET.get("next") or reverse("admin:index"), reverse("accounts:login"))


admin_site = VicToryAdminSite(name="admin")
